// The rapidjson writer that records.cpp and workflow_records.cpp build records with (and
// replay.cpp its output lines).
//
// Several records are built per event, so each thread keeps one writer and its buffer
// and reuses them: a fresh rapidjson Writer and StringBuffer allocate an allocator and a
// stack each and grow the buffer in steps, every time. The finished text is copied out
// once, at its exact size. The buffer keeps the capacity of the largest record the thread
// built (at most a dead letter: 64 KiB of payload, escaped).
//
// Strings are copied a run at a time: rapidjson's Writer has a hook for that
// (ScanWriteUnescapedString, which its SSE builds fill in), given here for a buffer type of
// our own so that no other rapidjson user is affected; it looks at eight bytes at a time.
// The bytes are rapidjson's: only '"', '\\' and bytes below 0x20 are escaped, and those
// still go through rapidjson's code. Keys that are literals of ours need no escaping and
// are written as they are (JsonKey).
//
// Thread-safety: one writer per thread. REQUIRES: a thread builds one record at a time
// (StartRecord, writes, FinishRecord), never a record inside another.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "careloop/time.h"

namespace careloop::engine {

// A rapidjson StringBuffer under its own name, for the writer below.
struct RecordBuffer : rapidjson::StringBuffer {};

// rapidjson's reserve-then-write calls, as it has them for StringBuffer.
inline void PutReserve(RecordBuffer& b, std::size_t count) { b.Reserve(count); }
inline void PutUnsafe(RecordBuffer& b, char c) { b.PutUnsafe(c); }

}  // namespace careloop::engine

// Copies the bytes before the next one that needs escaping (or the end) in one go and
// returns whether any are left; rapidjson's WriteString escapes that byte and calls again.
// WriteString has reserved room for the whole string, escaped, before this is called.
template <>
inline bool rapidjson::Writer<careloop::engine::RecordBuffer>::ScanWriteUnescapedString(
    rapidjson::StringStream& is, std::size_t length) {
  const char* p = is.src_;
  const char* end = is.head_ + length;
  const char* q = p;
  // Eight bytes at a time while none of them needs escaping. SWAR: `hit` is non-zero
  // exactly when one of the eight is below 0x20 or is '"' or '\\' (the usual zero-byte
  // test: x - 0x01.. & ~x & 0x80..). The byte loop below then finds which one.
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  while (end - q >= 8) {
    std::uint64_t x;
    std::memcpy(&x, q, 8);
    const std::uint64_t quote = x ^ (kOnes * '"');
    const std::uint64_t backslash = x ^ (kOnes * '\\');
    const std::uint64_t hit = (((x - kOnes * 0x20) & ~x) | ((quote - kOnes) & ~quote) |
                               ((backslash - kOnes) & ~backslash)) &
                              kHigh;
    if (hit != 0) break;
    q += 8;
  }
  while (q != end) {
    const unsigned char c = static_cast<unsigned char>(*q);
    if (c < 0x20 || c == '"' || c == '\\') break;
    ++q;
  }
  if (q != p) std::memcpy(os_->PushUnsafe(static_cast<std::size_t>(q - p)), p, q - p);
  is.src_ = q;
  return q != end;
}

// Raw JSON text (JsonKey below) is copied in one go, not a byte at a time.
template <>
inline bool rapidjson::Writer<careloop::engine::RecordBuffer>::WriteRawValue(const char* json,
                                                                             std::size_t length) {
  std::memcpy(os_->Push(length), json, length);
  return true;
}

namespace careloop::engine {

using JsonWriter = rapidjson::Writer<RecordBuffer>;

// An object key that is a literal of ours (ASCII letters, digits and '_': nothing to
// escape), written quoted as is, after the separator rapidjson writes before a key.
template <std::size_t N>
inline void JsonKey(JsonWriter& w, const char (&key)[N]) {
  char quoted[N + 1];
  quoted[0] = '"';
  std::memcpy(quoted + 1, key, N - 1);
  quoted[N] = '"';
  w.RawValue(quoted, N + 1, rapidjson::kStringType);
}

namespace record_json_internal {
struct Scratch {
  RecordBuffer buffer;
  JsonWriter writer{buffer};
};
inline Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}
}  // namespace record_json_internal

// This thread's writer, emptied, for a new record.
inline JsonWriter& StartRecord() {
  auto& s = record_json_internal::ThreadScratch();
  s.buffer.Clear();
  s.writer.Reset(s.buffer);
  return s.writer;
}

// The text written since StartRecord.
inline std::string FinishRecord() {
  const auto& b = record_json_internal::ThreadScratch().buffer;
  return std::string(b.GetString(), b.GetSize());
}

// A string value, or a key (rapidjson writes both the same way).
inline void JsonString(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// An instant as an RFC 3339 string value, without a temporary string.
inline void JsonTime(JsonWriter& w, TimeMs t) {
  char text[kRfc3339MaxSize];
  const char* end = FormatRfc3339To(t, text);
  w.String(text, static_cast<rapidjson::SizeType>(end - text));
}

}  // namespace careloop::engine
