// simdjson On-Demand helpers (src/decode/json_value.cpp) and text helpers (ascii.cpp).
#include "decode/json_value.h"

#include <catch2/catch.hpp>

#include <string>

#include "decode/ascii.h"

using careloop::decode::FieldValue;
using careloop::decode::JsonKind;
using careloop::decode::KeyTracker;
using careloop::decode::Quoted;
using careloop::decode::ReadValue;
namespace od = simdjson::ondemand;

namespace {

// Reads the value of field "v" of `json`; returns the simdjson error.
simdjson::error_code ReadV(const std::string& json, FieldValue* out) {
  static od::parser parser;
  static simdjson::padded_string padded;
  padded = simdjson::padded_string(json);
  od::document doc;
  if (auto e = parser.iterate(padded).get(doc)) return e;
  od::value v;
  if (auto e = doc["v"].get(v)) return e;
  return ReadValue(v, out);
}

}  // namespace

TEST_CASE("ReadValue reads scalars and tells overflow from malformed numbers", "[unit]") {
  FieldValue f;
  REQUIRE(ReadV(R"({"v":"a\"b"})", &f) == simdjson::SUCCESS);
  CHECK(f.kind == JsonKind::kString);
  CHECK(f.str == "a\"b");

  f = {};
  REQUIRE(ReadV(R"({"v":-2.5e1})", &f) == simdjson::SUCCESS);
  CHECK(f.kind == JsonKind::kNumber);
  CHECK(f.number == -25);
  CHECK_FALSE(f.overflow);

  for (const char* big : {"1e400", "-1e400", "123456789e999", "0.5E+400"}) {
    INFO(big);
    f = {};
    REQUIRE(ReadV(std::string(R"({"v":)") + big + "}", &f) == simdjson::SUCCESS);
    CHECK(f.kind == JsonKind::kNumber);
    CHECK(f.overflow);
  }
  for (const char* bad : {"01", "1.", "-", "1e", "NaN", "Infinity", "+1", ".5"}) {
    INFO(bad);
    f = {};
    CHECK(ReadV(std::string(R"({"v":)") + bad + "}", &f) != simdjson::SUCCESS);
  }

  f = {};
  REQUIRE(ReadV(R"({"v":true})", &f) == simdjson::SUCCESS);
  CHECK(f.kind == JsonKind::kBool);
  CHECK(f.boolean);
  f = {};
  REQUIRE(ReadV(R"({"v":null})", &f) == simdjson::SUCCESS);
  CHECK(f.kind == JsonKind::kNull);
  f = {};
  CHECK(ReadV(R"({"v":nul})", &f) != simdjson::SUCCESS);
  f = {};
  REQUIRE(ReadV(R"({"v":[1]})", &f) == simdjson::SUCCESS);
  CHECK(f.kind == JsonKind::kArray);
  f = {};
  REQUIRE(ReadV(R"({"v":{}})", &f) == simdjson::SUCCESS);
  CHECK(f.kind == JsonKind::kObject);
}

TEST_CASE("KeyTracker notices the first repeated key", "[unit]") {
  KeyTracker t;
  CHECK(t.Add(0, "test"));
  CHECK(t.Add(-1, "x"));
  CHECK(t.Add(-1, "y"));
  CHECK_FALSE(t.has_duplicate());
  CHECK_FALSE(t.Add(-1, "y"));
  CHECK_FALSE(t.Add(0, "test"));
  CHECK(t.has_duplicate());
  CHECK(t.duplicate() == "y");
  t.Reset();
  CHECK_FALSE(t.has_duplicate());
  CHECK(t.Add(0, "test"));
}

TEST_CASE("Quoted cuts long text and hides control characters", "[unit]") {
  CHECK(Quoted("g/L") == "'g/L'");
  CHECK(Quoted("a\nb") == "'a?b'");
  CHECK(Quoted(std::string(50, 'x')) == "'" + std::string(40, 'x') + "…'");
  // 39 ASCII bytes then a 2-byte "µ": the cut does not split it.
  CHECK(Quoted(std::string(39, 'x') + "\xc2\xb5" + "yyy") == "'" + std::string(39, 'x') + "…'");
}
