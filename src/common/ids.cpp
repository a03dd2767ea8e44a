#include "careloop/ids.h"

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include <array>
#include <cstring>

namespace careloop {

std::uint64_t HashParts(std::initializer_list<std::string_view> parts) {
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  for (std::string_view p : parts) {
    std::uint64_t len = p.size();
    XXH3_64bits_update(&state, &len, sizeof len);
    XXH3_64bits_update(&state, p.data(), p.size());
  }
  return XXH3_64bits_digest(&state);
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
