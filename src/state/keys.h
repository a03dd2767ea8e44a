// The keys and values of each column family, shared by the RocksDB store and its
// in-memory twin so both order and store things identically.
//
//   CF        key                                        value
//   default   "m/" + key                                 meta value
//             "o/" + topic + "/" + be32 partition        fixed64 next offset
//             "s/outbox_next_seq"                        fixed64 next outbox seq
//             "f/format"                                 store format version ("1")
//   entities  kind char + be32 partition + id            the entity's bytes
//   seen      be32 partition + event_id                  "" (presence is the fact)
//   outbox    be64 first seq (+ 'd')                     a group of entries (+ its removals):
//                                                        see outbox_layout.h
//   timers    be64 offset-binary due + timer_id          be32 partition + payload
//
// Offset-binary (the sign bit flipped) makes negative due times sort before positive
// ones, so a bytewise scan visits timers in due order, then timer_id order.
//
// Thread-safety: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "careloop/state/store.h"

namespace careloop::state::keys {

inline constexpr std::string_view kOutboxNextSeq = "s/outbox_next_seq";
inline constexpr std::string_view kFormat = "f/format";
inline constexpr std::string_view kFormatVersion = "1";

std::string Meta(std::string_view key);
std::string Offset(std::string_view topic, std::int32_t partition);

std::string Entity(EntityKind kind, std::int32_t partition, std::string_view id);
std::string EntityPrefix(EntityKind kind);
// `id` borrows from `key`.
[[nodiscard]] bool ParseEntity(std::string_view key, EntityKind* kind, std::int32_t* partition,
                               std::string_view* id);

std::string Seen(std::int32_t partition, std::string_view event_id);

std::string Outbox(std::uint64_t seq);
[[nodiscard]] bool ParseOutbox(std::string_view key, std::uint64_t* seq);
// The fields an outbox value holds for an entry, in their stored order: topic, key,
// value, id (not its seq, which is the key).
inline std::array<std::string_view, 4> OutboxFields(const OutboxEntry& e) {
  return {e.topic, e.key, e.value, e.id};
}
// An entry's OutboxFields, length-prefixed: appended to `dst`, or read from the front of
// `input` (advanced past them).
void PutOutboxFields(std::string* dst, const OutboxEntry& entry);
[[nodiscard]] bool GetOutboxFields(std::string_view* input, OutboxEntry* entry);
// A single entry's value (version 1; outbox_layout.h stores groups): everything but
// `seq`, which is the key.
std::string OutboxValue(const OutboxEntry& entry);
[[nodiscard]] bool ParseOutboxValue(std::string_view value, OutboxEntry* entry);

std::string Timer(TimeMs due, std::string_view timer_id);
// The first key of timers due after `due`; empty when none can be (due is the maximum).
std::string TimerKeyAfter(TimeMs due);
[[nodiscard]] bool ParseTimer(std::string_view key, TimeMs* due, std::string_view* timer_id);
std::string TimerValue(std::int32_t partition, std::string_view payload);
[[nodiscard]] bool ParseTimerValue(std::string_view value, std::int32_t* partition,
                                   std::string_view* payload);

std::string Fixed64Value(std::uint64_t v);
[[nodiscard]] bool ParseFixed64Value(std::string_view value, std::uint64_t* v);

}  // namespace careloop::state::keys
