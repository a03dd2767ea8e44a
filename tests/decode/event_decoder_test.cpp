#include "careloop/decode/event_decoder.h"

#include <catch2/catch.hpp>

#include <string>

#include "decode/decode_fixture.h"

using careloop::decode::Decoded;
using careloop::decode::EventDecoder;
using careloop::decode::EventType;
using careloop::decode::kMaxMessageBytes;
using careloop::decode::kTooLargePayloadBytes;
using careloop::decode::testing::DecodeOnce;
using careloop::decode::testing::LabWithCommon;
using careloop::decode::testing::LabWithResults;
using careloop::decode::testing::ShippedCatalog;

namespace {

constexpr const char* kGoodResult = R"([{"test":"TG","value":2.91,"unit":"mmol/L"}])";
constexpr const char* kIds = R"("event_id":"e-1","worker_id":"W1")";
constexpr const char* kAt = R"("occurred_at":"2026-04-12T09:13:22+08:00")";

std::string Common(std::string_view type, std::string_view event_id, std::string_view worker_id,
                   std::string_view at) {
  std::string s;
  auto add = [&](std::string_view part) {
    if (part.empty()) return;
    if (!s.empty()) s += ',';
    s += part;
  };
  add(type);
  add(event_id);
  add(worker_id);
  add(at);
  return s;
}

std::string WithoutType() {
  return LabWithCommon(Common("", R"("event_id":"e-1")", R"("worker_id":"W1")", kAt));
}

std::string LabCommon(std::string_view event_id, std::string_view worker_id, std::string_view at) {
  return LabWithCommon(Common(R"("type":"lab_result")", event_id, worker_id, at));
}

std::string Nested(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST_CASE("malformed messages are rejected whole with a specific reason code", "[unit]") {
  struct Case {
    const char* name;
    std::string json;
    const char* code;
  };
  const std::string bad_utf8 =
      LabWithResults("[{\"test\":\"TG\",\"value\":2.91,\"unit\":\"mmol/L\xff\"}]");
  const Case cases[] = {
      {"not JSON", "hello world", "not_json"},
      {"empty message", "", "not_json"},
      {"only whitespace", "  \n ", "not_json"},
      {"truncated after a field", R"({"type":"lab_result","event_id":"e-1")", "not_json"},
      {"truncated in a string", R"({"type":"lab_res)", "not_json"},
      {"truncated in results", LabWithResults(kGoodResult).substr(0, 150), "not_json"},
      {"missing comma", R"({"type":"lab_result" "event_id":"e-1"})", "not_json"},
      {"single quotes", R"({'type':'lab_result'})", "not_json"},
      {"trailing content", LabWithResults(kGoodResult) + R"({"type":"checkin"})", "not_json"},
      {"trailing garbage", LabWithResults(kGoodResult) + "x", "not_json"},
      {"a string", R"("lab_result")", "not_object"},
      {"a number", "42", "not_object"},
      {"null", "null", "not_object"},
      {"top-level array", "[" + LabWithResults(kGoodResult) + "]", "not_object"},
      {"10000 nested arrays", Nested(10000), "not_object"},
      {"10000 unclosed arrays", std::string(10000, '['), "not_json"},
      {"invalid UTF-8", bad_utf8, "invalid_utf8"},
      {"missing type", WithoutType(), "missing_field"},
      {"type not a string", LabWithCommon(Common(R"("type":3)", kIds, "", kAt)), "invalid_field"},
      {"type null", LabWithCommon(Common(R"("type":null)", kIds, "", kAt)), "invalid_field"},
      {"unknown type", LabWithCommon(Common(R"("type":"lab")", kIds, "", kAt)), "unknown_type"},
      {"type in wrong case", LabWithCommon(Common(R"("type":"Lab_Result")", kIds, "", kAt)),
       "unknown_type"},
      {"missing event_id", LabCommon("", R"("worker_id":"W1")", kAt), "missing_field"},
      {"empty event_id", LabCommon(R"("event_id":"")", R"("worker_id":"W1")", kAt),
       "missing_field"},
      {"numeric event_id", LabCommon(R"("event_id":123)", R"("worker_id":"W1")", kAt),
       "invalid_field"},
      {"event_id over 200 bytes",
       LabCommon(R"("event_id":")" + std::string(201, 'e') + "\"", R"("worker_id":"W1")", kAt),
       "invalid_field"},
      {"missing worker_id", LabCommon(R"("event_id":"e-1")", "", kAt), "missing_field"},
      {"empty worker_id", LabCommon(R"("event_id":"e-1")", R"("worker_id":"")", kAt),
       "missing_field"},
      {"numeric worker_id", LabCommon(R"("event_id":"e-1")", R"("worker_id":12345)", kAt),
       "invalid_field"},
      {"worker_id with a control character",
       LabCommon(R"("event_id":"e-1")", R"("worker_id":"W\u0001")", kAt), "invalid_field"},
      {"worker_id over 100 bytes",
       LabCommon(R"("event_id":"e-1")", R"("worker_id":")" + std::string(101, 'w') + "\"", kAt),
       "invalid_field"},
      {"missing occurred_at", LabCommon(R"("event_id":"e-1")", R"("worker_id":"W1")", ""),
       "missing_field"},
      {"numeric occurred_at",
       LabCommon(R"("event_id":"e-1")", R"("worker_id":"W1")", R"("occurred_at":1712884402)"),
       "invalid_field"},
      {"occurred_at 2026-02-30",
       LabCommon(R"("event_id":"e-1")", R"("worker_id":"W1")",
                 R"("occurred_at":"2026-02-30T09:00:00+08:00")"),
       "invalid_field"},
      {"occurred_at without offset",
       LabCommon(R"("event_id":"e-1")", R"("worker_id":"W1")",
                 R"("occurred_at":"2026-04-12T09:13:22")"),
       "invalid_field"},
      {"occurred_at date only",
       LabCommon(R"("event_id":"e-1")", R"("worker_id":"W1")", R"("occurred_at":"2026-04-12")"),
       "invalid_field"},
      {"occurred_at 25 o'clock",
       LabCommon(R"("event_id":"e-1")", R"("worker_id":"W1")",
                 R"("occurred_at":"2026-04-12T25:00:00Z")"),
       "invalid_field"},
      {"source not a string",
       LabWithCommon(Common(R"("type":"lab_result")", kIds, kAt, R"("source":["van"])")),
       "invalid_field"},
      {"exam_id not a string",
       LabWithCommon(Common(R"("type":"lab_result")", kIds, kAt, R"("exam_id":17)")),
       "invalid_field"},
      {"results missing",
       R"({"type":"lab_result","event_id":"e-1","worker_id":"W1","occurred_at":"2026-04-12T09:13:22Z"})",
       "missing_field"},
      {"results an object", LabWithResults(R"({"test":"TG","value":2.91,"unit":"mmol/L"})"),
       "invalid_field"},
      {"results a string", LabWithResults(R"("TG 2.91")"), "invalid_field"},
      {"results null", LabWithResults("null"), "invalid_field"},
      {"results empty", LabWithResults("[]"), "empty_results"},
      {"duplicate event_id key",
       LabWithCommon(Common(R"("type":"lab_result")", kIds, kAt, R"("event_id":"e-2")")),
       "duplicate_key"},
      {"duplicate type key",
       LabWithCommon(Common(R"("type":"lab_result")", kIds, kAt, R"("type":"checkin")")),
       "duplicate_key"},
      {"duplicate key written with an escape",
       LabWithCommon(Common(R"("type":"lab_result")", kIds, kAt, R"("\u0074ype":"lab_result")")),
       "duplicate_key"},
      {"duplicate unknown key",
       LabWithCommon(Common(R"("type":"lab_result")", kIds, kAt, R"("x":1,"x":2)")),
       "duplicate_key"},
      {"NaN literal", LabWithResults(R"([{"test":"TG","value":NaN,"unit":"mmol/L"}])"), "not_json"},
      {"Infinity literal", LabWithResults(R"([{"test":"TG","value":Infinity,"unit":"mmol/L"}])"),
       "not_json"},
      {"-Infinity literal", LabWithResults(R"([{"test":"TG","value":-Infinity,"unit":"mmol/L"}])"),
       "not_json"},
      {"number with a leading zero",
       LabWithResults(R"([{"test":"TG","value":02.91,"unit":"mmol/L"}])"), "not_json"},
      {"misspelt literal", LabWithResults(R"([{"test":"TG","value":tru,"unit":"mmol/L"}])"),
       "not_json"},
      {"message over 1 MiB",
       LabWithCommon(Common(R"("type":"lab_result")", kIds, kAt,
                            R"("pad":")" + std::string(2 << 20, 'p') + "\"")),
       "too_large"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    Decoded d = DecodeOnce(c.json);
    CHECK_FALSE(d.usable);
    REQUIRE(d.rejected.size() == 1);
    CHECK(d.rejected[0].reason_code == c.code);
    CHECK(d.rejected[0].index == -1);
    CHECK_FALSE(d.rejected[0].reason.empty());
    if (c.json.size() <= kMaxMessageBytes) CHECK(d.rejected[0].payload == c.json);
    CHECK(d.lab.results.empty());
  }
}

