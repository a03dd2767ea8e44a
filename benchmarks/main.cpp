// careloop_bench: `all` runs every benchmark and writes the results (JSON, and the
// figures section of a Markdown file); `pipeline` is the child process `all` starts for
// the end-to-end runs (pipeline_child.h). See benchmarks/run, which builds and calls it.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <limits>

#include "bench.h"
#include "config.h"
#include "json_out.h"
#include "pipeline_child.h"
#include "report.h"
#include "scenarios.h"

namespace careloop::bench {
namespace {

struct AllArgs {
  bool short_form = false;
  std::string out = "benchmarks/results.json";
  std::string md;
  std::string work = "build-bench/work";
  std::string config = "config";
  int runs = 3;
  bool reuse_state = false;
  bool keep_state = false;
  std::vector<std::string> only;  // engine, populations, live
  std::string command;            // this invocation, for the report
  // Overrides of the form's sizes (0 / empty: the form's default).
  std::uint64_t main_workers = 0;
  std::vector<std::uint64_t> scale;
  std::uint64_t new_events = 0;
  std::uint64_t engine_workers = 0;
  double latency_seconds = 0;
  double latency_load = 0;
  double latency_eps = 0;
  std::uint64_t clone_above = 0;
  std::uint64_t clone_base = 0;
  bool no_clone = false;
};

bool Wanted(const AllArgs& a, const std::string& part) {
  return a.only.empty() || std::find(a.only.begin(), a.only.end(), part) != a.only.end();
}

int RunAll(const AllArgs& a) {
  Settings s = a.short_form ? Settings::Short() : Settings::Long();
  s.runs = std::max(1, a.runs);
  if (a.main_workers > 0) s.main_workers = a.main_workers;
  if (!a.scale.empty()) s.scale_workers = a.scale;
  if (a.new_events > 0) s.new_events = a.new_events;
  if (a.engine_workers > 0) s.engine_workers = a.engine_workers;
  if (a.latency_seconds > 0) s.latency_seconds = a.latency_seconds;
  if (a.latency_load > 0) s.latency_load = a.latency_load;
  if (a.latency_eps > 0) s.latency_eps = a.latency_eps;
  if (a.clone_above > 0) s.clone_above = a.clone_above;
  if (a.clone_base > 0) s.clone_base = a.clone_base;
  if (a.no_clone) s.clone_above = std::numeric_limits<std::uint64_t>::max();
  s.config_dir = std::filesystem::absolute(a.config).string();
  s.work_dir = std::filesystem::absolute(a.work).string();
  std::error_code ec;
  std::filesystem::create_directories(s.work_dir, ec);
  auto config = app::LoadConfig(s.config_dir);
  if (!config.ok()) {
    spdlog::error("{}", config.status().ToString());
    return 2;
  }
  JsonOut out;
  DescribeMachine(out);
  DescribeSettings(s, out);
  out.Set(out.Object(out.root(), "settings"), "command", a.command);
  Context ctx{s, *config, out, (std::filesystem::path(s.work_dir) / "pipeline.log").string(),
              a.reuse_state};
  std::filesystem::remove(ctx.child_log, ec);
  const auto start = SteadyClock::now();
  Status st;
  if (Wanted(a, "engine")) st = RunEngine(ctx);
  std::vector<std::uint64_t> populations = s.scale_workers;
  if (std::find(populations.begin(), populations.end(), s.main_workers) == populations.end()) {
    populations.push_back(s.main_workers);
  }
  std::sort(populations.begin(), populations.end());
  for (std::uint64_t w : populations) {
    if (!st.ok() || !Wanted(a, "populations")) break;
    st = RunPopulation(ctx, w, w == s.main_workers);
  }
  if (st.ok() && Wanted(a, "live")) st = RunLive(ctx);
  if (!a.keep_state && !a.reuse_state) {
    for (std::uint64_t w : populations) std::filesystem::remove_all(StateDir(ctx, w), ec);
    std::filesystem::remove_all(StateDir(ctx, s.clone_base), ec);  // a clone's base
  }
  out.Set(out.Object(out.root(), "settings"), "seconds", SecondsSince(start));
  out.SetBool(out.root(), "complete", st.ok());
  out.Set(out.Object(out.root(), "machine"), "load_at_end", LoadAverage());
  AddRatios(out);
  std::ofstream(a.out, std::ios::trunc) << out.Pretty();
  spdlog::info("results written to {} ({:.0f} s of measuring)", a.out, SecondsSince(start));
  if (!a.md.empty()) {
    Status md = WriteMarkdown(a.md, MarkdownFigures(out));
    if (!md.ok()) spdlog::error("{}", md.ToString());
  }
  if (!st.ok()) {
    spdlog::error("benchmark failed: {}", st.ToString());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace careloop::bench

int main(int argc, char** argv) {
  using namespace careloop::bench;
  spdlog::set_default_logger(spdlog::stderr_color_mt("bench"));
  CLI::App app{"careloop benchmarks: ceilings, engine, end to end, latency, scale, restart"};
  app.require_subcommand(1);

  AllArgs all;
  CLI::App* a = app.add_subcommand("all", "run every benchmark, write JSON (and Markdown)");
  a->add_flag("--short", all.short_form, "the CI smoke form (small populations)");
  a->add_option("--out", all.out, "results JSON file");
  a->add_option("--md", all.md, "Markdown file whose figures section is rewritten");
  a->add_option("--work", all.work, "scratch directory (state stores)");
  a->add_option("--config", all.config, "careloop config directory");
  a->add_option("--runs", all.runs, "repetitions per figure (median reported)");
  a->add_flag("--reuse-state", all.reuse_state, "keep and reuse preloaded states (development)");
  a->add_flag("--keep-state", all.keep_state, "keep the preloaded states afterwards");
  a->add_option("--only", all.only, "engine, populations, live (default: all)");
  a->add_option("--main-workers", all.main_workers, "workers in state for e2e, latency, restart");
  a->add_option("--scale", all.scale, "populations of the scale figure (e.g. 100000 1000000)");
  a->add_option("--new-events", all.new_events, "new events per end-to-end run");
  a->add_option("--engine-workers", all.engine_workers, "population of the engine figure");
  a->add_option("--latency-seconds", all.latency_seconds, "length of the paced latency run");
  a->add_option("--latency-load", all.latency_load,
                "offered load of the latency run, as a share of the e2e maximum (default 0.5)");
  a->add_option("--latency-eps", all.latency_eps,
                "offered load of the latency run in events/s (instead of --latency-load; "
                "to compare two builds or configurations at the same load)");
  a->add_option("--clone-above", all.clone_above,
                "populations above this many workers get a cloned state (default 1000000)");
  a->add_option("--clone-base", all.clone_base,
                "preloaded population a cloned state is made from (default 1000000)");
  a->add_flag("--no-clone", all.no_clone, "preload every population through the engine");

  ChildArgs child;
  CLI::App* p = app.add_subcommand("pipeline", "(internal) the pipeline side of an e2e run");
  p->add_option("--config", child.config_dir)->required();
  p->add_option("--bootstrap", child.bootstrap)->required();
  p->add_option("--state", child.state_dir)->required();
  p->add_option("--group", child.group)->required();
  p->add_option("--expect", child.expect)->required();
  p->add_option("--timeout", child.timeout_s);

  CLI11_PARSE(app, argc, argv);
  for (int i = 1; i < argc; ++i) all.command += (i > 1 ? " " : "") + std::string(argv[i]);
  if (p->parsed()) {
    spdlog::set_level(spdlog::level::warn);
    return RunPipelineChild(child);
  }
  return RunAll(all);
}
