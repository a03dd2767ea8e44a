#include "engine_bench.h"

#include <filesystem>
#include <sstream>

#include <spdlog/spdlog.h>

#include "bench.h"
#include "careloop/engine/replay.h"
#include "careloop/state/store.h"
#include "scenarios.h"

namespace careloop::bench {

Result<EngineRate> ReplayRate(const app::LoadedConfig& config, const std::string& jsonl,
                              const std::string& rocks_dir) {
  std::error_code ec;
  std::unique_ptr<state::Store> store;
  if (rocks_dir.empty()) {
    store = state::NewMemoryStore();
  } else {
    std::filesystem::remove_all(rocks_dir, ec);
    state::StoreOptions so = config.app.store;
    so.path = rocks_dir;
    auto opened = state::OpenRocksStore(so);
    if (!opened.ok()) return opened.status();
    store = std::move(opened).value();
  }
  std::istringstream in(jsonl);
  std::uint64_t out = 0;
  const auto start = SteadyClock::now();
  auto stats = engine::Replay(*config.catalog, *config.rules, *config.workflows, config.app.topics,
                              *store, in, std::nullopt,
                              [&](std::string_view, std::string_view, std::string_view) { ++out; });
  EngineRate r;
  r.seconds = SecondsSince(start);
  store.reset();
  if (!rocks_dir.empty()) std::filesystem::remove_all(rocks_dir, ec);
  if (!stats.ok()) return stats.status();
  r.events = stats->lines;
  r.events_per_second = r.events / r.seconds;
  r.records_out_per_event = r.events ? static_cast<double>(out) / r.events : 0;
  return r;
}

Status RunEngine(Context& ctx) {
  const Settings& s = ctx.settings;
  JsonOut& o = ctx.out;
  spdlog::info("engine: generating the stream of {} workers", s.engine_workers);
  const std::string jsonl = PreloadJsonl(s.engine_workers);
  const std::string dir = (std::filesystem::path(s.work_dir) / "engine-rocks").string();
  std::vector<double> mem, rocks;
  double out_per_event = 0, events = 0;
  for (int i = 0; i < s.runs; ++i) {
    auto m = ReplayRate(ctx.config, jsonl, "");
    if (!m.ok()) return m.status();
    auto r = ReplayRate(ctx.config, jsonl, dir);
    if (!r.ok()) return r.status();
    mem.push_back(m->events_per_second);
    rocks.push_back(r->events_per_second);
    out_per_event = m->records_out_per_event;
    events = static_cast<double>(m->events);
    spdlog::info(
        "engine run {}: {:.0f} events/s in memory, {:.0f} events/s over RocksDB "
        "({:.2f} records out per event)",
        i + 1, mem.back(), rocks.back(), out_per_event);
  }
  o.Set(o.root(), "engine_eps", Median(mem));
  o.Set(o.root(), "engine_rocksdb_eps", Median(rocks));
  JsonOut::Value& e = o.Object(o.root(), "engine");
  o.Set(e, "workers", static_cast<double>(s.engine_workers));
  o.Set(e, "events", events);
  o.Set(e, "records_out_per_event", out_per_event);
  JsonOut::Value& runs = o.Object(o.root(), "runs");
  o.Set(runs, "engine_eps", mem);
  o.Set(runs, "engine_rocksdb_eps", rocks);
  return Status::Ok();
}

}  // namespace careloop::bench
