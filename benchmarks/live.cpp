// RunLive: red-alert latency at a fixed share of the measured maximum (median of the
// runs, each on a fresh broker and state copy), then restarts on the state the last run
// left (1 million workers in the long form).
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "careloop/kafka/kafka.h"
#include "ceilings.h"
#include "child.h"
#include "config.h"
#include "latency.h"
#include "page_cache.h"
#include "scenarios.h"

namespace careloop::bench {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kRestartEvents = 500;

struct Restart {
  double first_s = 0;  // from the process start to its first record processed
  double open_s = 0;   // of which: configuration, store open, outbox, producer, consumer
};

// A copy of the configuration directory in the work directory with
// `kafka.assignment: all` (no consumer group) and the workflow definitions at their
// absolute path; checked by loading it.
Result<std::string> NoGroupConfig(Context& ctx) {
  const std::string dir = (fs::path(ctx.settings.work_dir) / "config-no-group").string();
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::copy(ctx.settings.config_dir, dir, fs::copy_options::recursive, ec);
  if (ec) return Status::IoError(fmt::format("copy the config to {}: {}", dir, ec.message()));
  const std::string file = (fs::path(dir) / "careloop.yaml").string();
  std::string text;
  {
    std::ifstream in(file);
    std::stringstream all;
    all << in.rdbuf();
    text = all.str();
  }
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  bool kafka = false, assignment = false, files = false, topologies = false;
  const std::string topologies_line = "  topologies: " + ctx.config.app.topologies_dir;
  std::vector<std::string> out;
  for (const std::string& line : lines) {
    if (line.rfind("  assignment:", 0) == 0) {
      out.push_back("  assignment: all");
      assignment = true;
    } else if (line.rfind("  topologies:", 0) == 0) {
      out.push_back(topologies_line);
      topologies = true;
    } else {
      out.push_back(line);
    }
    if (line.rfind("kafka:", 0) == 0) kafka = true;
    if (line.rfind("files:", 0) == 0) files = true;
  }
  if (!assignment && !kafka) out.insert(out.end(), {"kafka:", "  assignment: all"});
  if (!assignment && kafka) {
    auto it = std::find_if(out.begin(), out.end(),
                           [](const std::string& l) { return l.rfind("kafka:", 0) == 0; });
    out.insert(it + 1, "  assignment: all");
  }
  if (!topologies && !files) out.insert(out.end(), {"files:", topologies_line});
  if (!topologies && files) {
    auto it = std::find_if(out.begin(), out.end(),
                           [](const std::string& l) { return l.rfind("files:", 0) == 0; });
    out.insert(it + 1, topologies_line);
  }
  {
    std::ofstream f(file, std::ios::trunc);
    for (const std::string& line : out) f << line << "\n";
  }
  auto loaded = app::LoadConfig(dir);
  if (!loaded.ok()) return loaded.status();
  if (loaded->app.join_group) return Status::Internal("the no-group configuration joins a group");
  return dir;
}

// Produces `count` fresh events, then starts a pipeline on `state_dir` in `group`, with
// the configuration in `config_dir` (default: the benchmark's).
Result<Restart> RestartOnce(Context& ctx, const std::string& bootstrap,
                            const std::vector<Event>& events, std::size_t* next,
                            const std::string& state_dir, const std::string& group,
                            const std::string& config_dir = "") {
  const std::size_t from = *next, to = std::min(events.size(), from + kRestartEvents);
  if (to <= from) return Status::InvalidArgument("restart: no events left");
  *next = to;
  auto produced = ProduceAll(bootstrap, ctx.config.app.topics.lab_results, events, from, to);
  if (!produced.ok()) return produced.status();
  ChildArgs args{config_dir.empty() ? ctx.settings.config_dir : config_dir,
                 bootstrap,
                 state_dir,
                 group,
                 1,
                 300};
  auto child = ChildProcess::Spawn(args, ctx.child_log);
  if (!child.ok()) return child.status();
  auto r = (*child)->Wait();
  if (!r.ok()) return r.status();
  if (!r->ok || r->timed_out || r->events < 1 || r->records_lost > 0) {
    return Status::Internal(fmt::format("restart in group {} failed (see the child log)", group));
  }
  return Restart{r->first_s, r->open_s};
}

}  // namespace

