#include "faults/fault_support.h"

#include <fcntl.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "careloop/state/store.h"
#include "support/keyed_lines.h"

namespace careloop::faults {

namespace fs = std::filesystem;
using testing::Process;
using testing::RunCommand;

const std::string kBin = CARELOOP_BIN;
const std::string kConfig = std::string(CARELOOP_SOURCE_DIR) + "/config";

int Total(const IdCount& ids) {
  int n = 0;
  for (const auto& [id, count] : ids) n += count;
  return n;
}

std::vector<std::string> Doubled(const IdCount& ids) {
  std::vector<std::string> out;
  for (const auto& [id, count] : ids) {
    if (count > 1) out.push_back(id);
  }
  return out;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

Input MakeInput(const std::string& dir, int workers, int seed, int parts) {
  Input input;
  const std::string events = dir + "/events.jsonl";
  const std::string replay = dir + "/replay.jsonl";
  int status = 0;
  RunCommand({kBin, "gen", "--workers", std::to_string(workers), "--seed", std::to_string(seed),
              "--out", events},
             &status);
  REQUIRE(status == 0);
  RunCommand({kBin, "replay", "--config", kConfig, "--in", events, "--out", replay}, &status);
  REQUIRE(status == 0);
  {
    std::ifstream in(replay);
    std::string line;
    while (std::getline(in, line)) {
      rapidjson::Document d;
      d.Parse(line.c_str());
      REQUIRE_FALSE(d.HasParseError());
      input.want[d["topic"].GetString()][d["value"]["id"].GetString()]++;
    }
  }
  std::vector<std::string> lines;
  {
    std::ifstream in(events);
    std::string line;
    while (std::getline(in, line)) {
      REQUIRE(line.find('\t') == std::string::npos);
      lines.push_back(careloop::testing::WorkerKey(line) + '\t' + line);
    }
  }
  const std::size_t per = (lines.size() + parts - 1) / parts;
  for (int p = 0; p < parts; ++p) {
    std::string path = dir + "/part" + std::to_string(p) + ".txt";
    std::ofstream out(path);
    int n = 0;
    for (std::size_t i = p * per; i < std::min(lines.size(), (p + 1) * per); ++i, ++n) {
      out << lines[i] << '\n';
    }
    input.parts.push_back(path);
    input.part_sizes.push_back(n);
  }
  return input;
}

// --- Broker ---------------------------------------------------------------------------

std::optional<Broker> Broker::Start(const std::string& dir, int brokers) {
  const std::string fifo = dir + "/broker.ctl";
  if (mkfifo(fifo.c_str(), 0600) != 0) return std::nullopt;
  // Opened read-write first (Linux allows it for a FIFO), so that the child's open for
  // reading does not wait for a writer: posix_spawn returns only after the child's exec.
  const int fd = open(fifo.c_str(), O_RDWR);
  if (fd < 0) return std::nullopt;
  auto p = Process::Start(
      {kBin, "broker", "--config", kConfig, "--brokers", std::to_string(brokers), "--control"},
      true, fifo);
  if (!p) {
    close(fd);
    return std::nullopt;
  }
  Broker b(std::move(*p), fifo);
  b.fd_ = fd;
  auto first = b.proc_.ReadLine(std::chrono::seconds(30));
  const std::string prefix = "bootstrap.servers=";
  if (!first || first->rfind(prefix, 0) != 0) return std::nullopt;
  b.bootstrap_ = first->substr(prefix.size());
  return b;
}

Broker::Broker(Broker&& o) noexcept
    : proc_(std::move(o.proc_)),
      fifo_(std::move(o.fifo_)),
      fd_(o.fd_),
      bootstrap_(std::move(o.bootstrap_)) {
  o.fd_ = -1;
}

Broker::~Broker() {
  if (fd_ >= 0) close(fd_);
}

std::string Broker::Command(const std::string& line) {
  std::string l = line + "\n";
  if (write(fd_, l.data(), l.size()) != static_cast<ssize_t>(l.size())) return "error: write";
  auto reply = proc_.ReadLine(std::chrono::seconds(10));
  return reply ? *reply : "error: no reply";
}

bool Broker::Produce(const std::string& topic, const std::string& file) {
  int status = 0;
  RunCommand({"/usr/bin/kcat", "-b", bootstrap_, "-P", "-t", topic, "-K", "\t", "-l", file},
             &status, std::chrono::seconds(120));
  return status == 0;
}

IdCount Broker::ReadIds(const std::string& topic) {
  int status = 0;
  std::string text = RunCommand({"/usr/bin/kcat", "-b", bootstrap_, "-C", "-t", topic, "-o",
                                 "beginning", "-e", "-q", "-f", "%s\\n"},
                                &status, std::chrono::seconds(60));
  REQUIRE(status == 0);
  return careloop::testing::CountIds(text);
}

int Broker::Stop() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  proc_.Signal(SIGTERM);
  auto rc = proc_.Wait(std::chrono::seconds(30));
  return rc ? *rc : -1;
}

// --- Runner ---------------------------------------------------------------------------

std::optional<Runner> Runner::Start(const std::string& config, const std::string& bootstrap,
                                    const std::string& state, const std::string& log,
                                    const std::vector<std::string>& env, bool http) {
  // sh runs `env VARS careloop run ...` with stderr appended to the log ($0).
  std::vector<std::string> argv = {"/bin/sh", "-c", "exec \"$@\" 2>>\"$0\"", log, "/usr/bin/env"};
  for (const auto& e : env) argv.push_back(e);
  for (const std::string& a :
       {kBin, std::string("run"), std::string("--config"), config, std::string("--bootstrap"),
        bootstrap, std::string("--state-dir"), state, std::string("--http"),
        std::string(http ? "127.0.0.1:0" : "off")}) {
    argv.push_back(a);
  }
  auto p = Process::Start(argv);
  if (!p) return std::nullopt;
  Runner r(std::move(*p));
  if (http) {
    // Absent when the run stops before serving (e.g. the state cannot be opened).
    auto line = r.proc_->ReadLine(std::chrono::seconds(60));
    const std::string prefix = "http.listen=";
    if (line && line->rfind(prefix, 0) == 0) r.http_ = line->substr(prefix.size());
  }
  return r;
}

std::string Runner::Metrics() {
  if (http_.empty()) return "";
  int status = 0;
  std::string text =
      RunCommand({"/usr/bin/curl", "-s", "--max-time", "10", "http://" + http_ + "/metrics"},
                 &status, std::chrono::seconds(20));
  return status == 0 ? text : "";
}

namespace {

// The value of NAME in a /metrics text (see Runner::Metric).
std::optional<double> MetricIn(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  std::optional<double> sum;
  const bool exact = name.find('{') != std::string::npos;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind(name, 0) != 0) continue;
    const char next = line.size() > name.size() ? line[name.size()] : '\0';
    if (next != ' ' && (exact || next != '{')) continue;
    double v = std::strtod(line.c_str() + line.rfind(' ') + 1, nullptr);
    sum = sum.value_or(0) + v;
  }
  return sum;
}

}  // namespace

