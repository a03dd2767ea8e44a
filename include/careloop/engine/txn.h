// Txn: one processing step's view of state. It loads worker files on first use, keeps
// them decoded while the step runs, collects seen event ids, outbound records and
// consumed offsets, and at Finish() turns all of it into one state::WriteSet, so that
// state, outbox and offsets are applied atomically.
//
// A step may span many input records (one consumer batch): a record's effects are
// visible to the next record of the same step.
//
// Ownership: borrows the Store (must outlive the Txn). Thread-safety: one thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "careloop/state/store.h"
#include "careloop/state/worker_file.h"
#include "careloop/status.h"

namespace careloop::engine {

class Txn {
 public:
  explicit Txn(state::Store& store);

  // The worker's file, loaded from the store or created empty (`*created` tells which).
  Result<state::WorkerFile*> Worker(std::int32_t partition, std::string_view worker_id,
                                    bool* created);
  void MarkDirty(std::int32_t partition, std::string_view worker_id);

  Result<bool> Seen(std::int32_t partition, std::string_view event_id);
  void MarkSeen(std::int32_t partition, std::string_view event_id);

  // Queues an outbound record; it gets the next outbox sequence number.
  void Emit(std::string topic, std::string key, std::string value, std::string id);
  void SetOffset(std::string_view topic, std::int32_t partition, std::int64_t next_offset);
  // Outbox entries confirmed delivered: removed in the same WriteSet.
  void RemoveOutbox(std::uint64_t seq);

  // The petition's file, loaded or created empty (`*created` tells which).
  Result<state::PetitionFile*> Petition(std::int32_t partition, std::string_view petition_id,
                                        bool* created);
  void MarkPetitionDirty(std::int32_t partition, std::string_view petition_id);

  // Durable timers, written with the state change that set them.
  void SetTimer(state::Timer timer);
  void RemoveTimer(TimeMs due, std::string_view timer_id);
  // Timers due at or before `until` in the store and not removed by this Txn, in due
  // order, at most `limit`.
  Result<std::vector<state::Timer>> DueTimers(TimeMs until, std::size_t limit);

  // A meta value (dashboard figures kept in state), read through this Txn.
  Result<std::string> Meta(std::string_view key);
  void PutMeta(std::string_view key, std::string value);

  // Moves everything into `set` (cleared first); `emitted` receives the new outbox
  // entries in seq order (to be produced once `set` is applied). The Txn is then empty.
  void Finish(state::WriteSet* set, std::vector<state::OutboxEntry>* emitted);

  std::size_t pending_records() const { return outbox_.size(); }

 private:
  using Key = std::pair<std::int32_t, std::string>;
  state::Store& store_;
  std::map<Key, state::WorkerFile> workers_;
  std::set<Key> dirty_;
  std::map<Key, state::PetitionFile> petitions_;
  std::set<Key> petitions_dirty_;
  // Timers put by this step, by (due, timer_id): a step of thousands of records sets and
  // removes thousands of timers, so both must be lookups, not scans.
  std::map<std::pair<TimeMs, std::string>, state::Timer> timers_put_;
  std::set<std::pair<TimeMs, std::string>> timers_removed_;
  // The last store timer of the unbroken run of removed ones at the start of the due
  // scan: the next scan resumes after it. Reset by Finish() (the store then changes).
  std::optional<state::Timer> store_timers_consumed_;
  std::map<std::string, std::string, std::less<>> meta_;
  std::set<std::string, std::less<>> meta_dirty_;
  std::set<Key> seen_;
  std::vector<state::OutboxEntry> outbox_;
  std::vector<std::uint64_t> removed_;
  std::map<std::pair<std::string, std::int32_t>, std::int64_t> offsets_;
  std::uint64_t next_seq_;
};

}  // namespace careloop::engine
