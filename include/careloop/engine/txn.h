// Txn: one processing step's view of state. It loads worker files on first use, keeps
// them decoded while the step runs, collects seen event ids, outbound records and
// consumed offsets, and at Finish() turns all of it into one state::WriteSet, so that
// state, outbox and offsets are applied atomically.
//
// A step may span many input records (one consumer batch): a record's effects are
// visible to the next record of the same step.
//
// Pipelined commit (app/committer.h): Detach() hands a step's changes over as a
// StepChanges, to be encoded and applied on another thread; SetOverlay() makes the next
// step read through them until they are surely in the store, so it sees the state as if
// they had been applied already.
//
// Ownership: borrows the Store (must outlive the Txn); shares the overlay with whoever
// applies it. Thread-safety: one thread; the overlay is only read.
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

// One step's changes, detached from its Txn. The first group is what a later step may
// read through the overlay: never changed once detached. The second is only for whoever
// encodes and applies the step (EncodeStep moves it out).
struct StepChanges {
  using Key = std::pair<std::int32_t, std::string>;
  using TimerKey = std::pair<TimeMs, std::string>;
  std::map<Key, state::WorkerFile> workers;  // every file the step loaded
  std::set<Key> dirty;                       // the changed ones
  std::map<Key, state::PetitionFile> petitions;
  std::set<Key> petitions_dirty;
  std::map<TimerKey, state::Timer> timers_put;
  std::set<TimerKey> timers_removed;
  std::map<std::string, std::string, std::less<>> meta;  // changed values only
  std::set<Key> seen;

  std::vector<state::OutboxEntry> outbox;
  std::vector<std::uint64_t> outbox_removed;
  std::map<std::pair<std::string, std::int32_t>, std::int64_t> offsets;

  bool empty() const;
};

// Encodes `changes` into `set` (cleared first): files encoded, the outbox entries moved
// into set->outbox_add. Reads the overlay part only, so it may run while another thread
// reads the same StepChanges as its overlay.
void EncodeStep(StepChanges& changes, state::WriteSet* set);

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

  // Moves everything out as one step's changes (to EncodeStep and apply); the Txn is then
  // empty. The overlay stays.
  std::unique_ptr<StepChanges> Detach();
  // Reads go through `overlay` (a detached step not yet surely applied) before the store;
  // nullptr: straight to the store. REQUIRES: the Txn is empty (just detached/finished),
  // and the store holds every step before the overlay's.
  void SetOverlay(std::shared_ptr<const StepChanges> overlay);

  std::size_t pending_records() const { return outbox_.size(); }

 private:
  using Key = StepChanges::Key;
  using TimerKey = StepChanges::TimerKey;
  bool TimerRemoved(const TimerKey& key) const;
  // The file `id` of `kind`, from `loaded` (this step), else copied from `overlay`, else
  // decoded from the store, else new with `id_field` set (`*created`).
  template <typename File>
  Result<File*> LoadFile(state::EntityKind kind, std::int32_t partition, std::string_view id,
                         std::map<Key, File>* loaded, const std::map<Key, File>* overlay,
                         Result<File> (*decode)(std::string_view), std::string File::*id_field,
                         bool* created);

  state::Store& store_;
  std::shared_ptr<const StepChanges> overlay_;
  std::map<Key, state::WorkerFile> workers_;
  std::set<Key> dirty_;
  std::map<Key, state::PetitionFile> petitions_;
  std::set<Key> petitions_dirty_;
  // Timers put by this step, by (due, timer_id): a step of thousands of records sets and
  // removes thousands of timers, so both must be lookups, not scans.
  std::map<TimerKey, state::Timer> timers_put_;
  std::set<TimerKey> timers_removed_;
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
