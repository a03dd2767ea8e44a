// The rapidjson writer that records.cpp and workflow_records.cpp build records with.
//
// Several records are built per event, so each thread keeps one writer and its buffer
// and reuses them: a fresh rapidjson Writer and StringBuffer allocate an allocator and a
// stack each and grow the buffer in steps, every time. The finished text is copied out
// once, at its exact size. The buffer keeps the capacity of the largest record the thread
// built (at most a dead letter: 64 KiB of payload, escaped).
//
// Strings are copied a run at a time: rapidjson's Writer has a hook for that
// (ScanWriteUnescapedString, which its SSE builds fill in), given here for a buffer type of
// our own so that no other rapidjson user is affected. The bytes are rapidjson's: only
// '"', '\\' and bytes below 0x20 are escaped, and those still go through rapidjson's code.
//
// Thread-safety: one writer per thread. REQUIRES: a thread builds one record at a time
// (StartRecord, writes, FinishRecord), never a record inside another.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

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
  while (q != end) {
    const unsigned char c = static_cast<unsigned char>(*q);
    if (c < 0x20 || c == '"' || c == '\\') break;
    ++q;
  }
  if (q != p) std::memcpy(os_->PushUnsafe(static_cast<std::size_t>(q - p)), p, q - p);
  is.src_ = q;
  return q != end;
}

namespace careloop::engine {

using JsonWriter = rapidjson::Writer<RecordBuffer>;

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
