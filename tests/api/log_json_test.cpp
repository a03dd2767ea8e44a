// JSON log lines: one object per line, valid JSON whatever the message holds.
#include "api/log_json.h"

#include <rapidjson/document.h>

#include <catch2/catch.hpp>

TEST_CASE("A JSON log line escapes quotes, backslashes and control characters", "[unit]") {
  std::string line = careloop::api::JsonLogLine(1775001600123, "warn", "careloop",
                                                "a \"quoted\" \\ path\nnext\tline\x01", 42);
  CHECK(line.find('\n') == std::string::npos);
  rapidjson::Document d;
  d.Parse(line.c_str());
  REQUIRE_FALSE(d.HasParseError());
  CHECK(std::string(d["ts"].GetString()) == "2026-04-01T00:00:00.123Z");
  CHECK(std::string(d["level"].GetString()) == "warn");
  CHECK(std::string(d["logger"].GetString()) == "careloop");
  CHECK(std::string(d["msg"].GetString()) == "a \"quoted\" \\ path\nnext\tline\x01");
  CHECK(d["thread"].GetUint64() == 42);
}
