// Processor: the pure processing core. One input record in, state changes and outbound
// records out. It knows nothing of Kafka or RocksDB: it reads and writes state through
// a Txn (over any state::Store) and takes time from a Clock, so the same code serves
// `run` (Kafka, wall clock) and `replay` (a file, event time) and gives the same ids.
//
// Ownership: borrows the Catalog, RuleSet and Metrics (all must outlive it); owns its
// decoder. Thread-safety: not thread-safe; one Processor per processing thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "careloop/decode/catalog.h"
#include "careloop/engine/topics.h"
#include "careloop/engine/txn.h"
#include "careloop/engine/workflow_set.h"
#include "careloop/metrics/metrics.h"
#include "careloop/rules/rule_set.h"
#include "careloop/status.h"
#include "careloop/time.h"

namespace careloop::engine {

// One consumed record. `topic` empty means "route by the event's type" (replay).
struct Input {
  std::string_view topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string_view key;
  std::string_view payload;
};

// The clock of the run. Live: the wall clock. Replay: event time, never going back.
class Clock {
 public:
  virtual ~Clock() = default;
  // The time to process an event that occurred at `event_time` (nullopt when the input
  // could not be decoded far enough to know).
  virtual TimeMs Now(std::optional<TimeMs> event_time) = 0;
  // True for event time: the processor fires timers due before each event first.
  virtual bool fires_timers_inline() const { return false; }
};

class WallClock final : public Clock {
 public:
  TimeMs Now(std::optional<TimeMs>) override { return WallClockNow(); }
};

// Event time: deadlines due before an event fire before it (the processor asks
// fires_timers_inline()).
class EventTimeClock final : public Clock {
 public:
  TimeMs Now(std::optional<TimeMs> event_time) override {
    if (event_time && *event_time > now_) now_ = *event_time;
    return now_;
  }
  bool fires_timers_inline() const override { return true; }
  void AdvanceTo(TimeMs t) {
    if (t > now_) now_ = t;
  }
  TimeMs now() const { return now_; }

 private:
  TimeMs now_ = 0;
};

class Processor {
 public:
  Processor(const decode::Catalog& catalog, const rules::RuleSet& rules,
            const WorkflowSet& workflows, Topics topics, metrics::Metrics* metrics);
  ~Processor();

  // Applies one input record. Outbound records go into the txn's outbox. Returns
  // non-OK only when state could not be read (the caller stops); bad input is data.
  Status Process(const Input& input, Clock& clock, Txn& txn);

  // Fires deadline timers due at or before `until` (at most `limit`), in due order. With
  // `at_due_time` each fires at its own due time (event time); otherwise at `now` and the
  // lateness is recorded. `owned(partition)` filters timers to the partitions this
  // process holds (null: all). `*fired` counts the timers taken (stale ones
  // included: they are removed and do nothing).
  Status FireDue(TimeMs until, TimeMs now, bool at_due_time, Txn& txn, std::size_t limit,
                 const std::function<bool(std::int32_t)>& owned, std::size_t* fired);

  const Topics& topics() const { return topics_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Topics topics_;
};

}  // namespace careloop::engine
