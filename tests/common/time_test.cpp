#include "careloop/time.h"

#include <catch2/catch.hpp>

using careloop::FormatRfc3339;
using careloop::ParseRfc3339;

TEST_CASE("RFC 3339 times with offsets parse to UTC milliseconds", "[unit]") {
  auto t = ParseRfc3339("2026-04-12T09:13:22+08:00");
  REQUIRE(t.ok());
  CHECK(FormatRfc3339(*t) == "2026-04-12T01:13:22Z");
  auto z = ParseRfc3339("2026-04-12T01:13:22Z");
  REQUIRE(z.ok());
  CHECK(*z == *t);
  auto frac = ParseRfc3339("2026-04-12T01:13:22.25-02:30");
  REQUIRE(frac.ok());
  CHECK(FormatRfc3339(*frac) == "2026-04-12T03:43:22.250Z");
  CHECK(*ParseRfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(*ParseRfc3339("2024-02-29T00:00:00Z") - *ParseRfc3339("2024-02-28T00:00:00Z") ==
        careloop::kDay);
}

TEST_CASE("RFC 3339 rejects what is not a full time with offset", "[unit]") {
  const char* bad[] = {"",
                       "2026-04-12",
                       "2026-04-12T09:13:22",
                       "2026-04-12 09:13",
                       "2026-02-30T00:00:00Z",
                       "2026-13-01T00:00:00Z",
                       "2026-04-12T24:00:00Z",
                       "2026-04-12T09:13:22+0800",
                       "2026-04-12T09:13:22Zjunk",
                       "12/04/2026 09:13",
                       "2025-02-29T00:00:00Z",
                       "2026-04-12T09:13:22.+08:00"};
  for (const char* s : bad) {
    INFO(s);
    CHECK_FALSE(ParseRfc3339(s).ok());
  }
}

TEST_CASE("Formatting and parsing round-trip", "[unit]") {
  for (careloop::TimeMs t : {0LL, 1776000000123LL, 1776000000000LL, 951782400000LL}) {
    auto back = ParseRfc3339(FormatRfc3339(t));
    REQUIRE(back.ok());
    CHECK(*back == t);
  }
}
