#include "latency.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <unordered_map>
#include <utility>

#include "careloop/kafka/kafka.h"

namespace careloop::bench {
namespace {

constexpr std::size_t kProbe = 64;

std::int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now().time_since_epoch())
      .count();
}

// The string value of `"name":"..."` in a JSON record (no escapes in ids).
std::string_view StringField(std::string_view json, std::string_view name) {
  const std::string needle = fmt::format("\"{}\":\"", name);
  const std::size_t at = json.find(needle);
  if (at == std::string_view::npos) return {};
  const std::size_t from = at + needle.size();
  const std::size_t to = json.find('"', from);
  return to == std::string_view::npos ? std::string_view() : json.substr(from, to - from);
}

class AssignCounter : public kafka::ConsumerListener {
 public:
  void OnAssigned(std::string_view, std::int32_t) override { ++assigned; }
  std::atomic<int> assigned{0};
};

double Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto i = static_cast<std::size_t>(q * static_cast<double>(sorted.size()));
  return sorted[std::min(i, sorted.size() - 1)];
}

Status Send(kafka::Producer& p, const std::string& topic, const Event& e, std::uint64_t token) {
  for (;;) {
    Status st = p.Produce(topic, e.key, e.json, token);
    if (st.ok() || st.code() != Status::Code::kUnavailable) return st;
    p.Poll(1);
  }
}

}  // namespace

