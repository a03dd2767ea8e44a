// Byte-level encoding helpers for the state store, after LevelDB's util/coding.h.
//
// Put* append to a std::string. Get* consume from the front of a std::string_view and
// return false (leaving the input unspecified) when the bytes are truncated or malformed;
// they never read past the end of the view.
//
// - Varint32/64: little-endian base-128, 1–5 / 1–10 bytes (values).
// - Varsint64: zig-zag then varint, for signed numbers (times may be negative).
// - Fixed64: 8 bytes little-endian; doubles are stored as their IEEE-754 bit pattern.
// - BigEndian32/64: 4 / 8 bytes most significant first, for keys that must sort by number.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace careloop::state {

// The raw encoders behind Put*: each writes at `dst` (room for 8 / 10 bytes) and returns
// the end. RecordWriter writes into its own buffer with them, and RecordReader's inline
// paths read with the decoders below.
inline char* EncodeFixed64(char* dst, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) dst[i] = static_cast<char>((value >> (8 * i)) & 0xff);
  return dst + 8;
}
inline char* EncodeVarint64(char* dst, std::uint64_t value) {
  while (value >= 0x80) {
    *dst++ = static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  *dst++ = static_cast<char>(value);
  return dst;
}
// Zig-zag: 0, -1, 1, -2, … map to 0, 1, 2, 3, … so small magnitudes stay short.
inline std::uint64_t ZigZag(std::int64_t value) {
  const auto u = static_cast<std::uint64_t>(value);
  return (u << 1) ^ (value < 0 ? ~std::uint64_t{0} : 0);
}
inline std::int64_t UnZigZag(std::uint64_t u) {
  return static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
}
// The raw decoder behind GetFixed64: reads 8 bytes at `src` (one load on x86).
inline std::uint64_t DecodeFixed64(const char* src) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= std::uint64_t{static_cast<unsigned char>(src[i])} << (8 * i);
  return v;
}

void PutFixed64(std::string* dst, std::uint64_t value);
void PutVarint32(std::string* dst, std::uint32_t value);
void PutVarint64(std::string* dst, std::uint64_t value);
void PutVarsint64(std::string* dst, std::int64_t value);
void PutDouble(std::string* dst, double value);
void PutLengthPrefixedSlice(std::string* dst, std::string_view value);
void PutBigEndian32(std::string* dst, std::uint32_t value);
void PutBigEndian64(std::string* dst, std::uint64_t value);

[[nodiscard]] bool GetFixed64(std::string_view* input, std::uint64_t* value);
[[nodiscard]] bool GetVarint32(std::string_view* input, std::uint32_t* value);
[[nodiscard]] bool GetVarint64(std::string_view* input, std::uint64_t* value);
[[nodiscard]] bool GetVarsint64(std::string_view* input, std::int64_t* value);
[[nodiscard]] bool GetDouble(std::string_view* input, double* value);
// `value` borrows from the bytes behind `input`.
[[nodiscard]] bool GetLengthPrefixedSlice(std::string_view* input, std::string_view* value);
[[nodiscard]] bool GetBigEndian32(std::string_view* input, std::uint32_t* value);
[[nodiscard]] bool GetBigEndian64(std::string_view* input, std::uint64_t* value);

}  // namespace careloop::state
