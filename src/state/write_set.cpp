#include "careloop/state/store.h"

namespace careloop::state {

void WriteSet::PutEntity(EntityKind kind, std::int32_t partition, std::string_view id,
                         std::string bytes) {
  entities.push_back(EntityPut{kind, partition, std::string(id), std::move(bytes)});
}

void WriteSet::MarkSeen(std::int32_t partition, std::string_view event_id) {
  seen.push_back(Seen{partition, std::string(event_id)});
}

void WriteSet::AddOutbox(OutboxEntry entry) { outbox_add.push_back(std::move(entry)); }

void WriteSet::RemoveOutbox(std::uint64_t seq) { outbox_remove.push_back(seq); }

void WriteSet::PutTimer(Timer timer) { timers_put.push_back(std::move(timer)); }

void WriteSet::RemoveTimer(TimeMs due, std::string_view timer_id) {
  timers_remove.push_back(TimerRef{due, std::string(timer_id)});
}

void WriteSet::SetOffset(std::string_view topic, std::int32_t partition, std::int64_t next_offset) {
  offsets.push_back(Offset{std::string(topic), partition, next_offset});
}

void WriteSet::PutMeta(std::string_view key, std::string value) {
  meta.emplace_back(std::string(key), std::move(value));
}

bool WriteSet::empty() const {
  return entities.empty() && seen.empty() && outbox_add.empty() && outbox_remove.empty() &&
         timers_put.empty() && timers_remove.empty() && offsets.empty() && meta.empty();
}

void WriteSet::Clear() {
  entities.clear();
  seen.clear();
  outbox_add.clear();
  outbox_remove.clear();
  timers_put.clear();
  timers_remove.clear();
  offsets.clear();
  meta.clear();
}

}  // namespace careloop::state
