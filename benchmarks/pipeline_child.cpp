#include "pipeline_child.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "bench.h"
#include "careloop/metrics/metrics.h"
#include "config.h"
#include "pipeline.h"

namespace careloop::bench {
namespace {

// CPU seconds this process has used (all its threads, user and system).
double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

}  // namespace

int RunPipelineChild(const ChildArgs& args) {
  const auto start = SteadyClock::now();
  auto config = app::LoadConfig(args.config_dir);
  if (!config.ok()) {
    spdlog::error("{}", config.status().ToString());
    return 2;
  }
  config->app.consumer["group.id"] = args.group;
  metrics::Metrics metrics;
  app::Pipeline pipeline(*config, &metrics);
  Status st = pipeline.Open(args.bootstrap, args.state_dir);
  if (!st.ok()) {
    spdlog::error("pipeline open: {}", st.ToString());
    return 1;
  }
  const double open_s = SecondsSince(start);

  std::atomic<bool> stop{false};
  std::atomic<bool> finished{false};
  double first_s = -1, last_s = -1, rss_at_last = 0, cpu_at_first = 0;
  bool timed_out = false;
  std::thread watcher([&] {
    while (!finished.load()) {
      const double events = metrics.EventsTotal();
      if (first_s < 0 && events > 0) {
        first_s = SecondsSince(start);
        cpu_at_first = ProcessCpuSeconds();
        std::printf("first %.6f\n", first_s);
        std::fflush(stdout);
      }
      if (last_s < 0 && events >= static_cast<double>(args.expect)) {
        last_s = SecondsSince(start);
        rss_at_last = RssMb();
        stop = true;
      }
      if (last_s < 0 && SecondsSince(start) > args.timeout_s) {
        timed_out = true;
        rss_at_last = RssMb();
        stop = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  st = pipeline.Run(stop, 120000);
  const double done_s = SecondsSince(start);
  const double cpu_end = ProcessCpuSeconds();
  finished = true;
  watcher.join();
  const double cpu_s = cpu_end - cpu_at_first;  // from the first record to all confirmed
  if (!st.ok()) spdlog::error("pipeline run: {}", st.ToString());

  std::printf(
      "result {\"open_s\":%.6f,\"first_s\":%.6f,\"last_s\":%.6f,\"done_s\":%.6f,"
      "\"events\":%.0f,\"records_lost\":%.0f,\"outbox_left\":%lld,\"rss_mb\":%.1f,"
      "\"peak_rss_mb\":%.1f,\"block_cache_mb\":%.1f,\"cpu_s\":%.3f,\"timed_out\":%s,"
      "\"ok\":%s}\n",
      open_s, first_s, last_s, done_s, metrics.EventsTotal(), metrics.RecordsLostTotal(),
      static_cast<long long>(pipeline.outbox_depth()), rss_at_last, PeakRssMb(),
      pipeline.store().BlockCacheUsageBytes() / 1048576.0, cpu_s, timed_out ? "true" : "false",
      st.ok() ? "true" : "false");
  std::fflush(stdout);
  return st.ok() ? 0 : 1;
}

}  // namespace careloop::bench
