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
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "careloop/model.h"
#include "state/coding.h"

namespace careloop::state {

// Writes into its own buffer with plain stores: the buffer is grown ahead (doubling), so
// a field costs a bounds check and a store or memcpy, not a std::string::append call. The
// field writers are small enough to inline (a worker file is ~300 fields); only growing
// the buffer is a call. Take() ends the record and hands over the bytes.
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
    char* at = Room(10);
    if (v < 0x80) {  // most lengths, counts and flags
      *at = static_cast<char>(v);
      ++pos_;
      return;
    }
    pos_ = static_cast<std::size_t>(EncodeVarint64(at, v) - buf_.data());
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
  // Bytes already encoded (a LazyList's stored items), copied as they are.
  void Raw(std::string_view bytes) {
    if (bytes.empty()) return;
    std::memcpy(Room(bytes.size()), bytes.data(), bytes.size());
    pos_ += bytes.size();
  }

  // The record's bytes; the writer is empty afterwards.
  std::string Take() {
    buf_.resize(pos_);
    pos_ = 0;
    return std::move(buf_);
  }

 private:
  // At least `n` writable bytes at the end of what is written.
  char* Room(std::size_t n) {
    if (buf_.size() - pos_ < n) [[unlikely]]
      Grow(n);
    return buf_.data() + pos_;
  }
  void Grow(std::size_t n);

  std::string buf_;  // [0, pos_) written; the rest is room
  std::size_t pos_ = 0;
};

class RecordReader {
 public:
  explicit RecordReader(std::string_view in) : in_(in), size_(in.size()) {}

  [[nodiscard]] bool Byte(std::uint8_t* v) {
    if (in_.empty()) return false;
    *v = static_cast<std::uint8_t>(in_.front());
    in_.remove_prefix(1);
    return true;
  }
  [[nodiscard]] bool Bool(bool* v) {
    if (in_.empty() || static_cast<unsigned char>(in_.front()) > 1) return false;
    *v = in_.front() == 1;
    in_.remove_prefix(1);
    return true;
  }
  [[nodiscard]] bool U32(std::uint32_t* v);
  [[nodiscard]] bool U64(std::uint64_t* v) {
    if (!in_.empty() && static_cast<unsigned char>(in_.front()) < 0x80) {  // one byte
      *v = static_cast<unsigned char>(in_.front());
      in_.remove_prefix(1);
      return true;
    }
    return U64Slow(v);
  }
  [[nodiscard]] bool I32(std::int32_t* v) {
    std::int64_t w = 0;
    if (!I64(&w) || w < std::numeric_limits<std::int32_t>::min() ||
        w > std::numeric_limits<std::int32_t>::max()) {
      return false;
    }
    *v = static_cast<std::int32_t>(w);
    return true;
  }
  [[nodiscard]] bool I64(std::int64_t* v) {
    std::uint64_t u = 0;
    if (!U64(&u)) return false;
    *v = UnZigZag(u);
    return true;
  }
  [[nodiscard]] bool Double(double* v) {
    if (in_.size() < 8) return false;
    *v = std::bit_cast<double>(DecodeFixed64(in_.data()));
    in_.remove_prefix(8);
    return true;
  }
  [[nodiscard]] bool OptDouble(std::optional<double>* v) {
    bool present = false;
    if (!Bool(&present)) return false;
    if (!present) {
      v->reset();
      return true;
    }
    double d = 0;
    if (!Double(&d)) return false;
    *v = d;
    return true;
  }
  [[nodiscard]] bool Str(std::string* v) {
    std::string_view s;
    if (!StrView(&s)) return false;
    v->assign(s.data(), s.size());
    return true;
  }
  // A string's bytes, in the input (Str without the copy: the same checks).
  [[nodiscard]] bool StrView(std::string_view* v) {
    // A length below 128 (one varint byte) and the bytes all present: the common case.
    if (!in_.empty() && static_cast<unsigned char>(in_.front()) < 0x80) {
      const std::size_t n = static_cast<unsigned char>(in_.front());
      if (n >= in_.size()) return false;
      *v = std::string_view(in_.data() + 1, n);
      in_.remove_prefix(n + 1);
      return true;
    }
    return StrViewSlow(v);
  }
  [[nodiscard]] bool TierValue(Tier* v) { return Enum(v, Tier::kRed); }
  [[nodiscard]] bool StatusValue(ResultStatus* v) { return Enum(v, ResultStatus::kPreliminary); }
  // A list length; false when it cannot fit in the bytes left (every item takes at least
  // one byte), so garbage never makes the caller allocate a huge vector.
  [[nodiscard]] bool Count(std::size_t* n);

  bool AtEnd() const { return in_.empty(); }
  std::size_t offset() const { return size_ - in_.size(); }
  // The bytes not read yet.
  std::string_view rest() const { return in_; }

 private:
  // A one-byte enum, at most `last`.
  template <typename E>
  [[nodiscard]] bool Enum(E* v, E last) {
    if (in_.empty() || static_cast<unsigned char>(in_.front()) > static_cast<unsigned char>(last)) {
      return false;
    }
    *v = static_cast<E>(in_.front());
    in_.remove_prefix(1);
    return true;
  }

  // The general cases behind the inline fast paths: multi-byte varints, and the errors.
  [[nodiscard]] bool U64Slow(std::uint64_t* v);
  [[nodiscard]] bool StrViewSlow(std::string_view* v);

  std::string_view in_;
  std::size_t size_;
};

// Reads as RecordReader does, with the same checks, but keeps no string: for a list whose
// items are only checked now and decoded later, if at all (LazyList). Walks the reader it
// is given, so that reader's offset() then says where the list ends, or where it broke.
class SkipReader {
 public:
  explicit SkipReader(RecordReader& r) : r_(r) {}

  [[nodiscard]] bool Str(std::string*) {
    std::string_view ignored;
    return r_.StrView(&ignored);
  }
  [[nodiscard]] bool Bool(bool* v) { return r_.Bool(v); }
  [[nodiscard]] bool I32(std::int32_t* v) { return r_.I32(v); }
  [[nodiscard]] bool I64(std::int64_t* v) { return r_.I64(v); }
  [[nodiscard]] bool Double(double* v) { return r_.Double(v); }
  [[nodiscard]] bool OptDouble(std::optional<double>* v) { return r_.OptDouble(v); }
  [[nodiscard]] bool TierValue(Tier* v) { return r_.TierValue(v); }
  [[nodiscard]] bool StatusValue(ResultStatus* v) { return r_.StatusValue(v); }

 private:
  RecordReader& r_;
};

}  // namespace careloop::state
