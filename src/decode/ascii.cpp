#include "decode/ascii.h"

namespace careloop::decode {

std::string Quoted(std::string_view s) {
  constexpr size_t kMax = 40;
  bool cut = false;
  if (s.size() > kMax) {
    size_t n = kMax;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;  // continuation
    s = s.substr(0, n);
    cut = true;
  }
  std::string out;
  out.reserve(s.size() + 5);
  out += '\'';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  if (cut) out += "…";
  out += '\'';
  return out;
}

}  // namespace careloop::decode