TEST_CASE("reasons name the field without its value", "[unit]") {
  Decoded d = DecodeOnce(LabCommon(R"("event_id":"e-1")", R"("worker_id":"W1")",
                                   R"("occurred_at":"2026-02-30T09:00:00+08:00")"));
  REQUIRE(d.rejected.size() == 1);
  CHECK(d.rejected[0].reason ==
        "'occurred_at' is not an RFC 3339 time with offset (day out of range for the month)");
  d = DecodeOnce(LabCommon(R"("event_id":"e-1")", "", kAt));
  CHECK(d.rejected[0].reason == "missing field 'worker_id'");
  d = DecodeOnce(LabWithCommon(Common(R"("type":"lab_result")", kIds, kAt, R"("x":1,"x":2)")));
  CHECK(d.rejected[0].reason == "duplicate key 'x'");
  d = DecodeOnce(LabWithCommon(Common(R"("type":"labresult")", kIds, "", kAt)));
  CHECK(d.rejected[0].reason == "unknown type 'labresult' (lab_result checkin petition)");
  d = DecodeOnce(LabWithResults("7"));
  CHECK(d.rejected[0].reason == "'results' must be an array, not a number");
}

TEST_CASE("event_id and worker_id are kept even when the message is rejected", "[unit]") {
  Decoded d = DecodeOnce(LabCommon(R"("event_id":"e-77")", R"("worker_id":"W0012345")",
                                   R"("occurred_at":"yesterday")"));
  CHECK_FALSE(d.usable);
  CHECK(d.event_id == "e-77");
  CHECK(d.worker_id == "W0012345");
  CHECK(d.type == EventType::kLabResult);

  // Read before the malformed part. (Unbalanced brackets are found before any field is
  // read, so a truncated message names nothing.)
  d = DecodeOnce(
      R"({"event_id":"e-78","worker_id":"W9","type":"lab_result","results":[{"value":NaN}]})");
  CHECK(d.rejected.at(0).reason_code == "not_json");
  CHECK(d.event_id == "e-78");
  CHECK(d.worker_id == "W9");
}

