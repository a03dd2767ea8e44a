// Indexer: keeps the CaseIndex current and turns state changes into metrics. It scans the
// store on its own thread at start (the index is ready when the scan ends), then applies
// what the pipeline commits: the pipeline's hooks hand it the files each commit wrote and
// the alerts Kafka confirmed, and it does the decoding and counting on its thread, so
// processing never waits for it (the hooks only copy bytes under a short lock).
//
// Metrics it keeps: deadlines met, red time to first contact, alert latency (from the
// cause's occurred_at, and from consumption to Kafka's confirmation), and, on Refresh(),
// the gauges from state (open and overdue cases, workers by tier, petition figures,
// store size, readiness).
//
// Ownership: borrows the store, the workflows and the metrics (all must outlive it);
// owns the index and its thread. Thread-safety: OnCommit/OnDelivered from the pipeline's
// thread; everything else from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "api/case_index.h"
#include "careloop/engine/workflow_set.h"
#include "careloop/metrics/metrics.h"
#include "careloop/state/store.h"

namespace careloop::api {

class Indexer {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;

  // `alerts_topic`: deliveries to it are timed (each alert is counted once, there).
  Indexer(state::Store& store, const engine::WorkflowSet& workflows, metrics::Metrics* metrics,
          std::string alerts_topic);
  ~Indexer();  // stops the thread

  void Start();
  void Stop();

  // Pipeline hooks (Run()'s thread).
  void OnCommit(const state::WriteSet& set, SteadyTime consumed_at);
  void OnDelivered(const state::OutboxEntry& entry);

  // True once the start-up scan is done.
  bool ready() const { return ready_.load(); }
  // Waits (bounded) until everything handed over so far is applied; for tests.
  bool WaitIdle(std::chrono::milliseconds limit);

  const CaseIndex& index() const { return index_; }
  state::Store& store() const { return store_; }
  // Sets the gauges from state; `ready` is the readiness to report.
  void Refresh(bool ready);

 private:
  struct EntityKey {
    state::EntityKind kind;
    std::int32_t partition;
    std::string id;
    bool operator<(const EntityKey& o) const {
      return std::tie(kind, partition, id) < std::tie(o.kind, o.partition, o.id);
    }
  };
  struct Delivery {
    std::string value;
    TimeMs delivered_at = 0;
    std::optional<double> from_consume_s;
  };

  void Loop();
  void Scan();
  void Apply(const EntityKey& key, const std::string& bytes, bool count);
  void Time(const Delivery& d);

  state::Store& store_;
  const engine::WorkflowSet& workflows_;
  metrics::Metrics* metrics_;
  const std::string alerts_topic_;
  CaseIndex index_;

  std::mutex mu_;  // guards the hand-over below
  std::condition_variable cv_;
  std::map<EntityKey, std::string> pending_;  // latest bytes per file
  std::vector<Delivery> deliveries_;
  std::unordered_map<std::uint64_t, SteadyTime> consumed_at_;  // alert outbox seq
  bool busy_ = false;
  bool stop_ = false;

  std::atomic<bool> ready_{false};
  std::thread thread_;
};

}  // namespace careloop::api
