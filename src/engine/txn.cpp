#include "careloop/engine/txn.h"

#include <algorithm>

namespace careloop::engine {

Txn::Txn(state::Store& store) : store_(store), next_seq_(store.NextOutboxSeq()) {}

Result<state::WorkerFile*> Txn::Worker(std::int32_t partition, std::string_view worker_id,
                                       bool* created) {
  Key key{partition, std::string(worker_id)};
  auto it = workers_.find(key);
  if (it != workers_.end()) {
    *created = false;
    return &it->second;
  }
  auto bytes = store_.GetEntity(state::EntityKind::kWorker, partition, worker_id);
  if (!bytes.ok()) return bytes.status();
  state::WorkerFile file;
  if (bytes->has_value()) {
    auto decoded = state::DecodeWorkerFile(**bytes);
    if (!decoded.ok()) return decoded.status();
    file = std::move(decoded).value();
    *created = false;
  } else {
    file.worker_id = key.second;
    *created = true;
  }
  auto [pos, inserted] = workers_.emplace(std::move(key), std::move(file));
  return &pos->second;
}

void Txn::MarkDirty(std::int32_t partition, std::string_view worker_id) {
  dirty_.emplace(partition, std::string(worker_id));
}

Result<bool> Txn::Seen(std::int32_t partition, std::string_view event_id) {
  if (seen_.count(Key{partition, std::string(event_id)})) return true;
  return store_.IsSeen(partition, event_id);
}

void Txn::MarkSeen(std::int32_t partition, std::string_view event_id) {
  seen_.emplace(partition, std::string(event_id));
}

void Txn::Emit(std::string topic, std::string key, std::string value, std::string id) {
  state::OutboxEntry e;
  e.seq = next_seq_++;
  e.topic = std::move(topic);
  e.key = std::move(key);
  e.value = std::move(value);
  e.id = std::move(id);
  outbox_.push_back(std::move(e));
}

void Txn::SetOffset(std::string_view topic, std::int32_t partition, std::int64_t next_offset) {
  offsets_[{std::string(topic), partition}] = next_offset;
}

void Txn::RemoveOutbox(std::uint64_t seq) { removed_.push_back(seq); }

Result<state::PetitionFile*> Txn::Petition(std::int32_t partition, std::string_view petition_id,
                                           bool* created) {
  Key key{partition, std::string(petition_id)};
  auto it = petitions_.find(key);
  if (it != petitions_.end()) {
    *created = false;
    return &it->second;
  }
  auto bytes = store_.GetEntity(state::EntityKind::kPetition, partition, petition_id);
  if (!bytes.ok()) return bytes.status();
  state::PetitionFile file;
  if (bytes->has_value()) {
    auto decoded = state::DecodePetitionFile(**bytes);
    if (!decoded.ok()) return decoded.status();
    file = std::move(decoded).value();
    *created = false;
  } else {
    file.petition_id = key.second;
    *created = true;
  }
  auto [pos, inserted] = petitions_.emplace(std::move(key), std::move(file));
  return &pos->second;
}

void Txn::MarkPetitionDirty(std::int32_t partition, std::string_view petition_id) {
  petitions_dirty_.emplace(partition, std::string(petition_id));
}

void Txn::SetTimer(state::Timer timer) {
  std::pair<TimeMs, std::string> key{timer.due, timer.timer_id};
  timers_removed_.erase(key);
  timers_put_.insert_or_assign(std::move(key), std::move(timer));
}

void Txn::RemoveTimer(TimeMs due, std::string_view timer_id) {
  std::pair<TimeMs, std::string> key{due, std::string(timer_id)};
  timers_put_.erase(key);
  timers_removed_.insert(std::move(key));
}

Result<std::vector<state::Timer>> Txn::DueTimers(TimeMs until, std::size_t limit) {
  std::vector<state::Timer> out;
  // The store's timers this Txn removed (fired) in an unbroken run from the start of the
  // scan are skipped next time: an event-time step fires timers before each record, and
  // rescanning the fired ones each time made a step quadratic in its timers.
  bool consumed_run = true;
  Status st =
      store_.ForEachDueTimerAfter(store_timers_consumed_ ? &*store_timers_consumed_ : nullptr,
                                  until, [&](const state::Timer& t) {
                                    if (timers_removed_.count({t.due, t.timer_id})) {
                                      if (consumed_run) store_timers_consumed_ = t;
                                      return true;
                                    }
                                    consumed_run = false;
                                    out.push_back(t);
                                    return out.size() < limit;
                                  });
  if (!st.ok()) return st;
  // Timers this Txn set (not yet in the store) that are already due.
  for (const auto& [key, t] : timers_put_) {
    if (t.due > until) break;
    out.push_back(t);
  }
  std::stable_sort(out.begin(), out.end(), [](const state::Timer& a, const state::Timer& b) {
    return a.due != b.due ? a.due < b.due : a.timer_id < b.timer_id;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

Result<std::string> Txn::Meta(std::string_view key) {
  auto it = meta_.find(key);
  if (it != meta_.end()) return it->second;
  auto v = store_.GetMeta(key);
  if (!v.ok()) return v.status();
  std::string value = v->value_or("");
  meta_.emplace(std::string(key), value);
  return value;
}

void Txn::PutMeta(std::string_view key, std::string value) {
  meta_[std::string(key)] = std::move(value);
  meta_dirty_.emplace(key);
}

void Txn::Finish(state::WriteSet* set, std::vector<state::OutboxEntry>* emitted) {
  set->Clear();
  emitted->clear();
  for (const Key& k : dirty_) {
    auto it = workers_.find(k);
    if (it == workers_.end()) continue;
    set->PutEntity(state::EntityKind::kWorker, k.first, k.second,
                   state::EncodeWorkerFile(it->second));
  }
  for (const Key& k : petitions_dirty_) {
    auto it = petitions_.find(k);
    if (it == petitions_.end()) continue;
    set->PutEntity(state::EntityKind::kPetition, k.first, k.second,
                   state::EncodePetitionFile(it->second));
  }
  for (const Key& k : seen_) set->MarkSeen(k.first, k.second);
  for (const auto& [due, id] : timers_removed_) set->RemoveTimer(due, id);
  for (auto& [key, t] : timers_put_) set->PutTimer(std::move(t));
  for (const auto& k : meta_dirty_) set->PutMeta(k, meta_[k]);
  for (const auto& e : outbox_) set->AddOutbox(e);
  for (std::uint64_t seq : removed_) set->RemoveOutbox(seq);
  for (const auto& [tp, off] : offsets_) set->SetOffset(tp.first, tp.second, off);
  *emitted = std::move(outbox_);
  workers_.clear();
  dirty_.clear();
  petitions_.clear();
  petitions_dirty_.clear();
  timers_put_.clear();
  timers_removed_.clear();
  meta_.clear();
  meta_dirty_.clear();
  seen_.clear();
  outbox_.clear();
  removed_.clear();
  offsets_.clear();
  store_timers_consumed_.reset();
}

}  // namespace careloop::engine