TEST_CASE("a message over 1 MiB is cut in its dead-letter payload", "[unit]") {
  std::string big = LabWithCommon(
      Common(R"("type":"lab_result")", kIds, kAt, R"("pad":")" + std::string(2 << 20, 'p') + "\""));
  Decoded d = DecodeOnce(big);
  REQUIRE(d.rejected.size() == 1);
  CHECK(d.rejected[0].reason_code == "too_large");
  CHECK(d.rejected[0].payload == big.substr(0, kTooLargePayloadBytes));
  CHECK(d.event_id.empty());  // not parsed
  // Exactly at the limit is parsed.
  std::string at_limit = LabWithCommon(Common(R"("type":"lab_result")", kIds, kAt, R"("pad":"")"));
  at_limit.insert(at_limit.size() - 1, std::string(kMaxMessageBytes - at_limit.size(), ' '));
  REQUIRE(at_limit.size() == kMaxMessageBytes);
  CHECK(DecodeOnce(at_limit).usable);
}

TEST_CASE("unknown fields are accepted and ignored, however deep", "[unit]") {
  std::string json = LabWithCommon(Common(R"("type":"lab_result")", kIds, kAt,
                                          R"("comment":"x","meta":{"a":[1,2,{"b":null}]},"deep":)" +
                                              Nested(10000) + R"(,"flag":true)"));
  Decoded d = DecodeOnce(json);
  CHECK(d.usable);
  CHECK(d.rejected.empty());
  REQUIRE(d.lab.results.size() == 1);
}

