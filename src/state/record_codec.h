// RecordWriter / RecordReader: the field-level vocabulary of the stored records (worker
// and petition files), on top of coding.h.
//
// Strings are length-prefixed, unsigned numbers varints, signed numbers (times, counters)
// zig-zag varints, doubles fixed64 bit patterns, booleans one byte (0 or 1), lists a
// varint count followed by the items.
//
// RecordReader never reads past its input: each Read* returns false on truncated or
// malformed bytes (a bool byte other than 0/1, an enum out of range, a count larger than
// the bytes left, an int32 out of range), and offset() tells where decoding stopped.
//
// Thread-safety: plain values; one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "careloop/model.h"

namespace careloop::state {

class RecordWriter {
 public:
  explicit RecordWriter(std::string* out) : out_(out) {}

  void Byte(std::uint8_t v) { out_->push_back(static_cast<char>(v)); }
  void Bool(bool v) { Byte(v ? 1 : 0); }
  void U32(std::uint32_t v);
  void U64(std::uint64_t v);
  void I32(std::int32_t v) { I64(v); }
  void I64(std::int64_t v);
  void Double(double v);
  void OptDouble(const std::optional<double>& v);
  void Str(std::string_view v);
  void Count(std::size_t n) { U64(n); }

 private:
  std::string* out_;  // not owned
};

class RecordReader {
 public:
  explicit RecordReader(std::string_view in) : in_(in), size_(in.size()) {}

  [[nodiscard]] bool Byte(std::uint8_t* v);
  [[nodiscard]] bool Bool(bool* v);
  [[nodiscard]] bool U32(std::uint32_t* v);
  [[nodiscard]] bool U64(std::uint64_t* v);
  [[nodiscard]] bool I32(std::int32_t* v);
  [[nodiscard]] bool I64(std::int64_t* v);
  [[nodiscard]] bool Double(double* v);
  [[nodiscard]] bool OptDouble(std::optional<double>* v);
  [[nodiscard]] bool Str(std::string* v);
  [[nodiscard]] bool TierValue(Tier* v);
  [[nodiscard]] bool StatusValue(ResultStatus* v);
  // A list length; false when it cannot fit in the bytes left (every item takes at least
  // one byte), so garbage never makes the caller allocate a huge vector.
  [[nodiscard]] bool Count(std::size_t* n);

  bool AtEnd() const { return in_.empty(); }
  std::size_t offset() const { return size_ - in_.size(); }

 private:
  std::string_view in_;
  std::size_t size_;
};

}  // namespace careloop::state
