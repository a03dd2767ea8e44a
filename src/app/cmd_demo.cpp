// `careloop demo`: the embedded broker, a synthetic screened population produced to it,
// and the processor, with a live line a second and a summary at the end.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

#include "api/service.h"
#include "careloop/gen/generator.h"
#include "careloop/kafka/kafka.h"
#include "careloop/metrics/metrics.h"
#include "commands.h"
#include "config.h"
#include "pipeline.h"
#include "worker_view.h"

namespace careloop::app {
namespace {

using Clock = std::chrono::steady_clock;

// Feeds the generated population to Kafka at `rate` events/s on its own thread.
class Feeder {
 public:
  Feeder(const std::string& bootstrap, const gen::Options& o, double rate)
      : bootstrap_(bootstrap), options_(o), rate_(rate) {}
  ~Feeder() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  void Start() {
    thread_ = std::thread([this] { Loop(); });
  }
  std::uint64_t produced() const { return produced_.load(); }
  bool done() const { return done_.load(); }
  void Stop() { stop_ = true; }

 private:
  void Loop() {
    kafka::Producer::Options po;
    po.bootstrap_servers = bootstrap_;
    auto producer = kafka::Producer::Create(po, [](std::uint64_t, const Status& s) {
      if (!s.ok()) spdlog::warn("demo feeder: {}", s.message());
    });
    if (!producer.ok()) {
      spdlog::error("demo feeder: {}", producer.status().ToString());
      done_ = true;
      return;
    }
    gen::Generator g(options_);
    gen::GeneratedEvent ev;
    auto start = Clock::now();
    std::uint64_t n = 0;
    while (!stop_ && g.Next(&ev)) {
      // Pace: event n is due at start + n / rate.
      auto due = start + std::chrono::microseconds(static_cast<std::int64_t>(n * 1e6 / rate_));
      while (!stop_ && Clock::now() < due) {
        (*producer)->Poll(1);
      }
      while (!stop_ && !(*producer)->Produce(ev.topic, ev.key, ev.json, n).ok()) {
        (*producer)->Poll(10);
      }
      produced_ = ++n;
    }
    (void)(*producer)->Flush(10000);
    done_ = true;
  }

