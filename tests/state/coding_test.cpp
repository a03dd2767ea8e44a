#include "state/coding.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

namespace careloop::state {
namespace {

TEST_CASE("varint64 round-trips boundary values", "[unit]") {
  const std::uint64_t values[] = {
      0, 1, 127, 128, 16383, 16384, 0xffffffffu, 0x100000000ull, 1ull << 63, ~0ull};
  for (std::uint64_t v : values) {
    std::string buf;
    PutVarint64(&buf, v);
    std::string_view in = buf;
    std::uint64_t out = 1;
    REQUIRE(GetVarint64(&in, &out));
    CHECK(out == v);
    CHECK(in.empty());
    // Every proper prefix is truncated.
    for (std::size_t n = 0; n < buf.size(); ++n) {
      std::string_view cut(buf.data(), n);
      CHECK_FALSE(GetVarint64(&cut, &out));
    }
  }
}

TEST_CASE("varint32 rejects values above 32 bits", "[unit]") {
  std::string buf;
  PutVarint64(&buf, 0x100000000ull);
  std::string_view in = buf;
  std::uint32_t v = 0;
  CHECK_FALSE(GetVarint32(&in, &v));
  buf.clear();
  PutVarint32(&buf, 0xffffffffu);
  in = buf;
  REQUIRE(GetVarint32(&in, &v));
  CHECK(v == 0xffffffffu);
}

TEST_CASE("varint64 rejects more than ten bytes and overflowing tenth bytes", "[unit]") {
  std::string eleven(10, '\x80');
  eleven.push_back('\x01');
  std::string_view in = eleven;
  std::uint64_t v = 0;
  CHECK_FALSE(GetVarint64(&in, &v));
  std::string overflow(9, '\xff');
  overflow.push_back('\x02');
  in = overflow;
  CHECK_FALSE(GetVarint64(&in, &v));
}

TEST_CASE("zig-zag signed varints round-trip", "[unit]") {
  const std::int64_t values[] = {0,
                                 -1,
                                 1,
                                 -64,
                                 64,
                                 std::numeric_limits<std::int64_t>::min(),
                                 std::numeric_limits<std::int64_t>::max()};
  for (std::int64_t v : values) {
    std::string buf;
    PutVarsint64(&buf, v);
    std::string_view in = buf;
    std::int64_t out = 0;
    REQUIRE(GetVarsint64(&in, &out));
    CHECK(out == v);
  }
  std::string small;
  PutVarsint64(&small, -1);
  CHECK(small.size() == 1);
}

TEST_CASE("doubles keep their exact bit pattern", "[unit]") {
  const double values[] = {0.0,
                           -0.0,
                           1.5,
                           -3.25e300,
                           std::numeric_limits<double>::denorm_min(),
                           std::numeric_limits<double>::infinity()};
  for (double v : values) {
    std::string buf;
    PutDouble(&buf, v);
    REQUIRE(buf.size() == 8);
    std::string_view in = buf;
    double out = 0;
    REQUIRE(GetDouble(&in, &out));
    CHECK(std::signbit(out) == std::signbit(v));
    CHECK(out == v);
  }
  std::string nan;
  PutDouble(&nan, std::numeric_limits<double>::quiet_NaN());
  std::string_view in = nan;
  double out = 0;
  REQUIRE(GetDouble(&in, &out));
  CHECK(std::isnan(out));
}

TEST_CASE("length-prefixed slices borrow and reject overlong lengths", "[unit]") {
  std::string buf;
  PutLengthPrefixedSlice(&buf, "abc");
  PutLengthPrefixedSlice(&buf, "");
  std::string_view in = buf;
  std::string_view a, b;
  REQUIRE(GetLengthPrefixedSlice(&in, &a));
  REQUIRE(GetLengthPrefixedSlice(&in, &b));
  CHECK(a == "abc");
  CHECK(b.empty());
  CHECK(in.empty());

  std::string bad;
  PutVarint64(&bad, 1000);
  bad += "short";
  in = bad;
  CHECK_FALSE(GetLengthPrefixedSlice(&in, &a));
}

TEST_CASE("big-endian numbers sort bytewise like the numbers", "[unit]") {
  std::string a, b;
  PutBigEndian64(&a, 255);
  PutBigEndian64(&b, 256);
  CHECK(a < b);
  std::string_view in = b;
  std::uint64_t v = 0;
  REQUIRE(GetBigEndian64(&in, &v));
  CHECK(v == 256);
  std::string c;
  PutBigEndian32(&c, 0x01020304u);
  CHECK(c == std::string("\x01\x02\x03\x04", 4));
  in = std::string_view(c.data(), 3);
  std::uint32_t w = 0;
  CHECK_FALSE(GetBigEndian32(&in, &w));
}

TEST_CASE("fixed64 is little-endian and needs eight bytes", "[unit]") {
  std::string buf;
  PutFixed64(&buf, 0x0102030405060708ull);
  CHECK(buf == std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8));
  std::string_view in(buf.data(), 7);
  std::uint64_t v = 0;
  CHECK_FALSE(GetFixed64(&in, &v));
}

}  // namespace
}  // namespace careloop::state
