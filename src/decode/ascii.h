// Small text helpers shared by the decode stage (private).
#pragma once

#include <string>
#include <string_view>

namespace careloop::decode {

constexpr char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// ASCII case-insensitive equality; other bytes (UTF-8 such as "µ") compare exactly.
constexpr bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// True when `s` has no ASCII control characters (bytes < 0x20 and DEL). The input is
// already valid UTF-8 (simdjson checks it), so other bytes are printable text.
constexpr bool IsPrintable(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

// `s` quoted for a reason text: at most 40 bytes (cut on a UTF-8 boundary, "…" added),
// control characters replaced by '?'. Used only for codes, units and type names, never
// for values or findings (health data stays out of reasons).
std::string Quoted(std::string_view s);

}  // namespace careloop::decode
