#include "state/coding.h"

#include <bit>

namespace careloop::state {

void PutFixed64(std::string* dst, std::uint64_t value) {
  char buf[8];
  dst->append(buf, EncodeFixed64(buf, value));
}

void PutVarint32(std::string* dst, std::uint32_t value) { PutVarint64(dst, value); }

void PutVarint64(std::string* dst, std::uint64_t value) {
  char buf[10];
  dst->append(buf, EncodeVarint64(buf, value));
}

void PutVarsint64(std::string* dst, std::int64_t value) { PutVarint64(dst, ZigZag(value)); }

void PutDouble(std::string* dst, double value) {
  PutFixed64(dst, std::bit_cast<std::uint64_t>(value));
}

void PutLengthPrefixedSlice(std::string* dst, std::string_view value) {
  PutVarint64(dst, value.size());
  dst->append(value.data(), value.size());
}

void PutBigEndian32(std::string* dst, std::uint32_t value) {
  char buf[4];
  for (int i = 0; i < 4; ++i) buf[i] = static_cast<char>((value >> (8 * (3 - i))) & 0xff);
  dst->append(buf, sizeof buf);
}

void PutBigEndian64(std::string* dst, std::uint64_t value) {
  PutBigEndian32(dst, static_cast<std::uint32_t>(value >> 32));
  PutBigEndian32(dst, static_cast<std::uint32_t>(value));
}

bool GetFixed64(std::string_view* input, std::uint64_t* value) {
  if (input->size() < 8) return false;
  *value = DecodeFixed64(input->data());
  input->remove_prefix(8);
  return true;
}

bool GetVarint64(std::string_view* input, std::uint64_t* value) {
  std::uint64_t result = 0;
  for (std::size_t i = 0; i < input->size() && i < 10; ++i) {
    const std::uint64_t byte = static_cast<unsigned char>((*input)[i]);
    if (i == 9 && byte > 1) return false;  // more than 64 bits
    result |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      input->remove_prefix(i + 1);
      *value = result;
      return true;
    }
  }
  return false;
}

bool GetVarint32(std::string_view* input, std::uint32_t* value) {
  std::string_view probe = *input;
  std::uint64_t v = 0;
  if (!GetVarint64(&probe, &v) || v > 0xffffffffu) return false;
  *input = probe;
  *value = static_cast<std::uint32_t>(v);
  return true;
}

bool GetVarsint64(std::string_view* input, std::int64_t* value) {
  std::uint64_t u = 0;
  if (!GetVarint64(input, &u)) return false;
  *value = UnZigZag(u);
  return true;
}

bool GetDouble(std::string_view* input, double* value) {
  std::uint64_t bits = 0;
  if (!GetFixed64(input, &bits)) return false;
  *value = std::bit_cast<double>(bits);
  return true;
}

bool GetLengthPrefixedSlice(std::string_view* input, std::string_view* value) {
  std::uint64_t len = 0;
  if (!GetVarint64(input, &len) || len > input->size()) return false;
  *value = input->substr(0, len);
  input->remove_prefix(len);
  return true;
}

bool GetBigEndian32(std::string_view* input, std::uint32_t* value) {
  if (input->size() < 4) return false;
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>((*input)[i]);
  input->remove_prefix(4);
  *value = v;
  return true;
}

bool GetBigEndian64(std::string_view* input, std::uint64_t* value) {
  std::uint32_t hi = 0, lo = 0;
  if (input->size() < 8) return false;
  if (!GetBigEndian32(input, &hi) || !GetBigEndian32(input, &lo)) return false;
  *value = (std::uint64_t{hi} << 32) | lo;
  return true;
}

}  // namespace careloop::state
