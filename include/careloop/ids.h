// Deterministic ids: every outbound record's `id` is a hash of its cause (source event,
// rule, stage), so the same cause always gives the same id, in `replay` and through Kafka.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace careloop {

// 64-bit XXH3 of the parts, each length-prefixed so ("ab","c") != ("a","bc").
std::uint64_t HashParts(std::initializer_list<std::string_view> parts);

// `prefix` + 16 lower-case hex digits of HashParts(parts), e.g. "al-3f9c0d2e11aa4b07".
std::string MakeId(std::string_view prefix, std::initializer_list<std::string_view> parts);

}  // namespace careloop
