#include "state/keys.h"

#include <limits>

#include "state/coding.h"

namespace careloop::state::keys {
namespace {

constexpr std::uint8_t kOutboxValueVersion = 1;
constexpr std::uint64_t kSignBit = std::uint64_t{1} << 63;

std::uint64_t OffsetBinary(TimeMs t) { return static_cast<std::uint64_t>(t) ^ kSignBit; }

}  // namespace

std::string Meta(std::string_view key) {
  std::string k = "m/";
  k.append(key);
  return k;
}

std::string Offset(std::string_view topic, std::int32_t partition) {
  std::string k = "o/";
  k.append(topic);
  k.push_back('/');
  PutBigEndian32(&k, static_cast<std::uint32_t>(partition));
  return k;
}

std::string EntityPrefix(EntityKind kind) { return std::string(1, static_cast<char>(kind)); }

std::string Entity(EntityKind kind, std::int32_t partition, std::string_view id) {
  std::string k = EntityPrefix(kind);
  PutBigEndian32(&k, static_cast<std::uint32_t>(partition));
  k.append(id);
  return k;
}

bool ParseEntity(std::string_view key, EntityKind* kind, std::int32_t* partition,
                 std::string_view* id) {
  if (key.empty()) return false;
  const char c = key.front();
  if (c != static_cast<char>(EntityKind::kWorker) &&
      c != static_cast<char>(EntityKind::kPetition)) {
    return false;
  }
  key.remove_prefix(1);
  std::uint32_t p = 0;
  if (!GetBigEndian32(&key, &p)) return false;
  *kind = static_cast<EntityKind>(c);
  *partition = static_cast<std::int32_t>(p);
  *id = key;
  return true;
}

std::string Seen(std::int32_t partition, std::string_view event_id) {
  std::string k;
  PutBigEndian32(&k, static_cast<std::uint32_t>(partition));
  k.append(event_id);
  return k;
}

std::string Outbox(std::uint64_t seq) {
  std::string k;
  PutBigEndian64(&k, seq);
  return k;
}

bool ParseOutbox(std::string_view key, std::uint64_t* seq) {
  return GetBigEndian64(&key, seq) && key.empty();
}

void PutOutboxFields(std::string* dst, const OutboxEntry& e) {
  for (std::string_view f : OutboxFields(e)) PutLengthPrefixedSlice(dst, f);
}

bool GetOutboxFields(std::string_view* input, OutboxEntry* e) {
  std::string_view topic, key, val, id;
  if (!GetLengthPrefixedSlice(input, &topic) || !GetLengthPrefixedSlice(input, &key) ||
      !GetLengthPrefixedSlice(input, &val) || !GetLengthPrefixedSlice(input, &id)) {
    return false;
  }
  e->topic.assign(topic);
  e->key.assign(key);
  e->value.assign(val);
  e->id.assign(id);
  return true;
}

std::string OutboxValue(const OutboxEntry& e) {
  std::string v(1, static_cast<char>(kOutboxValueVersion));
  PutOutboxFields(&v, e);
  return v;
}

bool ParseOutboxValue(std::string_view value, OutboxEntry* e) {
  if (value.empty() || static_cast<std::uint8_t>(value.front()) != kOutboxValueVersion) {
    return false;
  }
  value.remove_prefix(1);
  return GetOutboxFields(&value, e) && value.empty();
}

std::string Timer(TimeMs due, std::string_view timer_id) {
  std::string k;
  PutBigEndian64(&k, OffsetBinary(due));
  k.append(timer_id);
  return k;
}

std::string TimerKeyAfter(TimeMs due) {
  if (due == std::numeric_limits<TimeMs>::max()) return {};
  return Timer(due + 1, {});
}

bool ParseTimer(std::string_view key, TimeMs* due, std::string_view* timer_id) {
  std::uint64_t u = 0;
  if (!GetBigEndian64(&key, &u)) return false;
  *due = static_cast<TimeMs>(u ^ kSignBit);
  *timer_id = key;
  return true;
}

std::string TimerValue(std::int32_t partition, std::string_view payload) {
  std::string v;
  PutBigEndian32(&v, static_cast<std::uint32_t>(partition));
  v.append(payload);
  return v;
}

bool ParseTimerValue(std::string_view value, std::int32_t* partition, std::string_view* payload) {
  std::uint32_t p = 0;
  if (!GetBigEndian32(&value, &p)) return false;
  *partition = static_cast<std::int32_t>(p);
  *payload = value;
  return true;
}

std::string Fixed64Value(std::uint64_t v) {
  std::string out;
  PutFixed64(&out, v);
  return out;
}

bool ParseFixed64Value(std::string_view value, std::uint64_t* v) {
  return GetFixed64(&value, v) && value.empty();
}

}  // namespace careloop::state::keys
