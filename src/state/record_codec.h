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

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "careloop/model.h"
#include "state/coding.h"

namespace careloop::state {

// Writes into its own buffer with plain stores: the buffer is grown ahead (doubling), so
// a field costs a bounds check and a memcpy, not a std::string::append call. Take() ends
// the record and hands over the bytes.
class RecordWriter {
 public:
  explicit RecordWriter(std::size_t reserve = 256) { buf_.resize(reserve); }

  void Byte(std::uint8_t v) {
    *Room(1) = static_cast<char>(v);
    ++pos_;
  }
  void Bool(bool v) { Byte(v ? 1 : 0); }
  void U32(std::uint32_t v) { U64(v); }
  void U64(std::uint64_t v) {
    pos_ = static_cast<std::size_t>(EncodeVarint64(Room(10), v) - buf_.data());
  }
  void I32(std::int32_t v) { I64(v); }
  void I64(std::int64_t v) { U64(ZigZag(v)); }
  void Double(double v) {
    pos_ = static_cast<std::size_t>(EncodeFixed64(Room(8), std::bit_cast<std::uint64_t>(v)) -
                                    buf_.data());
  }
  void OptDouble(const std::optional<double>& v) {
    Bool(v.has_value());
    if (v) Double(*v);
  }
  void Str(std::string_view v) {
    U64(v.size());
    std::memcpy(Room(v.size()), v.data(), v.size());
    pos_ += v.size();
  }
  void Count(std::size_t n) { U64(n); }

  // The record's bytes; the writer is empty afterwards.
  std::string Take() {
    buf_.resize(pos_);
    pos_ = 0;
    return std::move(buf_);
  }

 private:
  // At least `n` writable bytes at the end of what is written.
  char* Room(std::size_t n) {
    if (buf_.size() - pos_ < n) buf_.resize(std::max(buf_.size() * 2, pos_ + n));
    return buf_.data() + pos_;
  }

  std::string buf_;  // [0, pos_) written; the rest is room
  std::size_t pos_ = 0;
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