Result<LatencyResult> MeasureLatency(const LatencyRun& run, const std::vector<Event>& events) {
  if (events.size() <= kProbe) return Status::InvalidArgument("latency: too few events");
  const std::size_t paced =
      std::min(events.size() - kProbe, static_cast<std::size_t>(run.rate * run.seconds));
  std::unordered_map<std::string_view, std::size_t> index;
  for (std::size_t i = 0; i < events.size(); ++i) {
    index.emplace(StringField(events[i].json, "event_id"), i);
  }
  std::vector<std::atomic<std::int64_t>> sent_ns(events.size());
  std::atomic<std::int64_t> warm_until_ns{std::numeric_limits<std::int64_t>::max()};

  // The reader of alerts.red, assigned before any load.
  AssignCounter counter;
  std::atomic<bool> stop_reader{false};
  std::vector<std::pair<std::int64_t, double>> samples;  // (sent ns, latency ms)
  Status reader_status;
  std::thread reader([&] {
    kafka::Consumer::Options co;
    co.bootstrap_servers = run.bootstrap;
    co.group_id = fmt::format("bench-latency-{}", getpid());
    co.topics = {run.alerts_red_topic};
    // The embedded broker holds a fetch that found nothing for the whole
    // fetch.wait.max.ms even when records arrive meanwhile (a real broker answers then):
    // the reader, which only measures, asks again after 1 ms rather than 10.
    co.properties["fetch.wait.max.ms"] = "1";
    auto consumer = kafka::Consumer::Create(
        co, [](std::string_view, std::int32_t) { return std::optional<std::int64_t>(); }, &counter);
    if (!consumer.ok()) {
      reader_status = consumer.status();
      counter.assigned = -1000000;
      return;
    }
    std::vector<kafka::Message> batch;
    while (!stop_reader.load()) {
      if (!(*consumer)->Poll(10000, 20, &batch).ok()) continue;
      const std::int64_t now = NowNs();
      for (const kafka::Message& m : batch) {
        auto it = index.find(StringField(m.payload, "cause_event_id"));
        if (it == index.end()) continue;
        const std::int64_t sent = sent_ns[it->second].load();
        if (sent == 0 || sent < warm_until_ns.load()) continue;
        samples.emplace_back(sent, static_cast<double>(now - sent) / 1e6);
      }
    }
    (*consumer)->Close();
  });
  auto stop = [&] {
    stop_reader = true;
    reader.join();
  };
  const auto wait_start = SteadyClock::now();
  while (counter.assigned.load() >= 0 && counter.assigned.load() < run.partitions &&
         SecondsSince(wait_start) < 60) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (counter.assigned.load() < run.partitions) {
    stop();
    return reader_status.ok() ? Status::Unavailable("latency: alerts reader not assigned")
                              : reader_status;
  }

  ChildArgs args = run.child;
  args.expect = kProbe + paced;
  auto child = ChildProcess::Spawn(args, run.child_log);
  if (!child.ok()) {
    stop();
    return child.status();
  }
  kafka::Producer::Options po;
  po.bootstrap_servers = run.bootstrap;
  po.properties["linger.ms"] = "1";
  auto producer = kafka::Producer::Create(po, [](std::uint64_t, const Status&) {});
  if (!producer.ok()) {
    stop();
    return producer.status();
  }
  kafka::Producer& p = **producer;
  const std::string topic = "lab-results";
  Status st;
  for (std::size_t i = 0; i < kProbe && st.ok(); ++i) st = Send(p, topic, events[i], i);
  if (st.ok()) st = p.Flush(30000);
  auto first = st.ok() ? (*child)->WaitFirst() : Result<double>(st);
  if (!first.ok()) {
    stop();
    return first.status();
  }
  spdlog::info("latency: pipeline consuming; offering {:.0f} events/s for {:.0f} s", run.rate,
               paced / run.rate);

  LatencyResult r;
  const auto t0 = SteadyClock::now();
  warm_until_ns = NowNs() + 1000000000;
  double fifth_cpu = ThreadsCpuSeconds("rdk:mock");
  auto fifth_start = t0;
  std::size_t fifth = 0;
  for (std::size_t k = 0; k < paced && st.ok(); ++k) {
    if (k == paced * (fifth + 1) / 5) {
      const double cpu = ThreadsCpuSeconds("rdk:mock");
      r.broker_cores_by_fifth.push_back((cpu - fifth_cpu) / SecondsSince(fifth_start));
      fifth_cpu = cpu;
      fifth_start = SteadyClock::now();
      ++fifth;
    }
    const auto due = t0 + std::chrono::nanoseconds(static_cast<std::int64_t>(k * 1e9 / run.rate));
    // Sleep until the event is due rather than spin: the load generator shares the 2
    // cores with the pipeline, and spinning took a third of a core from it. Each event's
    // latency counts from when it was really sent.
    if (SteadyClock::now() < due) {
      p.Poll(0);
      std::this_thread::sleep_until(due);
    }
    const std::size_t i = kProbe + k;
    sent_ns[i] = NowNs();
    st = Send(p, topic, events[i], i);
  }
  const double send_seconds = SecondsSince(t0);
  r.broker_cores_by_fifth.push_back((ThreadsCpuSeconds("rdk:mock") - fifth_cpu) /
                                    SecondsSince(fifth_start));
  if (st.ok()) st = p.Flush(60000);
  auto result = (*child)->Wait();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the last alerts
  stop();
  CARELOOP_RETURN_IF_ERROR(st);
  if (!result.ok()) return result.status();
  r.child = *result;
  r.offered_eps = run.rate;
  r.sent = paced;
  r.achieved_eps = paced / send_seconds;
  r.samples = samples.size();
  std::sort(samples.begin(), samples.end());  // by send time
  std::vector<double> all;
  for (std::size_t fifth = 0; fifth < 5 && !samples.empty(); ++fifth) {
    std::vector<double> part;
    for (std::size_t i = samples.size() * fifth / 5; i < samples.size() * (fifth + 1) / 5; ++i) {
      part.push_back(samples[i].second);
    }
    all.insert(all.end(), part.begin(), part.end());
    std::sort(part.begin(), part.end());
    r.p50_by_fifth_ms.push_back(Percentile(part, 0.50));
    r.p99_by_fifth_ms.push_back(Percentile(part, 0.99));
  }
  std::sort(all.begin(), all.end());
  r.p50_ms = Percentile(all, 0.50);
  r.p99_ms = Percentile(all, 0.99);
  r.p999_ms = Percentile(all, 0.999);
  r.max_ms = all.empty() ? 0 : all.back();
  return r;
}

}  // namespace careloop::bench
