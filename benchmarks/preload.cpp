#include "preload.h"

#include <spdlog/spdlog.h>

#include "bench.h"
#include "careloop/engine/processor.h"
#include "careloop/engine/txn.h"
#include "careloop/gen/generator.h"
#include "careloop/state/store.h"

namespace careloop::bench {
namespace {

// Steps of a few hundred records, as the pipeline's polls (Txn::DueTimers resumes after
// the timers a step has already fired, so a step's cost stays linear in its records).
constexpr int kBatch = 256;

}  // namespace

Result<PreloadResult> Preload(const app::LoadedConfig& config, std::uint64_t workers,
                              int partitions, const std::string& dir) {
  state::StoreOptions so = config.app.store;
  so.path = dir;
  so.sync_writes = false;  // building a fixture: a crash here only means building it again
  auto opened = state::OpenRocksStore(so);
  if (!opened.ok()) return opened.status();
  state::Store& store = **opened;

  engine::Processor processor(*config.catalog, *config.rules, *config.workflows, config.app.topics,
                              nullptr);
  engine::EventTimeClock clock;
  engine::Txn txn(store);
  state::WriteSet set;
  std::vector<state::OutboxEntry> emitted;
  PreloadResult r;
  auto commit = [&]() -> Status {
    txn.Finish(&set, &emitted);
    r.records_out += set.outbox_add.size();
    set.outbox_add.clear();
    return store.Apply(set);
  };

  gen::Generator g(PreloadOptions(workers));
  gen::GeneratedEvent ev;
  const auto start = SteadyClock::now();
  auto last_log = start;
  while (g.Next(&ev)) {
    // Topic empty: routed by the event's type and no input offset stored (as replay).
    engine::Input in{"", KafkaPartition(ev.key, partitions), static_cast<std::int64_t>(r.events),
                     ev.key, ev.json};
    CARELOOP_RETURN_IF_ERROR(processor.Process(in, clock, txn));
    if (++r.events % kBatch == 0) CARELOOP_RETURN_IF_ERROR(commit());
    if (SteadyClock::now() - last_log > std::chrono::seconds(30)) {
      last_log = SteadyClock::now();
      spdlog::info("preload of {} workers: {} events, {:.0f} events/s", workers, r.events,
                   r.events / SecondsSince(start));
    }
  }
  CARELOOP_RETURN_IF_ERROR(commit());
  r.seconds = SecondsSince(start);

  std::uint64_t bytes = 0;
  Status st = store.ForEachEntity(state::EntityKind::kWorker,
                                  [&](std::int32_t, std::string_view, std::string_view b) {
                                    ++r.workers;
                                    bytes += b.size();
                                    return true;
                                  });
  CARELOOP_RETURN_IF_ERROR(st);
  r.worker_file_bytes = r.workers ? static_cast<double>(bytes) / r.workers : 0;
  r.store_mb = store.ApproximateSizeBytes() / 1048576.0;
  return r;
}

}  // namespace careloop::bench
