// The record writer's own fast paths (engine/record_json.h) against rapidjson's plain
// Writer: the same bytes for every string, whatever it holds and wherever.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <catch2/catch.hpp>
#include <string>

#include "engine/record_json.h"

namespace {

using careloop::engine::FinishRecord;
using careloop::engine::JsonKey;
using careloop::engine::JsonString;
using careloop::engine::StartRecord;

// {"key":<s>,"k2":[<s>]} by rapidjson's own Writer and StringBuffer.
std::string Plain(const std::string& s) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  w.StartObject();
  w.Key("key");
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.Key("k2");
  w.StartArray();
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
  w.EndObject();
  return std::string(b.GetString(), b.GetSize());
}

// The same through the record writer: literal keys, string values.
std::string Fast(const std::string& s) {
  auto& w = StartRecord();
  w.StartObject();
  JsonKey(w, "key");
  JsonString(w, s);
  JsonKey(w, "k2");
  w.StartArray();
  JsonString(w, s);
  w.EndArray();
  w.EndObject();
  return FinishRecord();
}

}  // namespace

TEST_CASE("record JSON: every byte that needs escaping, at every place, as rapidjson writes it",
          "[unit]") {
  // Each byte that must be escaped (controls, '"', '\\') and a few that must not (the bytes
  // either side of them, DEL, UTF-8), alone and in runs, at each offset of strings of 0 to
  // 40 bytes, so that the eight-byte scan meets them in every lane and at the tail.
  std::string specials;
  for (int c = 0; c < 0x20; ++c) specials.push_back(static_cast<char>(c));
  specials += "\"\\!#[]\x7f";
  specials += "\xc3\xa9\xe5\x81\xa5";  // é 健
  int checked = 0;
  for (std::size_t len = 0; len <= 40; ++len) {
    const std::string base(len, 'a');
    CHECK(Fast(base) == Plain(base));
    ++checked;
    for (std::size_t at = 0; at < len; ++at) {
      for (char c : specials) {
        std::string s = base;
        s[at] = c;
        REQUIRE(Fast(s) == Plain(s));
        if (at + 1 < len) s[at + 1] = c;  // two in a row
        REQUIRE(Fast(s) == Plain(s));
        checked += 2;
      }
    }
  }
  CHECK(checked > 20000);
}

TEST_CASE("record JSON: a literal key is written like rapidjson's Key, in objects and arrays",
          "[unit]") {
  auto& w = StartRecord();
  w.StartObject();
  JsonKey(w, "a");
  w.StartObject();
  JsonKey(w, "b_2");
  w.Int(1);
  JsonKey(w, "c");
  w.StartArray();
  w.StartObject();
  JsonKey(w, "d");
  w.Null();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  JsonKey(w, "e");
  JsonString(w, "x");
  w.EndObject();
  CHECK(FinishRecord() == R"({"a":{"b_2":1,"c":[{"d":null}]},"e":"x"})");
}
