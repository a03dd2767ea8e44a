// Instants and RFC 3339 text.
//
// careloop keeps every instant as milliseconds since the Unix epoch (UTC), `TimeMs`.
// Input times must be RFC 3339 with an explicit offset ("Z" or "+08:00"); output times
// are written in UTC with a "Z" and milliseconds only when they are not zero, so the
// same instant always gives the same bytes (replay is byte-for-byte deterministic).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "careloop/status.h"

namespace careloop {

using TimeMs = std::int64_t;

constexpr TimeMs kMinute = 60'000;
constexpr TimeMs kHour = 60 * kMinute;
constexpr TimeMs kDay = 24 * kHour;

// Parses "YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)". Rejects missing offsets, impossible
// dates (2026-02-30), out-of-range fields and trailing text, with a message saying which.
Result<TimeMs> ParseRfc3339(std::string_view text);

// "2026-04-12T01:13:22Z" or "2026-04-12T01:13:22.250Z".
std::string FormatRfc3339(TimeMs t);

// Room for the longest text FormatRfc3339 gives for any TimeMs: 30 bytes, at the lowest
// one, "-292275055-05-16T16:47:04.192Z".
constexpr std::size_t kRfc3339MaxSize = 32;

// Writes the bytes of FormatRfc3339(t) to `out` and returns their end, for code that
// builds records without a temporary string. REQUIRES: `out` holds kRfc3339MaxSize bytes.
char* FormatRfc3339To(TimeMs t, char* out);

// Wall clock, for `run` (replay uses event time instead).
TimeMs WallClockNow();

}  // namespace careloop
