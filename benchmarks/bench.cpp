#include "bench.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "careloop/ids.h"

namespace careloop::bench {
namespace {

constexpr TimeMs kHourMs = 3600 * 1000;
constexpr TimeMs kDayMs = 24 * kHourMs;
constexpr double kEventsPerWorker = 1.13;  // first exams, second exams, re-sends, bad input

double StatusFieldMb(std::string_view field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, field.size(), field) != 0) continue;
    std::istringstream fields(line.substr(field.size() + 1));
    double kb = 0;
    fields >> kb;
    return kb / 1024.0;
  }
  return 0;
}

}  // namespace

Settings Settings::Long() { return Settings{}; }

Settings Settings::Short() {
  Settings s;
  s.short_form = true;
  s.main_workers = 30000;
  s.scale_workers = {10000, 30000};
  s.new_events = 20000;
  s.engine_workers = 10000;
  s.latency_seconds = 8;
  return s;
}

double ThreadsCpuSeconds(std::string_view name) {
  static const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  double total = 0;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::ifstream comm(task.path() / "comm");
    std::string thread;
    std::getline(comm, thread);
    if (thread != name) continue;
    std::ifstream stat(task.path() / "stat");
    std::string line;
    std::getline(stat, line);
    // Fields after the ")" that closes the name: 3 state ... 14 utime, 15 stime.
    std::istringstream fields(line.substr(line.rfind(')') + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
      if (i == 14) utime = std::stod(field);
      if (i == 15) stime = std::stod(field);
    }
    total += (utime + stime) / ticks;
  }
  return total;
}

double RssMb() { return StatusFieldMb("VmRSS"); }
double PeakRssMb() { return StatusFieldMb("VmHWM"); }

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::int32_t KafkaPartition(std::string_view key, int partitions) {
  // The topic handle is not used by this partitioner for a non-empty key.
  return rd_kafka_msg_partitioner_consistent(nullptr, key.data(), key.size(), partitions, nullptr,
                                             nullptr);
}

gen::Options PreloadOptions(std::uint64_t workers) {
  gen::Options o;
  o.seed = 42;
  o.workers = workers;
  const TimeMs span = static_cast<TimeMs>(workers) * o.spacing_ms + 110 * kDayMs + kHourMs;
  o.start = WallClockNow() - span;
  return o;
}

std::vector<Event> NewEvents(std::uint64_t workers, std::uint64_t count) {
  gen::Options o;
  o.seed = 4242;
  o.workers = workers;
  o.start = WallClockNow() + kDayMs;
  const double share = std::min(1.0, static_cast<double>(count) / (kEventsPerWorker * workers));
  const auto threshold = static_cast<std::uint64_t>(share * 18446744073709551615.0);
  struct Keyed {
    std::uint64_t order;
    Event event;
  };
  std::vector<Keyed> kept;
  kept.reserve(static_cast<std::size_t>(count * 1.1) + 16);
  gen::Generator g(o);
  gen::GeneratedEvent ev;
  while (g.Next(&ev)) {
    const std::uint64_t h = HashParts({"pick", ev.key});
    if (share < 1.0 && h > threshold) continue;
    kept.push_back({HashParts({"order", ev.key}), Event{std::move(ev.key), std::move(ev.json)}});
  }
  // Workers in random order; each worker's events keep their order (stable).
  std::stable_sort(kept.begin(), kept.end(),
                   [](const Keyed& a, const Keyed& b) { return a.order < b.order; });
  if (kept.size() > count) kept.resize(count);
  std::vector<Event> out;
  out.reserve(kept.size());
  for (auto& k : kept) out.push_back(std::move(k.event));
  return out;
}

std::string PreloadJsonl(std::uint64_t workers) {
  std::ostringstream out;
  gen::WriteJsonl(PreloadOptions(workers), out);
  return std::move(out).str();
}

std::string WorkerId(std::uint64_t index) { return fmt::format("W{:07d}", index + 1); }

}  // namespace careloop::bench
