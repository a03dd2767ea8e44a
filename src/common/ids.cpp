#include "careloop/ids.h"

#include <xxhash.h>

#include <fmt/format.h>

#include <cstring>

namespace careloop {

std::uint64_t HashParts(std::initializer_list<std::string_view> parts) {
  // Each part as its length (8 bytes, host order) and its bytes, hashed in one call over
  // a stack buffer: the same bytes, so the same hash, as feeding them to XXH3's streaming
  // state one by one (ids must never change), without that state's set-up per id.
  fmt::basic_memory_buffer<char, 512> bytes;
  for (std::string_view p : parts) {
    const std::uint64_t len = p.size();
    char len_bytes[sizeof len];
    std::memcpy(len_bytes, &len, sizeof len);
    bytes.append(len_bytes, len_bytes + sizeof len);
    bytes.append(p.data(), p.data() + p.size());
  }
  return XXH3_64bits(bytes.data(), bytes.size());
}

std::string MakeId(std::string_view prefix, std::initializer_list<std::string_view> parts) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t h = HashParts(parts);
  std::string out(prefix);
  out.resize(prefix.size() + 16);
  for (int i = 15; i >= 0; --i) {
    out[prefix.size() + i] = kHex[h & 0xF];
    h >>= 4;
  }
  return out;
}

}  // namespace careloop
