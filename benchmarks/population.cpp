// RunPopulation: preload, new events, the broker, the ceilings (main population) and the
// end-to-end runs.
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "careloop/kafka/kafka.h"
#include "careloop/state/store.h"
#include "ceilings.h"
#include "child.h"
#include "clone_state.h"
#include "page_cache.h"
#include "preload.h"
#include "scenarios.h"

namespace careloop::bench {
namespace fs = std::filesystem;
namespace {

constexpr const char* kMarker = "BENCH_PRELOAD.json";

// Populations whose state this invocation built (a cloned state's base is kept for the
// larger populations that follow).
std::set<std::uint64_t>& BuiltStates() {
  static std::set<std::uint64_t> built;
  return built;
}

bool Cloned(const Settings& s, std::uint64_t workers) {
  return workers > s.clone_above && workers > s.clone_base;
}

// With reuse_state, takes the figures of a state built by an earlier invocation (its
// marker) into preload/N.
bool ReuseState(Context& ctx, std::uint64_t workers, JsonOut::Value& p) {
  const std::string dir = StateDir(ctx, workers);
  const std::string marker = (fs::path(dir) / kMarker).string();
  std::error_code ec;
  if (!ctx.reuse_state || !fs::exists(marker, ec)) return false;
  std::ifstream in(marker);
  std::stringstream text;
  text << in.rdbuf();
  rapidjson::Document d;
  d.Parse(text.str().c_str());
  if (d.HasParseError() || !d.IsObject() || Number(d, {"partitions"}) != ctx.settings.partitions ||
      (Number(d, {"cloned"}) != 0) != Cloned(ctx.settings, workers) ||
      (Cloned(ctx.settings, workers) &&
       Number(d, {"base_workers_population"}) != ctx.settings.clone_base)) {
    return false;
  }
  for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) {
    if (it->value.IsNumber()) ctx.out.Set(p, it->name.GetString(), it->value.GetDouble());
  }
  ctx.out.SetBool(p, "reused", true);
  spdlog::info("population {}: reusing the state in {}", workers, dir);
  return true;
}

Status EnsureState(Context& ctx, std::uint64_t workers);

// The state of a large population, cloned from a preloaded base (clone_state.h); its
// figures go to preload/N, with cloned = 1.
Status EnsureClonedState(Context& ctx, std::uint64_t workers, JsonOut::Value& p) {
  const Settings& s = ctx.settings;
  const std::string dir = StateDir(ctx, workers);
  if (BuiltStates().count(s.clone_base) == 0) {
    CARELOOP_RETURN_IF_ERROR(EnsureState(ctx, s.clone_base));
  }
  spdlog::info("population {}: cloning its state from the preloaded {} workers", workers,
               s.clone_base);
  auto r = CloneState(StateDir(ctx, s.clone_base), s.clone_base, workers, s.partitions, dir);
  if (!r.ok()) return r.status();
  ctx.out.Set(p, "cloned", 1);
  ctx.out.Set(p, "base_workers_population", static_cast<double>(s.clone_base));
  ctx.out.Set(p, "base_worker_files", static_cast<double>(r->base_workers));
  ctx.out.Set(p, "clones", static_cast<double>(r->clones));
  ctx.out.Set(p, "seconds", r->seconds);
  ctx.out.Set(p, "workers", static_cast<double>(r->workers));
  ctx.out.Set(p, "worker_file_bytes", r->worker_file_bytes);
  ctx.out.Set(p, "store_mb", r->store_mb);
  spdlog::info("population {}: cloned state of {} worker files ({} clones) in {:.1f} s, {:.0f} MB",
               workers, r->workers, r->clones, r->seconds, r->store_mb);
  std::ofstream((fs::path(dir) / kMarker).string()) << fmt::format(
      "{{\"partitions\":{},\"cloned\":1,\"base_workers_population\":{},"
      "\"base_worker_files\":{},\"clones\":{},\"seconds\":{},\"workers\":{},"
      "\"worker_file_bytes\":{},\"store_mb\":{}}}\n",
      s.partitions, s.clone_base, r->base_workers, r->clones, r->seconds, r->workers,
      r->worker_file_bytes, r->store_mb);
  BuiltStates().insert(workers);
  return Status::Ok();
}

// Preloads (or, with reuse_state, finds; or clones, for large populations) the
// population's state; its figures go to preload/N.
Status EnsureState(Context& ctx, std::uint64_t workers) {
  const std::string dir = StateDir(ctx, workers);
  JsonOut::Value& p =
      ctx.out.Object(ctx.out.Object(ctx.out.root(), "preload"), std::to_string(workers));
  if (BuiltStates().count(workers) > 0) return Status::Ok();  // this invocation's
  if (ReuseState(ctx, workers, p)) {
    BuiltStates().insert(workers);
    return Status::Ok();
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (Cloned(ctx.settings, workers)) return EnsureClonedState(ctx, workers, p);
  spdlog::info("population {}: preloading its state through the engine", workers);
  auto r = Preload(ctx.config, workers, ctx.settings.partitions, dir);
  if (!r.ok()) return r.status();
  ctx.out.Set(p, "events", r->events);
  ctx.out.Set(p, "events_per_second", r->events / r->seconds);
  ctx.out.Set(p, "seconds", r->seconds);
  ctx.out.Set(p, "workers", r->workers);
  ctx.out.Set(p, "worker_file_bytes", r->worker_file_bytes);
  ctx.out.Set(p, "store_mb", r->store_mb);
  ctx.out.Set(p, "records_out", r->records_out);
  spdlog::info("population {}: {} events in {:.1f} s ({:.0f}/s), {} worker files of {:.0f} B",
               workers, r->events, r->seconds, r->events / r->seconds, r->workers,
               r->worker_file_bytes);
  std::ofstream((fs::path(dir) / kMarker).string()) << fmt::format(
      "{{\"partitions\":{},\"events\":{},\"events_per_second\":{},\"seconds\":{},"
      "\"workers\":{},\"worker_file_bytes\":{},\"store_mb\":{},\"records_out\":{}}}\n",
      ctx.settings.partitions, r->events, r->events / r->seconds, r->seconds, r->workers,
      r->worker_file_bytes, r->store_mb, r->records_out);
  BuiltStates().insert(workers);
  return Status::Ok();
}

// Ceilings on the same messages (already in `topic`) and the same key space.
Status Ceilings(Context& ctx, const std::string& bootstrap, std::uint64_t workers,
                const std::vector<Event>& events) {
  const Settings& s = ctx.settings;
  JsonOut& o = ctx.out;
  std::vector<double> produce, consume, simd, decoder, rmw, consume_mbps;
  for (int i = 0; i < s.runs; ++i) {
    auto pr = ProduceAll(bootstrap, "bench-produce", events, 0, events.size());
    if (!pr.ok()) return pr.status();
    produce.push_back(pr->per_second);
    auto c =
        ConsumeCeiling(bootstrap, ctx.config.app.topics.lab_results, s.partitions, events.size());
    if (!c.ok()) return c.status();
    consume.push_back(c->per_second);
    consume_mbps.push_back(c->mb_per_second);
    simd.push_back(SimdjsonCeiling(events).per_second);
    decoder.push_back(DecoderCeiling(*ctx.config.catalog, events).per_second);
    spdlog::info(
        "ceilings run {}: produce {:.0f}/s, consume {:.0f}/s, simdjson {:.0f}/s, "
        "decoder {:.0f}/s",
        i + 1, produce.back(), consume.back(), simd.back(), decoder.back());
  }
  spdlog::info("RocksDB ceiling: filling {} values of {} B", workers, RocksRmw::kValueBytes);
  const std::string dir = (fs::path(s.work_dir) / "rocksdb-rmw").string();
  {
    auto db = RocksRmw::Prepare(dir, workers);
    if (!db.ok()) return db.status();
    for (int i = 0; i < s.runs; ++i) {
      auto r = db->Run(events);
      if (!r.ok()) return r.status();
      rmw.push_back(r->per_second);
      spdlog::info("RocksDB ceiling run {}: {:.0f} updates/s", i + 1, rmw.back());
    }
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  JsonOut::Value& runs = o.Object(o.root(), "runs");
  o.Set(runs, "produce_ceiling_eps", produce);
  o.Set(runs, "consume_ceiling_eps", consume);
  o.Set(runs, "parse_ceiling_eps", simd);
  o.Set(runs, "decoder_eps", decoder);
  o.Set(runs, "rocksdb_rmw_ceiling_ups", rmw);
  o.Set(o.root(), "produce_ceiling_eps", Median(produce));
  o.Set(o.root(), "consume_ceiling_eps", Median(consume));
  o.Set(o.root(), "consume_ceiling_mb_per_s", Median(consume_mbps));
  o.Set(o.root(), "parse_ceiling_eps", Median(simd));
  o.Set(o.root(), "decoder_eps", Median(decoder));
  o.Set(o.root(), "rocksdb_rmw_ceiling_ups", Median(rmw));
  return Status::Ok();
}

// The share of (up to 2000 distinct) keys of the new events that have a worker file in
// the population's state: proves a cloned state holds the ids the new events draw.
Result<double> ShareOfKeysInState(Context& ctx, std::uint64_t workers,
                                  const std::vector<Event>& events) {
  state::StoreOptions so;
  so.path = StateDir(ctx, workers);
  so.read_only = true;
  so.block_cache_mb = 32;
  auto store = state::OpenRocksStore(so);
  if (!store.ok()) return store.status();
  std::set<std::string_view> keys;
  for (const Event& e : events) {
    if (keys.size() >= 2000) break;
    keys.insert(e.key);
  }
  std::size_t found = 0;
  for (std::string_view k : keys) {
    auto got = (*store)->GetEntity(state::EntityKind::kWorker,
                                   KafkaPartition(k, ctx.settings.partitions), k);
    if (!got.ok()) return got.status();
    if (got->has_value()) ++found;
  }
  return keys.empty() ? 0.0 : static_cast<double>(found) / keys.size();
}

}  // namespace

std::string StateDir(const Context& ctx, std::uint64_t workers) {
  return (fs::path(ctx.settings.work_dir) / fmt::format("state-{}", workers)).string();
}

Status CopyState(const std::string& from, const std::string& to) { return LinkCopyState(from, to); }

Status RunPopulation(Context& ctx, std::uint64_t workers, bool main) {
  const Settings& s = ctx.settings;
  JsonOut& o = ctx.out;
  CARELOOP_RETURN_IF_ERROR(EnsureState(ctx, workers));
  spdlog::info("population {}: drawing {} new events", workers, s.new_events);
  const std::vector<Event> events = NewEvents(workers, s.new_events);
  double bytes = 0;
  for (const Event& e : events) bytes += e.json.size();
  auto share = ShareOfKeysInState(ctx, workers, events);
  if (!share.ok()) return share.status();
  spdlog::info("population {}: {:.1f} % of the new events' workers have a file in state", workers,
               100 * *share);

  kafka::MockBroker::Options bo;
  bo.partitions = s.partitions;
  bo.topics = ctx.config.app.topics.Inputs();
  for (const auto& t : ctx.config.app.topics.Outputs()) bo.topics.push_back(t);
  bo.topics.push_back("bench-produce");
  auto broker = kafka::MockBroker::Start(bo);
  if (!broker.ok()) return broker.status();
  const std::string bootstrap = (*broker)->bootstrap_servers();
  const std::string& topic = ctx.config.app.topics.lab_results;
  auto produced = ProduceAll(bootstrap, topic, events, 0, events.size());
  if (!produced.ok()) return produced.status();
  // The broker keeps 5 MiB per partition: prove it kept every record.
  auto wm = Watermarks(bootstrap, topic, s.partitions);
  if (!wm.ok()) return wm.status();
  std::int64_t total = 0, largest = 0;
  for (const auto& [low, high] : *wm) {
    if (low != 0) return Status::Internal(fmt::format("the broker dropped {} records", low));
    total += high;
    largest = std::max(largest, high);
  }
  if (total != static_cast<std::int64_t>(events.size())) {
    return Status::Internal(
        fmt::format("{} records in the topic, {} produced", total, events.size()));
  }
  JsonOut::Value& sc = o.Object(o.Object(o.root(), "scale"), std::to_string(workers));
  o.Set(sc, "events", static_cast<double>(events.size()));
  o.Set(sc, "new_event_workers_in_state_share", *share);
  o.Set(sc, "mean_message_bytes", bytes / events.size());
  o.Set(sc, "largest_partition_mib", largest * (bytes / events.size()) / 1048576.0);
  spdlog::info("population {}: {} events in the broker ({:.1f} MiB in the fullest partition)",
               workers, events.size(), largest * (bytes / events.size()) / 1048576.0);
  if (main) CARELOOP_RETURN_IF_ERROR(Ceilings(ctx, bootstrap, workers, events));

  std::vector<double> eps, processed_eps, rss, peak, cache, cpu_us, resident;
  const std::string run_dir = (fs::path(s.work_dir) / "run").string();
  // The runs measure a service that has been running: the state's files are read into
  // the page cache first (page_cache.h). For the main population one more run follows
  // with the state's pages dropped from the cache instead, reported on its own.
  for (int i = 0; i <= s.runs; ++i) {
    const bool cold = i == s.runs;
    if (cold && !main) break;
    CARELOOP_RETURN_IF_ERROR(CopyState(StateDir(ctx, workers), run_dir));
    auto cache_step = cold ? EvictPageCache(run_dir) : WarmPageCache(run_dir);
    if (!cache_step.ok()) return cache_step.status();
    double cold_left = 0;  // what the kernel kept cached despite the advice
    if (cold) {
      auto left = CachedShare(run_dir);
      if (!left.ok()) return left.status();
      cold_left = *left;
    }
    spdlog::info(
        "e2e {} workers run {}: page cache {} over {:.0f} MB in {:.1f} s ({:.0f} % "
        "of it cached before)",
        workers, i + 1, cold ? "emptied" : "filled", cache_step->mb, cache_step->seconds,
        100 * cache_step->resident_share);
    ChildArgs args{s.config_dir,  bootstrap,
                   run_dir,       fmt::format("e2e-{}-{}", workers, i),
                   events.size(), std::max(900.0, events.size() / 500.0)};
    auto child = ChildProcess::Spawn(args, ctx.child_log);
    if (!child.ok()) return child.status();
    auto r = (*child)->Wait();
    if (!r.ok()) return r.status();
    if (!r->ok || r->timed_out || r->events < events.size() || r->records_lost > 0 ||
        r->outbox_left > 0) {
      return Status::Internal(fmt::format(
          "e2e run {} of {} workers not trusted: ok {} timed out {} events {} lost {} "
          "outbox left {}",
          i + 1, workers, r->ok, r->timed_out, r->events, r->records_lost, r->outbox_left));
    }
    const double run_eps = events.size() / (r->done_s - r->first_s);
    const double run_cpu_us = r->cpu_s * 1e6 / static_cast<double>(events.size());
    spdlog::info(
        "e2e {} workers run {}{}: {:.0f} events/s ({:.0f}/s processed), {:.0f} us of the "
        "pipeline's CPU per event, RSS {:.0f} MB",
        workers, i + 1, cold ? " (page cache emptied)" : "", run_eps,
        events.size() / (r->last_s - r->first_s), run_cpu_us, r->rss_mb);
    if (cold) {
      JsonOut::Value& c = o.Object(sc, "cold_page_cache");
      o.Set(c, "eps", run_eps);
      o.Set(c, "cpu_us_per_event", run_cpu_us);
      o.Set(c, "state_mb", cache_step->mb);
      o.Set(c, "cached_share_after_emptying", cold_left);
      continue;
    }
    eps.push_back(run_eps);
    processed_eps.push_back(events.size() / (r->last_s - r->first_s));
    rss.push_back(r->rss_mb);
    peak.push_back(r->peak_rss_mb);
    cache.push_back(r->block_cache_mb);
    cpu_us.push_back(run_cpu_us);
    resident.push_back(cache_step->resident_share);
  }
  std::error_code ec;
  fs::remove_all(run_dir, ec);
  o.Set(sc, "eps", Median(eps));
  o.Set(sc, "processed_eps", Median(processed_eps));
  o.Set(sc, "rss_mb", Median(rss));
  o.Set(sc, "peak_rss_mb", *std::max_element(peak.begin(), peak.end()));
  o.Set(sc, "block_cache_mb", Median(cache));
  o.Set(sc, "cpu_us_per_event", Median(cpu_us));
  o.Set(sc, "eps_runs", eps);
  o.Set(sc, "state_cached_share_before_warming", Median(resident));
  o.Set(sc, "rss_runs", rss);
  if (main) {
    o.Set(o.root(), "e2e_eps", Median(eps));
    o.Set(o.root(), "e2e_processed_eps", Median(processed_eps));
    o.Set(o.root(), "e2e_cpu_us_per_event", Median(cpu_us));
    o.Set(o.root(), "e2e_workers", static_cast<double>(workers));
    o.Set(o.root(), "e2e_events", static_cast<double>(events.size()));
    o.Set(o.Object(o.root(), "runs"), "e2e_eps", eps);
  }
  return Status::Ok();
}

}  // namespace careloop::bench