std::optional<double> Runner::Metric(const std::string& name) { return MetricIn(Metrics(), name); }

std::string Runner::Diagnosis(const std::string& log, int lines) {
  std::ostringstream out;
  out << "run metrics:";
  const std::string metrics = Metrics();  // one scrape for all of them
  for (const char* name :
       {"careloop_events_total", "careloop_consumer_lag_records", "careloop_outbox_depth",
        "careloop_output_records_total", "careloop_output_delivery_failures_total",
        "careloop_kafka_errors_total", "careloop_dead_letter_total"}) {
    auto v = MetricIn(metrics, name);
    out << ' ' << name << '=' << (v ? std::to_string(static_cast<long long>(*v)) : "?");
  }
  std::istringstream in(Slurp(log));
  std::deque<std::string> tail;
  std::string line;
  while (std::getline(in, line)) {
    tail.push_back(line.substr(0, 300));
    if (tail.size() > static_cast<std::size_t>(lines)) tail.pop_front();
  }
  out << "\nlast " << tail.size() << " lines of " << log << ":";
  for (const auto& l : tail) out << "\n  " << l;
  return out.str();
}

int Runner::Stop() {
  proc_->Signal(SIGTERM);
  auto rc = proc_->Wait(std::chrono::seconds(60));
  return rc ? *rc : -1;
}

std::optional<std::int64_t> StoredOffsets(const std::string& state, const std::string& topic,
                                          int partitions) {
  state::StoreOptions o;
  o.path = state;
  o.read_only = true;
  o.block_cache_mb = 8;
  o.write_buffer_mb = 8;
  auto store = state::OpenRocksStore(o);
  if (!store.ok()) return std::nullopt;
  std::int64_t sum = 0;
  for (int p = 0; p < partitions; ++p) {
    auto off = (*store)->GetOffset(topic, p);
    if (!off.ok()) return std::nullopt;
    sum += off->value_or(0);
  }
  return sum;
}

long RssKb(pid_t pid) {
  std::istringstream in(Slurp("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

void CheckOutputsOnce(Broker& broker, const Input& input) {
  for (const char* topic : kOutputs) {
    INFO("topic " << topic);
    IdCount got = broker.ReadIds(topic);
    CHECK(Doubled(got).empty());
    if (std::string(topic) == "alerts" || std::string(topic) == "alerts.red") {
      auto it = input.want.find(topic);
      const IdCount want = it == input.want.end() ? IdCount{} : it->second;
      std::vector<std::string> missing;
      std::vector<std::string> unexpected;
      for (const auto& [id, n] : want) {
        if (!got.count(id)) missing.push_back(id);
      }
      for (const auto& [id, n] : got) {
        if (!want.count(id)) unexpected.push_back(id);
      }
      auto first = [](const std::vector<std::string>& ids) {
        std::string s;
        for (std::size_t i = 0; i < ids.size() && i < 10; ++i) s += (i ? " " : "") + ids[i];
        return s;
      };
      INFO(want.size() << " wanted, " << got.size() << " read; missing " << missing.size()
                       << " (first: " << first(missing) << "), unexpected " << unexpected.size()
                       << " (first: " << first(unexpected) << ")");
      CHECK(missing.empty());
      CHECK(unexpected.empty());
    }
  }
}

}  // namespace careloop::faults
