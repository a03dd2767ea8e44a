// Pipeline: the live processor. Consumes the input topics as a consumer-group member,
// applies each batch through the Processor, writes state + outbox + offsets in one
// atomic WriteSet, then drains the outbox to Kafka with an idempotent producer; an
// outbox entry is removed only after its delivery report.
//
// The write is pipelined (committer.h): while one step's WriteSet is encoded and
// written on the committer's thread, the next step is processed, reading through the
// first. A step's outbound records are produced, and its offsets committed to Kafka,
// only after its WriteSet is applied. Before partitions are assigned or revoked, the
// step in flight is waited for, so offsets read from state are never behind.
//
// On start it resumes from the offsets stored in state (never from Kafka's committed
// ones alone) and re-sends the outbox entries a previous run left unconfirmed — except
// those it finds already in their topic: every record carries the headers careloop-id
// and careloop-src (state instance id : outbox seq), and the tails of the output
// partitions are read back until a record older than the oldest pending entry.
//
// Ownership: borrows the LoadedConfig and Metrics (must outlive it); owns the store,
// the consumer and the producer. Thread-safety: Run() on one thread; `stop` may be set
// from any thread (e.g. a signal handler).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "aligner.h"
#include "careloop/engine/processor.h"
#include "careloop/engine/txn.h"
#include "careloop/kafka/kafka.h"
#include "careloop/metrics/metrics.h"
#include "careloop/state/store.h"
#include "committer.h"
#include "config.h"

namespace careloop::app {

class Pipeline : private kafka::ConsumerListener {
 public:
  Pipeline(const LoadedConfig& config, metrics::Metrics* metrics);
  ~Pipeline() override;

  // Opens the state directory and connects to Kafka at `bootstrap`.
  Status Open(const std::string& bootstrap, const std::string& state_dir);

  // Processes until `stop` is true (firing deadline timers by the wall clock at least
  // once a second, also when no input arrives), then flushes the outbox (waiting up to
  // `flush_timeout_ms` for confirmations) and closes the consumer. Returns non-OK when
  // state could not be written: nothing after the failed batch was acknowledged.
  Status Run(const std::atomic<bool>& stop, int flush_timeout_ms = 30000);

  // Called about once a second from Run()'s thread (progress display).
  void OnTick(std::function<void()> fn) { on_tick_ = std::move(fn); }

  // --- observers (the HTTP API's index and latency figures) -------------------------
  // Hooks run on Run()'s thread: they must only copy what they need and return.
  // After each state write: the applied set, and when its input batch was consumed.
  using CommitHook = std::function<void(const state::WriteSet& set,
                                        std::chrono::steady_clock::time_point consumed_at)>;
  void OnCommit(CommitHook fn) { on_commit_ = std::move(fn); }
  // After Kafka confirmed an outbound record.
  void OnDelivered(std::function<void(const state::OutboxEntry&)> fn) {
    on_delivered_ = std::move(fn);
  }
  // True while Run() polls with partitions assigned. Any thread.
  bool consuming() const { return consuming_.load(std::memory_order_relaxed); }

  state::Store& store() { return *store_; }
  // Outbound records emitted and not yet confirmed: in the step being written, waiting
  // to be produced, or produced.
  std::int64_t outbox_depth() const {
    return static_cast<std::int64_t>(committing_records_ + pending_.size() + in_flight_.size());
  }

 private:
  void OnAssigned(std::string_view topic, std::int32_t partition) override;
  void OnRevoked(std::string_view topic, std::int32_t partition) override;
  void OnRecordsLost(std::string_view topic, std::int32_t partition, std::int64_t from,
                     std::int64_t to) override;
  void OnDelivery(std::uint64_t seq, const Status& status);
  // After a crash: drops from the resend queue the outbox entries that had already landed
  // (found by reading back the tail of their topics), so nothing is produced twice.
  Status SkipLanded(const std::string& bootstrap);
  Status LoadInstanceId();
  void ProducePending();
  // Ends the current step: waits for the previous one to be applied, then hands this one
  // to the committer (and with `wait_applied`, waits for it too).
  Status CommitStep(bool wait_applied);
  // Takes the committer's applied step, if any (waiting for it with `wait`): its records
  // join the produce queue, its offsets the ones committed to Kafka.
  Status CollectCommit(bool wait);
  void Backpressure(const std::atomic<bool>& stop);

  const LoadedConfig& config_;
  metrics::Metrics* metrics_;
  std::unique_ptr<state::Store> store_;
  std::unique_ptr<kafka::Consumer> consumer_;
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<engine::Processor> processor_;
  std::unique_ptr<engine::Txn> txn_;
  std::unique_ptr<Aligner> aligner_;  // polled records in event-time order per partition
  engine::WallClock clock_;
  std::unique_ptr<Committer> committer_;  // after store_: destroyed (joined) before it
  state::WriteSet applied_;               // the last collected step (reused buffer)
  std::chrono::steady_clock::time_point committing_polled_at_;  // of the step in flight
  Status commit_failed_;                    // a step the committer could not apply
  std::size_t committing_records_ = 0;      // outbound records of the step in flight
  std::deque<state::OutboxEntry> pending_;  // to produce
  std::unordered_map<std::uint64_t, state::OutboxEntry> in_flight_;        // produced, unconfirmed
  std::vector<std::uint64_t> delivered_;                                   // confirmed, to remove
  std::map<std::pair<std::string, std::int32_t>, std::int64_t> consumed_;  // applied next offsets
  std::map<std::int32_t, int> owned_;  // input partition -> assigned topics holding it
  std::string instance_id_;            // this state's identity in record headers (careloop-src)
  bool paused_ = false;
  std::function<void()> on_tick_;
  CommitHook on_commit_;
  std::function<void(const state::OutboxEntry&)> on_delivered_;
  std::chrono::steady_clock::time_point polled_at_;  // when the last non-empty batch came
  std::chrono::steady_clock::time_point opened_at_;  // Open() began (start-up timing logs)
  bool first_fetched_ = false;                       // start-up timing logs written
  bool first_processed_ = false;
  std::atomic<bool> consuming_{false};
};

}  // namespace careloop::app
