// The rapidjson writer that records.cpp and workflow_records.cpp build records with.
//
// Several records are built per event, so each thread keeps one writer and its buffer
// and reuses them: a fresh rapidjson Writer and StringBuffer allocate an allocator and a
// stack each and grow the buffer in steps, every time. The finished text is copied out
// once, at its exact size. The buffer keeps the capacity of the largest record the thread
// built (at most a dead letter: 64 KiB of payload, escaped).
//
// Thread-safety: one writer per thread. REQUIRES: a thread builds one record at a time
// (StartRecord, writes, FinishRecord), never a record inside another.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>

#include "careloop/time.h"

namespace careloop::engine {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

namespace record_json_internal {
struct Scratch {
  rapidjson::StringBuffer buffer;
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