  std::string bootstrap_;
  gen::Options options_;
  double rate_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_{false};
  std::atomic<std::uint64_t> produced_{0};
  std::thread thread_;
};

void PrintSummary(state::Store& store, const metrics::Metrics& m, double seconds) {
  std::map<Tier, std::uint64_t> workers_by_tier;
  std::map<std::string, std::map<Tier, std::uint64_t>> cases_by_condition;
  std::vector<std::string> red_lines, green_channel_lines;
  std::uint64_t workers = 0;
  Status st = store.ForEachEntity(
      state::EntityKind::kWorker, [&](std::int32_t, std::string_view, std::string_view bytes) {
        auto f = state::DecodeWorkerFile(bytes);
        if (!f.ok()) return true;
        ++workers;
        Tier wt = Tier::kNone;
        for (const auto& c : f->conditions) {
          for (const auto& k : c.cases) {
            if (!k.open) continue;
            wt = std::max(wt, k.tier);
            cases_by_condition[c.condition][k.tier]++;
            if (k.tier != Tier::kRed) continue;
            std::string findings;
            for (const auto& r : c.latest) {
              if (r.tier == Tier::kNone) continue;
              if (!findings.empty()) findings += "; ";
              findings += DescribeResult(r);
            }
            std::string line = fmt::format("{} {:<14} {}{}", f->worker_id, c.condition, findings,
                                           k.critical ? "  [critical: 30 min to reach]" : "");
            if (k.green_channel) green_channel_lines.push_back(line);
            red_lines.push_back(std::move(line));
          }
        }
        workers_by_tier[wt]++;
        return true;
      });
  if (!st.ok()) spdlog::error("reading state for the summary failed: {}", st.ToString());

  std::cout << "\n=== careloop demo summary ===\n";
  std::cout << fmt::format(
      "{:.0f} events consumed in {:.0f} s; {} workers screened; {:.0f} bad "
      "inputs sent to dead-letter; {:.0f} duplicates ignored\n",
      m.EventsTotal(), seconds, workers, m.DeadLetterTotal(), m.DuplicatesTotal());
  std::cout << "Workers by tier (their most urgent open case):\n";
  const char* meaning[] = {"within normal limits", "slight: health education",
                           "mild: health ledger, re-check in 90 days",
                           "markedly abnormal: phone at once, dedicated follow-up"};
  for (Tier t : {Tier::kRed, Tier::kYellow, Tier::kGreen, Tier::kNone}) {
    double share = workers ? 100.0 * workers_by_tier[t] / workers : 0;
    std::cout << fmt::format("  {:<6} {:>7}  {:5.1f} %  {}\n", TierName(t), workers_by_tier[t],
                             share, meaning[static_cast<int>(t)]);
  }
  std::cout << "Open cases by condition (red / yellow / green):\n";
  for (const auto& [cond, tiers] : cases_by_condition) {
    auto get = [&](Tier t) {
      auto it = tiers.find(t);
      return it == tiers.end() ? 0 : it->second;
    };
    std::cout << fmt::format("  {:<14} {:>6} / {:>6} / {:>6}\n", cond, get(Tier::kRed),
                             get(Tier::kYellow), get(Tier::kGreen));
  }
  std::cout << fmt::format("Red cases: {} (showing up to 10)\n", red_lines.size());
  for (size_t i = 0; i < red_lines.size() && i < 10; ++i) std::cout << "  " << red_lines[i] << "\n";
  std::cout << fmt::format(
      "Green-channel openings (major positive finding: phone + SMS + WeChat at once, referral "
      "offered): {}\n",
      green_channel_lines.size());
  for (size_t i = 0; i < green_channel_lines.size() && i < 10; ++i) {
    std::cout << "  " << green_channel_lines[i] << "\n";
  }
  std::cout << "Alerts published: red " << m.AlertsTotal("red") << ", yellow "
            << m.AlertsTotal("yellow") << ", green " << m.AlertsTotal("green") << ", back to none "
            << m.AlertsTotal("none") << "\n";
}

}  // namespace

int RunDemo(const DemoArgs& args) {
  InstallStopSignals();
  auto config = LoadConfig(args.config_dir);
  if (!config.ok()) {
    spdlog::error("{}", config.status().message());
    return 2;
  }
  kafka::MockBroker::Options bo;
  bo.partitions = config->app.broker_partitions;
  bo.topics = config->app.topics.Inputs();
  for (const auto& t : config->app.topics.Outputs()) bo.topics.push_back(t);
  auto broker = kafka::MockBroker::Start(bo);
  if (!broker.ok()) {
    spdlog::error("cannot start the embedded broker: {}", broker.status().ToString());
    return 1;
  }
  std::string state_dir = args.state_dir;
  bool temp_state = state_dir.empty();
  if (temp_state) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "careloop-demo-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      spdlog::error("cannot create a temporary state directory");
      return 1;
    }
    state_dir = tmpl;
  }
  std::cout << fmt::format(
      "careloop demo: embedded broker at {}, {} synthetic workers at {:.0f} events/s, state in "
      "{}\n",
      (*broker)->bootstrap_servers(), args.workers, args.rate, state_dir);

  metrics::Metrics metrics;
  Pipeline pipeline(*config, &metrics);
  Status st = pipeline.Open((*broker)->bootstrap_servers(), state_dir);
  if (!st.ok()) {
    spdlog::error("cannot start the processor: {}", st.ToString());
    return 1;
  }
  std::unique_ptr<api::HttpService> http;  // destroyed before the pipeline
  if (!args.http.empty()) {
    http = StartHttpApi(*config, pipeline, metrics, args.http);
    if (!http) return 1;
  }
  gen::Options go;
  go.seed = args.seed;
  go.workers = args.workers;
  Feeder feeder((*broker)->bootstrap_servers(), go, args.rate);
  feeder.Start();

  std::atomic<bool> stop{false};
  auto start = Clock::now();
  double last_events = 0;
  int idle_ticks = 0;
  pipeline.OnTick([&] {
    double secs = std::chrono::duration<double>(Clock::now() - start).count();
    double ev = metrics.EventsTotal();
    std::cout << fmt::format(
        "[{:4.0f}s] events {:>7.0f} ({:>6.0f}/s) | alerts red {:>5.0f} yellow {:>6.0f} green "
        "{:>6.0f} | green channel {:>3.0f} | dead-letter {:>4.0f} | outbox {}\n",
        secs, ev, ev - last_events, metrics.AlertsTotal("red"), metrics.AlertsTotal("yellow"),
        metrics.AlertsTotal("green"), metrics.GreenChannelTotal(), metrics.DeadLetterTotal(),
        pipeline.outbox_depth());
    std::cout.flush();
    last_events = ev;
    bool caught_up = feeder.done() && ev >= static_cast<double>(feeder.produced()) &&
                     pipeline.outbox_depth() == 0;
    idle_ticks = caught_up ? idle_ticks + 1 : 0;
    if (StopFlag().load() || secs >= args.duration_s || idle_ticks >= 2) stop = true;
  });
  std::atomic<bool>& sig = StopFlag();
  std::thread watcher([&] {
    while (!stop.load()) {
      if (sig.load()) stop = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  st = pipeline.Run(stop, 10000);
  stop = true;
  watcher.join();
  feeder.Stop();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  PrintSummary(pipeline.store(), metrics, secs);
  if (temp_state) {
    std::cout << "(state kept in " << state_dir
              << "; try: careloop inspect worker <id> --state-dir " << state_dir << ")\n";
  }
  if (!st.ok()) {
    spdlog::error("processor stopped on error: {}", st.ToString());
    return 1;
  }
  return 0;
}

}  // namespace careloop::app
