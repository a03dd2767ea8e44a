// FormatRfc3339 writes its digits by hand (it was fmt with a runtime format string); these
// tests pin that its bytes are the old ones: fixed edge cases, and sweeps compared with a
// plain reference built on gmtime_r and the old fmt format string.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <ctime>
#include <limits>
#include <random>
#include <string>

#include "careloop/time.h"

using careloop::FormatRfc3339;
using careloop::FormatRfc3339To;
using careloop::kDay;
using careloop::TimeMs;

namespace {

// The reference: floor to whole seconds, the calendar from the C library, the format
// string FormatRfc3339 used to have.
std::string Reference(TimeMs t) {
  std::int64_t secs = t / 1000;
  std::int64_t millis = t % 1000;
  if (millis < 0) {
    millis += 1000;
    --secs;
  }
  std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  REQUIRE(gmtime_r(&tt, &tm) != nullptr);
  std::int64_t year = std::int64_t{tm.tm_year} + 1900;
  if (millis == 0) {
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", year, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec);
  }
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", year, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

// Both entry points, checked against the reference; counts checks for a summary line.
void Check(TimeMs t) {
  std::string got = FormatRfc3339(t);
  char buf[careloop::kRfc3339MaxSize];
  std::string to(buf, FormatRfc3339To(t, buf));
  std::string want = Reference(t);
  if (got != want || to != want) {
    INFO("t = " << t);
    CHECK(got == want);
    CHECK(to == want);
  }
}

}  // namespace

TEST_CASE("FormatRfc3339 edge cases", "[unit]") {
  CHECK(FormatRfc3339(0) == "1970-01-01T00:00:00Z");
  CHECK(FormatRfc3339(1) == "1970-01-01T00:00:00.001Z");
  CHECK(FormatRfc3339(10) == "1970-01-01T00:00:00.010Z");
  CHECK(FormatRfc3339(100) == "1970-01-01T00:00:00.100Z");
  CHECK(FormatRfc3339(999) == "1970-01-01T00:00:00.999Z");
  CHECK(FormatRfc3339(1000) == "1970-01-01T00:00:01Z");
  CHECK(FormatRfc3339(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(FormatRfc3339(-1000) == "1969-12-31T23:59:59Z");
  CHECK(FormatRfc3339(-1001) == "1969-12-31T23:59:58.999Z");
  CHECK(FormatRfc3339(-kDay) == "1969-12-31T00:00:00Z");
  CHECK(FormatRfc3339(951782400000) == "2000-02-29T00:00:00Z");  // leap day, 400 rule
  CHECK(FormatRfc3339(951868799999) == "2000-02-29T23:59:59.999Z");
  CHECK(FormatRfc3339(1709164800000) == "2024-02-29T00:00:00Z");      // leap day
  CHECK(FormatRfc3339(4107542400000) == "2100-03-01T00:00:00Z");      // 2100 has no 29th
  CHECK(FormatRfc3339(1798761599999) == "2026-12-31T23:59:59.999Z");  // year boundary
  CHECK(FormatRfc3339(1798761600000) == "2027-01-01T00:00:00Z");
  CHECK(FormatRfc3339(1776000000123) == "2026-04-12T13:20:00.123Z");
  CHECK(FormatRfc3339(-62167219200000) == "0000-01-01T00:00:00Z");      // year 0
  CHECK(FormatRfc3339(-62167219200001) == "-001-12-31T23:59:59.999Z");  // fmt's "{:04}"
  CHECK(FormatRfc3339(-62135596800000) == "0001-01-01T00:00:00Z");
  CHECK(FormatRfc3339(253402300799999) == "9999-12-31T23:59:59.999Z");
  CHECK(FormatRfc3339(253402300800000) == "10000-01-01T00:00:00Z");
  CHECK(FormatRfc3339(std::numeric_limits<TimeMs>::max()) == "292278994-08-17T07:12:55.807Z");
  // The old code's floor division overflowed here; the new one gives the calendar's answer.
  CHECK(FormatRfc3339(std::numeric_limits<TimeMs>::min()) == "-292275055-05-16T16:47:04.192Z");
  CHECK(FormatRfc3339(std::numeric_limits<TimeMs>::min()).size() + 2 == careloop::kRfc3339MaxSize);
}

TEST_CASE("FormatRfc3339 matches the gmtime reference over a wide range", "[unit]") {
  // Every millisecond around the epoch.
  for (TimeMs t = -3000; t <= 3000; ++t) Check(t);
  // Every day from 1600 to 2400 at a time of day that moves through hours, minutes,
  // seconds and milliseconds, and the last millisecond of the day before.
  const TimeMs from = -11676096000000;  // 1600-01-01
  const TimeMs to = 13574563200000;     // 2400-01-01
  TimeMs step = 0;
  for (TimeMs day = from; day < to; day += kDay, step += 3'723'001) {
    Check(day);
    Check(day - 1);
    Check(day + step % kDay);
  }
  // Random instants: near now, across 0001..9999, and over the whole int64 range (but the
  // lowest second, where the old code overflowed).
  std::mt19937_64 rng(20260412);
  std::uniform_int_distribution<TimeMs> near_now(1600000000000, 2000000000000);
  std::uniform_int_distribution<TimeMs> four_digit_years(-62135596800000, 253402300799999);
  std::uniform_int_distribution<TimeMs> any(std::numeric_limits<TimeMs>::min() + 1000,
                                            std::numeric_limits<TimeMs>::max());
  for (int i = 0; i < 200'000; ++i) {
    Check(near_now(rng));
    Check(four_digit_years(rng));
    Check(any(rng));
  }
}