TEST_CASE("fields may come in any order", "[unit]") {
  Decoded d = DecodeOnce(
      R"({"results":[{"unit":"mmol/L","value":2.91,"test":"TG"}],"occurred_at":"2026-04-12T09:13:22+08:00",)"
      R"("worker_id":"W1","exam_id":"X1","event_id":"e-1","type":"lab_result"})");
  REQUIRE(d.usable);
  REQUIRE(d.lab.results.size() == 1);
  CHECK(d.lab.results[0].obs.value == 2.91);
  CHECK(d.lab.results[0].obs.exam_id == "X1");
}

TEST_CASE("strings are unescaped", "[unit]") {
  Decoded d = DecodeOnce(LabCommon(R"("event_id":"e\u002d1")", R"("worker_id":"W\u00e9\/1")", kAt));
  REQUIRE(d.usable);
  CHECK(d.event_id == "e-1");
  CHECK(d.worker_id == "W\xc3\xa9/1");
  CHECK(d.lab.worker_id == d.worker_id);
}

TEST_CASE("one decoder is reusable across good and bad messages", "[unit]") {
  EventDecoder decoder(ShippedCatalog());
  Decoded d;
  decoder.Decode(LabWithResults(R"([{"test":"TG","value":2.91,"unit":"mmol/L"},{"test":"X"}])"),
                 &d);
  REQUIRE(d.usable);
  CHECK(d.lab.results.size() == 1);
  CHECK(d.rejected.size() == 1);
  decoder.Decode("not json", &d);
  CHECK_FALSE(d.usable);
  CHECK_FALSE(d.type.has_value());
  CHECK(d.event_id.empty());
  CHECK(d.lab.results.empty());
  CHECK(d.rejected.size() == 1);
  decoder.Decode(LabWithResults(R"([{"test":"SBP","value":120,"unit":"mmHg"}])"), &d);
  REQUIRE(d.usable);
  CHECK(d.rejected.empty());
  REQUIRE(d.lab.results.size() == 1);
  CHECK(d.lab.results[0].obs.test == "SBP");
  // A bigger message after a small one (the padded buffer grows).
  std::string big = LabWithCommon(
      Common(R"("type":"lab_result")", kIds, kAt, R"("pad":")" + std::string(300000, 'p') + "\""));
  decoder.Decode(big, &d);
  CHECK(d.usable);
}

TEST_CASE("EventTypeName", "[unit]") {
  CHECK(careloop::decode::EventTypeName(EventType::kLabResult) == "lab_result");
  CHECK(careloop::decode::EventTypeName(EventType::kCheckin) == "checkin");
  CHECK(careloop::decode::EventTypeName(EventType::kPetition) == "petition");
}