Status RunLive(Context& ctx) {
  const Settings& s = ctx.settings;
  JsonOut& o = ctx.out;
  const double e2e = Number(o.root(), {"e2e_eps"});
  if (e2e <= 0 && s.latency_eps <= 0) {
    return Status::InvalidArgument("latency: no end-to-end figure to scale from");
  }
  const double rate = s.latency_eps > 0 ? s.latency_eps : s.latency_load * e2e;
  // The restarts' events are set aside first: a small population may hold fewer new
  // events than asked for, and then the latency run gets fewer, never the restarts.
  const std::size_t restart_events = static_cast<std::size_t>(2 * s.runs + 2) * kRestartEvents;
  const auto needed = static_cast<std::uint64_t>(rate * s.latency_seconds) + 64 + restart_events;
  spdlog::info("latency: drawing {} new events for {} workers", needed, s.main_workers);
  const std::vector<Event> events = NewEvents(s.main_workers, needed);
  if (events.size() < restart_events + 64 + 1000) {
    return Status::InvalidArgument(
        fmt::format("latency: only {} new events for {} workers (restarts alone need {})",
                    events.size(), s.main_workers, restart_events));
  }
  const std::vector<Event> paced_events(events.begin(),
                                        events.end() - static_cast<std::ptrdiff_t>(restart_events));

  // s.runs latency runs, each on a fresh embedded broker and a fresh copy of the state:
  // the broker's fetch cost grows with what a run has produced (latency.h), so no run
  // inherits another's log. Medians are reported; the restarts below use the last run's
  // broker, group and state.
  kafka::MockBroker::Options bo;
  bo.partitions = s.partitions;
  bo.topics = ctx.config.app.topics.Inputs();
  for (const auto& t : ctx.config.app.topics.Outputs()) bo.topics.push_back(t);
  const std::string run_dir = (fs::path(s.work_dir) / "run-live").string();
  const std::string group = "live";
  std::unique_ptr<kafka::MockBroker> broker;
  std::vector<LatencyResult> lats;
  for (int i = 0; i < s.runs; ++i) {
    broker.reset();
    auto started = kafka::MockBroker::Start(bo);
    if (!started.ok()) return started.status();
    broker = std::move(*started);
    CARELOOP_RETURN_IF_ERROR(CopyState(StateDir(ctx, s.main_workers), run_dir));
    auto warmed = WarmPageCache(run_dir);  // as the e2e runs: a service that has been running
    if (!warmed.ok()) return warmed.status();
    LatencyRun run;
    run.bootstrap = broker->bootstrap_servers();
    run.alerts_red_topic = ctx.config.app.topics.alerts_red;
    run.partitions = s.partitions;
    run.rate = rate;
    run.seconds = s.latency_seconds;
    run.child = ChildArgs{s.config_dir, run.bootstrap, run_dir, group, 0, 900};
    run.child_log = ctx.child_log;
    auto lat = MeasureLatency(run, paced_events);
    if (!lat.ok()) return lat.status();
    if (!lat->child.ok || lat->child.timed_out || lat->child.records_lost > 0) {
      return Status::Internal("latency run not trusted: the pipeline failed or lost records");
    }
    spdlog::info(
        "latency run {} at {:.0f} events/s: p50 {:.1f} ms, p99 {:.1f} ms, p999 {:.1f} ms ({} "
        "red alerts)",
        i + 1, lat->achieved_eps, lat->p50_ms, lat->p99_ms, lat->p999_ms, lat->samples);
    spdlog::info(
        "latency run {} by fifth: p50 {:.1f} ms, p99 {:.1f} ms; embedded broker thread {:.2f} "
        "cores",
        i + 1, fmt::join(lat->p50_by_fifth_ms, " / "), fmt::join(lat->p99_by_fifth_ms, " / "),
        fmt::join(lat->broker_cores_by_fifth, " / "));
    lats.push_back(std::move(*lat));
  }
  const std::string bootstrap = broker->bootstrap_servers();
  auto each = [&](auto field) {
    std::vector<double> v;
    for (const LatencyResult& l : lats) v.push_back(field(l));
    return v;
  };
  auto p50 = each([](const LatencyResult& l) { return l.p50_ms; });
  auto p99 = each([](const LatencyResult& l) { return l.p99_ms; });
  auto p999 = each([](const LatencyResult& l) { return l.p999_ms; });
  // The run whose p99 is the median gives the by-fifth figures (one run's own course).
  std::vector<std::size_t> order(lats.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return lats[a].p99_ms < lats[b].p99_ms; });
  const LatencyResult& mid = lats[order[(order.size() - 1) / 2]];
  std::uint64_t samples = 0, sent = 0;
  for (const LatencyResult& l : lats) {
    samples += l.samples;
    sent += l.sent;
  }
  JsonOut::Value& l = o.Object(o.root(), "red_alert_latency_ms");
  o.Set(l, "p50", Median(p50));
  o.Set(l, "p99", Median(p99));
  o.Set(l, "p999", Median(p999));
  o.Set(l, "max", Median(each([](const LatencyResult& l) { return l.max_ms; })));
  o.Set(l, "offered_eps", rate);
  o.Set(l, "achieved_eps", Median(each([](const LatencyResult& l) { return l.achieved_eps; })));
  o.Set(l, "load_share", s.latency_eps <= 0 ? s.latency_load : e2e > 0 ? s.latency_eps / e2e : 0);
  o.Set(l, "runs", static_cast<double>(lats.size()));
  o.Set(l, "samples", static_cast<double>(samples));
  o.Set(l, "p50_by_fifth", mid.p50_by_fifth_ms);
  o.Set(l, "p99_by_fifth", mid.p99_by_fifth_ms);
  o.Set(l, "broker_cores_by_fifth", mid.broker_cores_by_fifth);
  o.Set(l, "events", static_cast<double>(sent));
  o.Set(l, "rss_mb", Median(each([](const LatencyResult& l) { return l.child.rss_mb; })));
  JsonOut::Value& runs = o.Object(o.root(), "runs");
  o.Set(runs, "red_alert_p50_ms", p50);
  o.Set(runs, "red_alert_p99_ms", p99);
  o.Set(runs, "red_alert_p999_ms", p999);
  spdlog::info("latency, median of {} runs: p50 {:.1f} ms, p99 {:.1f} ms, p999 {:.1f} ms",
               lats.size(), Median(p50), Median(p99), Median(p999));

  // Restarts: the same state and group the latency run stopped with (as `careloop run`
  // restarting), then in a new group (no wait for the old member), then without a group
  // (`kafka.assignment: all`), then on empty state.
  std::size_t next = paced_events.size();
  std::vector<double> first, open;
  for (int i = 0; i < s.runs; ++i) {
    auto r = RestartOnce(ctx, bootstrap, events, &next, run_dir, group);
    if (!r.ok()) return r.status();
    first.push_back(r->first_s);
    open.push_back(r->open_s);
    spdlog::info("restart {} with {} workers: processing after {:.2f} s (open {:.2f} s)", i + 1,
                 s.main_workers, r->first_s, r->open_s);
  }
  auto fresh_group = RestartOnce(ctx, bootstrap, events, &next, run_dir, "live-new-group");
  if (!fresh_group.ok()) return fresh_group.status();
  // kafka.assignment: all (no consumer group, one process reads every partition).
  auto no_group_config = NoGroupConfig(ctx);
  if (!no_group_config.ok()) return no_group_config.status();
  std::vector<double> no_group_first, no_group_open;
  for (int i = 0; i < s.runs; ++i) {
    auto r = RestartOnce(ctx, bootstrap, events, &next, run_dir, group, *no_group_config);
    if (!r.ok()) return r.status();
    no_group_first.push_back(r->first_s);
    no_group_open.push_back(r->open_s);
    spdlog::info("restart {} without a consumer group: processing after {:.2f} s (open {:.2f} s)",
                 i + 1, r->first_s, r->open_s);
  }
  const std::string empty_dir = (fs::path(s.work_dir) / "run-empty").string();
  std::error_code ec;
  fs::remove_all(empty_dir, ec);
  auto empty = RestartOnce(ctx, bootstrap, events, &next, empty_dir, "live-empty");
  if (!empty.ok()) return empty.status();
  fs::remove_all(empty_dir, ec);
  fs::remove_all(run_dir, ec);
  fs::remove_all(*no_group_config, ec);

  o.Set(o.root(), "restart_s", Median(first));
  JsonOut::Value& r = o.Object(o.root(), "restart");
  o.Set(r, "workers", static_cast<double>(s.main_workers));
  o.Set(r, "first_event_s", Median(first));
  o.Set(r, "open_s", Median(open));
  o.Set(o.Object(o.root(), "runs"), "restart_s", first);
  o.Set(r, "new_group_first_event_s", fresh_group->first_s);
  o.Set(r, "new_group_open_s", fresh_group->open_s);
  o.Set(r, "empty_state_first_event_s", empty->first_s);
  o.Set(r, "empty_state_open_s", empty->open_s);
  o.Set(r, "no_group_first_event_s", Median(no_group_first));
  o.Set(r, "no_group_open_s", Median(no_group_open));
  o.Set(o.Object(o.root(), "runs"), "restart_no_group_s", no_group_first);
  return Status::Ok();
}

}  // namespace careloop::bench
