#include "careloop/engine/txn.h"

#include <algorithm>

namespace careloop::engine {

Txn::Txn(state::Store& store) : store_(store), next_seq_(store.NextOutboxSeq()) {}

template <typename File>
Result<File*> Txn::LoadFile(state::EntityKind kind, std::int32_t partition, std::string_view id,
                            std::map<Key, File>* loaded, const std::map<Key, File>* overlay,
                            Result<File> (*decode)(std::string_view), std::string File::*id_field,
                            bool* created) {
  Key key{partition, std::string(id)};
  auto it = loaded->find(key);
  if (it != loaded->end()) {
    *created = false;
    return &it->second;
  }
  if (overlay != nullptr) {
    auto o = overlay->find(key);
    if (o != overlay->end()) {
      *created = false;
      return &loaded->emplace(std::move(key), o->second).first->second;
    }
  }
  auto bytes = store_.GetEntity(kind, partition, id);
  if (!bytes.ok()) return bytes.status();
  File file;
  if (bytes->has_value()) {
    auto decoded = decode(**bytes);
    if (!decoded.ok()) return decoded.status();
    file = std::move(decoded).value();
    *created = false;
  } else {
    file.*id_field = key.second;
    *created = true;
  }
  return &loaded->emplace(std::move(key), std::move(file)).first->second;
}

Result<state::WorkerFile*> Txn::Worker(std::int32_t partition, std::string_view worker_id,
                                       bool* created) {
  return LoadFile(state::EntityKind::kWorker, partition, worker_id, &workers_,
                  overlay_ ? &overlay_->workers : nullptr, state::DecodeWorkerFile,
                  &state::WorkerFile::worker_id, created);
}

void Txn::MarkDirty(std::int32_t partition, std::string_view worker_id) {
  dirty_.emplace(partition, std::string(worker_id));
}

Result<bool> Txn::Seen(std::int32_t partition, std::string_view event_id) {
  Key key{partition, std::string(event_id)};
  if (seen_.count(key) || (overlay_ && overlay_->seen.count(key))) return true;
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
  return LoadFile(state::EntityKind::kPetition, partition, petition_id, &petitions_,
                  overlay_ ? &overlay_->petitions : nullptr, state::DecodePetitionFile,
                  &state::PetitionFile::petition_id, created);
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

bool Txn::TimerRemoved(const TimerKey& key) const {
  return timers_removed_.count(key) > 0 || (overlay_ && overlay_->timers_removed.count(key) > 0);
}

Result<std::vector<state::Timer>> Txn::DueTimers(TimeMs until, std::size_t limit) {
  std::vector<state::Timer> out;
  // The store's timers this Txn (or the overlay) removed in an unbroken run from the start
  // of the scan are skipped next time: an event-time step fires timers before each
  // record, and rescanning the fired ones each time made a step quadratic in its timers.
  bool consumed_run = true;
  TimerKey probe;
  Status st =
      store_.ForEachDueTimerAfter(store_timers_consumed_ ? &*store_timers_consumed_ : nullptr,
                                  until, [&](const state::Timer& t) {
                                    probe.first = t.due;
                                    probe.second.assign(t.timer_id);
                                    if (TimerRemoved(probe)) {
                                      if (consumed_run) store_timers_consumed_ = t;
                                      return true;
                                    }
                                    consumed_run = false;
                                    out.push_back(t);
                                    return out.size() < limit;
                                  });
  if (!st.ok()) return st;
  // Timers the overlay set (maybe not yet in the store) and this Txn did not replace or
  // remove; then those this Txn set. A timer may come twice (from the store too, when
  // the overlay was applied meanwhile): the later source wins below.
  if (overlay_) {
    for (const auto& [key, t] : overlay_->timers_put) {
      if (t.due > until) break;
      if (timers_removed_.count(key) || timers_put_.count(key)) continue;
      out.push_back(t);
    }
  }
  for (const auto& [key, t] : timers_put_) {
    if (t.due > until) break;
    out.push_back(t);
  }
  std::stable_sort(out.begin(), out.end(), [](const state::Timer& a, const state::Timer& b) {
    return a.due != b.due ? a.due < b.due : a.timer_id < b.timer_id;
  });
  // Of equal (due, timer_id), keep the last: the newest source.
  auto same = [](const state::Timer& a, const state::Timer& b) {
    return a.due == b.due && a.timer_id == b.timer_id;
  };
  std::size_t n = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i + 1 < out.size() && same(out[i], out[i + 1])) continue;
    if (n != i) out[n] = std::move(out[i]);
    ++n;
  }
  out.resize(std::min(n, limit));
  return out;
}

Result<std::string> Txn::Meta(std::string_view key) {
  auto it = meta_.find(key);
  if (it != meta_.end()) return it->second;
  if (overlay_) {
    auto o = overlay_->meta.find(key);
    if (o != overlay_->meta.end()) return meta_.emplace(std::string(key), o->second).first->second;
  }
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

bool StepChanges::empty() const {
  return dirty.empty() && petitions_dirty.empty() && timers_put.empty() && timers_removed.empty() &&
         meta.empty() && seen.empty() && outbox.empty() && outbox_removed.empty() &&
         offsets.empty();
}

void EncodeStep(StepChanges& c, state::WriteSet* set) {
  set->Clear();
  for (const auto& k : c.dirty) {
    auto it = c.workers.find(k);
    if (it == c.workers.end()) continue;
    set->PutEntity(state::EntityKind::kWorker, k.first, k.second,
                   state::EncodeWorkerFile(it->second));
  }
  for (const auto& k : c.petitions_dirty) {
    auto it = c.petitions.find(k);
    if (it == c.petitions.end()) continue;
    set->PutEntity(state::EntityKind::kPetition, k.first, k.second,
                   state::EncodePetitionFile(it->second));
  }
  for (const auto& k : c.seen) set->MarkSeen(k.first, k.second);
  for (const auto& [due, id] : c.timers_removed) set->RemoveTimer(due, id);
  for (const auto& [key, t] : c.timers_put) set->PutTimer(t);
  for (const auto& [k, v] : c.meta) set->PutMeta(k, v);
  set->outbox_add = std::move(c.outbox);
  c.outbox.clear();
  for (std::uint64_t seq : c.outbox_removed) set->RemoveOutbox(seq);
  for (const auto& [tp, off] : c.offsets) set->SetOffset(tp.first, tp.second, off);
}

std::unique_ptr<StepChanges> Txn::Detach() {
  auto c = std::make_unique<StepChanges>();
  c->workers = std::move(workers_);
  c->dirty = std::move(dirty_);
  c->petitions = std::move(petitions_);
  c->petitions_dirty = std::move(petitions_dirty_);
  c->timers_put = std::move(timers_put_);
  c->timers_removed = std::move(timers_removed_);
  for (const auto& k : meta_dirty_) c->meta[k] = std::move(meta_[k]);
  c->seen = std::move(seen_);
  c->outbox = std::move(outbox_);
  c->outbox_removed = std::move(removed_);
  c->offsets = std::move(offsets_);
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
  return c;
}

void Txn::SetOverlay(std::shared_ptr<const StepChanges> overlay) {
  overlay_ = std::move(overlay);
  store_timers_consumed_.reset();
}

void Txn::Finish(state::WriteSet* set, std::vector<state::OutboxEntry>* emitted) {
  auto c = Detach();
  EncodeStep(*c, set);
  *emitted = set->outbox_add;
}

}  // namespace careloop::engine
