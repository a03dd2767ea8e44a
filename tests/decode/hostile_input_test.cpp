// Hostile input beyond the malformed-message tables of event_decoder_test.cpp and
// lab_result_test.cpp: deep nesting in fields that are read, numbers at and past the
// limits of a double, NaN and Infinity, invalid UTF-8 and escapes, a 10 MB message,
// duplicate keys and empty results, unknown fields of every shape, a byte-order mark,
// content around the object and control characters in ids. Every case names the exact
// reason code (or that nothing is rejected) and shows that the stream goes on after it.
// (Wrong JSON types per field are in field_types_test.cpp.)
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "careloop/decode/event_decoder.h"
#include "decode/decode_fixture.h"
#include "decode/hostile_cases.h"

using careloop::decode::Decoded;
using careloop::decode::kTooLargePayloadBytes;
using careloop::decode::testing::CheckAllHostile;
using careloop::decode::testing::DecodeOnce;
using careloop::decode::testing::HostileCase;
using careloop::decode::testing::LabWithCommon;
using careloop::decode::testing::LabWithResults;

namespace {

constexpr const char* kCommon =
    R"("type":"lab_result","event_id":"e-1","worker_id":"W1","occurred_at":"2026-04-12T09:13:22+08:00")";
constexpr const char* kGood = R"({"test":"SBP","value":120,"unit":"mmHg"})";

// A lab_result whose event_id is `id` (JSON text).
std::string LabWithEventId(const std::string& id) {
  return LabWithCommon(R"("type":"lab_result","event_id":)" + id +
                       R"(,"worker_id":"W1","occurred_at":"2026-04-12T09:13:22+08:00")");
}
// A good lab_result with `extra` (JSON members) after the common fields.
std::string LabWithExtra(const std::string& extra) {
  return LabWithCommon(std::string(kCommon) + "," + extra);
}
// A report of one good result, then `result` (index 1).
std::string SecondResult(const std::string& result) {
  return LabWithResults(std::string("[") + kGood + "," + result + "]");
}
// A report of just `result` (index 0).
std::string OnlyResult(const std::string& result) { return LabWithResults("[" + result + "]"); }
std::string TgValue(const std::string& value) {
  return R"({"test":"TG","value":)" + value + R"(,"unit":"mmol/L"})";
}
std::string Checkin(const std::string& rest) {
  return R"({"type":"checkin","event_id":"app-1","worker_id":"W1",)"
         R"("occurred_at":"2026-04-12T10:02:00+08:00",)" +
         rest + "}";
}
std::string Petition(const std::string& rest) {
  return R"({"type":"petition","event_id":"plat-1","petition_id":"P-1",)"
         R"("occurred_at":"2026-04-12T11:00:00+08:00",)" +
         rest + "}";
}
std::string Arrays(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }
std::string Objects(size_t depth) {
  std::string s;
  for (size_t i = 0; i < depth; ++i) s += R"({"a":)";
  return s + "1" + std::string(depth, '}');
}

HostileCase Whole(std::string name, std::string json, const char* code) {
  return {std::move(name), std::move(json), false, code, -1};
}
HostileCase Accepted(std::string name, std::string json) {
  return {std::move(name), std::move(json), true, nullptr, -1};
}
HostileCase BadResult(std::string name, std::string json, const char* code, int index,
                      bool usable) {
  return {std::move(name), std::move(json), usable, code, index};
}

}  // namespace

TEST_CASE("deep nesting in a field that is read", "[unit]") {
  CheckAllHostile({
      Whole("event_id: 10000 nested arrays", LabWithEventId(Arrays(10000)), "invalid_field"),
      Whole("event_id: 10000 nested objects", LabWithEventId(Objects(10000)), "invalid_field"),
      Whole("event_id: 10000 unclosed arrays", LabWithEventId(std::string(10000, '[')), "not_json"),
      Whole("type: 10000 nested objects",
            LabWithCommon(
                R"("type":)" + Objects(10000) +
                R"(,"event_id":"e-1","worker_id":"W1","occurred_at":"2026-04-12T09:13:22Z")"),
            "invalid_field"),
      BadResult("results: 10000 nested arrays", LabWithResults(Arrays(10000)), "invalid_field", 0,
                false),
      BadResult("value: 10000 nested arrays", SecondResult(TgValue(Arrays(10000))),
                "non_numeric_value", 1, true),
      BadResult("finding: 10000 nested objects",
                SecondResult(R"({"test":"LIVER_US","finding":)" + Objects(10000) + "}"),
                "invalid_field", 1, true),
      Whole("checkin kind: 10000 nested arrays", Checkin(R"("kind":)" + Arrays(10000)),
            "invalid_field"),
      Whole("petition summary: 10000 nested objects",
            Petition(R"("action":"submitted","summary":)" + Objects(10000)), "invalid_field"),
      Accepted("unknown field: 10000 nested objects", LabWithExtra(R"("x":)" + Objects(10000))),
      Accepted(
          "unknown field of a result: 10000 nested arrays",
          SecondResult(R"({"test":"TG","value":2.5,"unit":"mmol/L","x":)" + Arrays(10000) + "}")),
      BadResult("a result of 10000 nested arrays then a good one",
                LabWithResults("[" + Arrays(10000) + "," + kGood + "]"), "invalid_field", 0, true),
  });
}

TEST_CASE("numbers at and beyond the limits of a double", "[unit]") {
  CheckAllHostile({
      BadResult("value 2^64", SecondResult(TgValue("18446744073709551616")), "out_of_range", 1,
                true),
      BadResult("value -(2^64+1)", OnlyResult(TgValue("-18446744073709551617")), "out_of_range", 0,
                false),
      BadResult("value 2^64-1 on a wide range",
                OnlyResult(R"({"test":"PLT","value":18446744073709551615,"unit":"10*9/L"})"),
                "out_of_range", 0, false),
      BadResult("value 1E+400", OnlyResult(TgValue("1E+400")), "out_of_range", 0, false),
      BadResult("value of 400 digits", OnlyResult(TgValue(std::string(400, '9'))), "out_of_range",
                0, false),
      BadResult("value DBL_MAX",
                OnlyResult(R"({"test":"HGB","value":1.7976931348623157e308,"unit":"g/L"})"),
                "out_of_range", 0, false),
      Accepted("value 1e-400 (underflows to 0)", OnlyResult(TgValue("1e-400"))),
      Accepted("value 5e-324 (denormal)", OnlyResult(TgValue("5e-324"))),
      Accepted("value -0", OnlyResult(TgValue("-0"))),
      Accepted("value with 800 more digits",
               OnlyResult(TgValue("2.91" + std::string(800, '0') + "1"))),
      Whole("event_id 1e400", LabWithEventId("1e400"), "invalid_field"),
      Whole(
          "occurred_at 2^64",
          LabWithCommon(
              R"("type":"lab_result","event_id":"e-1","worker_id":"W1","occurred_at":18446744073709551616)"),
          "invalid_field"),
      BadResult("ref_low 1e400",
                SecondResult(R"({"test":"TG","value":2.5,"unit":"mmol/L","ref_low":1e400})"),
                "invalid_field", 1, true),
      Whole("petition urgent 1e400", Petition(R"("action":"assisted","urgent":1e400)"),
            "invalid_field"),
      Accepted("unknown field 1e400", LabWithExtra(R"("x":1e400,"y":-18446744073709551617)")),
  });
}

TEST_CASE("numbers at the limits decode to their value", "[unit]") {
  auto value = [](const std::string& v) {
    Decoded d = DecodeOnce(OnlyResult(TgValue(v)));
    REQUIRE(d.lab.results.size() == 1);
    return d.lab.results[0].obs.value;
  };
  CHECK(value("1e-400") == 0);
  CHECK(value("-0") == 0);
  CHECK(value("5e-324") >= 0);
  CHECK(value("2.91" + std::string(800, '0') + "1") == 2.91);
}

TEST_CASE("NaN and Infinity", "[unit]") {
  CheckAllHostile({
      Whole("value nan", OnlyResult(TgValue("nan")), "not_json"),
      Whole("value inf", OnlyResult(TgValue("inf")), "not_json"),
      Whole("value -NaN", SecondResult(TgValue("-NaN")), "not_json"),
      Whole("event_id NaN", LabWithEventId("NaN"), "not_json"),
      Whole("ref_low NaN",
            SecondResult(R"({"test":"TG","value":2.5,"unit":"mmol/L","ref_low":NaN})"), "not_json"),
      BadResult("value \"NaN\" as a string", SecondResult(TgValue(R"("NaN")")), "non_numeric_value",
                1, true),
      BadResult("value \"Infinity\" as a string", OnlyResult(TgValue(R"("Infinity")")),
                "non_numeric_value", 0, false),
      // Unknown fields are skipped without being parsed (event_decoder.h).
      Accepted("NaN in an unknown field", LabWithExtra(R"("x":NaN,"y":-Infinity)")),
      Accepted("NaN in an unknown field of a result",
               OnlyResult(R"({"test":"TG","value":2.5,"unit":"mmol/L","x":NaN})")),
  });
}

TEST_CASE("invalid UTF-8 and bad escapes", "[unit]") {
  CheckAllHostile({
      Whole("in a top-level key", LabWithExtra("\"k\xff\":1"), "invalid_utf8"),
      Whole("in a key of a result", SecondResult("{\"test\":\"TG\",\"v\xc3\":1}"), "invalid_utf8"),
      Whole("in event_id", LabWithEventId("\"e\xfe-1\""), "invalid_utf8"),
      Whole("in an unknown field's value", LabWithExtra("\"note\":\"\xc3\x28\""), "invalid_utf8"),
      Whole("in a finding", SecondResult("{\"test\":\"LIVER_US\",\"finding\":\"mild\x80\"}"),
            "invalid_utf8"),
      Whole("overlong encoding of '/'", LabWithExtra("\"k\":\"\xc0\xaf\""), "invalid_utf8"),
      Whole("a UTF-16 surrogate encoded in UTF-8", LabWithExtra("\"k\":\"\xed\xa0\x80\""),
            "invalid_utf8"),
      Whole("a code point beyond U+10FFFF", LabWithExtra("\"k\":\"\xf4\x90\x80\x80\""),
            "invalid_utf8"),
      Whole("a sequence cut by the end of the message", LabWithExtra(R"("k":"x")") + "\xf0\x9f\x98",
            "invalid_utf8"),
      Whole(
          "a lone continuation byte in a check-in diagnosis",
          Checkin("\"kind\":\"hospital_visit\",\"outcome\":\"confirmed\",\"diagnosis\":\"a\x80\""),
          "invalid_utf8"),
      Whole("in a petition summary", Petition("\"action\":\"submitted\",\"summary\":\"\xff\xfe\""),
            "invalid_utf8"),
      Whole("an escaped lone high surrogate in event_id", LabWithEventId(R"("e\ud800")"),
            "not_json"),
      Whole("an escaped lone low surrogate in event_id", LabWithEventId(R"("e\udc00x")"),
            "not_json"),
      Whole("an unknown escape in event_id", LabWithEventId(R"("e\x41")"), "not_json"),
      Accepted("an escaped surrogate pair in event_id", LabWithEventId(R"("e\ud83d\ude00")")),
      Accepted("an escaped lone surrogate in an unknown field (not parsed)",
               LabWithExtra(R"("note":"\ud800\x")")),
  });
  Decoded d = DecodeOnce(LabWithEventId(R"("e\ud83d\ude00")"));
  CHECK(d.event_id == "e\xf0\x9f\x98\x80");
}

TEST_CASE("a 10 MB message is rejected unparsed and the stream goes on", "[unit]") {
  std::string results = "[";
  while (results.size() < (10u << 20)) results += std::string(kGood) + ",";
  results.back() = ']';
  const std::string padded = LabWithExtra(R"("pad":")" + std::string(10u << 20, 'p') + "\"");
  CheckAllHostile({
      Whole("10 MB of padding", padded, "too_large"),
      Whole("10 MB of results", LabWithResults(results), "too_large"),
  });
  Decoded d = DecodeOnce(padded);
  REQUIRE(d.rejected.size() == 1);
  CHECK(d.rejected[0].payload.size() == kTooLargePayloadBytes);
}

TEST_CASE("duplicate keys in results and empty results", "[unit]") {
  CheckAllHostile({
      BadResult("test twice, once escaped",
                SecondResult(R"({"test":"TG","\u0074est":"TG","value":2.5,"unit":"mmol/L"})"),
                "duplicate_key", 1, true),
      BadResult("the same unit twice",
                OnlyResult(R"({"test":"TG","value":2.5,"unit":"mmol/L","unit":"mmol/L"})"),
                "duplicate_key", 0, false),
      BadResult("finding twice",
                SecondResult(R"({"test":"LIVER_US","finding":"mild","finding":"mass"})"),
                "duplicate_key", 1, true),
      BadResult(
          "a duplicate in the middle result",
          LabWithResults(std::string("[") + kGood +
                         R"(,{"test":"TG","value":2.5,"unit":"mmol/L","flag":"H","flag":"L"},)" +
                         kGood + "]"),
          "duplicate_key", 1, true),
      Whole("results twice", LabWithExtra(R"("results":[])"), "duplicate_key"),
      // Keys are read case-sensitively and duplicates only where read.
      Accepted("Test and test",
               OnlyResult(R"({"Test":"XYZ","test":"TG","value":2.5,"unit":"mmol/L"})")),
      Accepted("a duplicate inside an unknown object of a result",
               OnlyResult(R"({"test":"TG","value":2.5,"unit":"mmol/L","m":{"a":1,"a":2}})")),
      Whole("results with only whitespace", LabWithResults("[ \n\t ]"), "empty_results"),
      BadResult("results with one empty object", LabWithResults("[{}]"), "missing_field", 0, false),
      BadResult("results with one empty array", LabWithResults("[[]]"), "invalid_field", 0, false),
      BadResult("results with one null", LabWithResults("[null]"), "invalid_field", 0, false),
      Accepted("empty results on a check-in (not its field)",
               Checkin(R"("kind":"followup","results":[])")),
  });
}

TEST_CASE("unknown fields of every shape are accepted and ignored", "[unit]") {
  CheckAllHostile({
      Accepted("an empty key", LabWithExtra(R"("":1)")),
      Accepted("a key with escapes and non-ASCII",
               LabWithExtra(R"("\u00e9t\u00e9 \"x\"":"y","日付":2)")),
      Accepted("a known key in another case", LabWithExtra(R"("Type":"checkin","EVENT_ID":1)")),
      Accepted("a 500 KB string", LabWithExtra(R"("blob":")" + std::string(500000, 'b') + "\"")),
      Accepted("an object holding known keys",
               LabWithExtra(R"("meta":{"type":"petition","results":[{"test":"XYZ"}]})")),
      Accepted("nested arrays and objects in a check-in",
               Checkin(R"("kind":"treatment_started","x":[{"a":[[{}]]},[],{}],"y":{"z":[null]})")),
      Accepted("nested arrays and objects in a petition",
               Petition(R"("action":"submitted","attachments":[{"name":"a","size":[1,{"b":2}]}])")),
      Accepted("an unknown escape in an unknown string (not parsed)", LabWithExtra(R"("x":"\q")")),
  });
}

// Duplicate detection over many distinct unknown keys (once quadratic: a 1 MB message of
// 90,000 keys held the decoder for minutes).
TEST_CASE("many distinct unknown keys are accepted; a repeat among them is found", "[unit]") {
  auto keys = [](int n, int repeat_of) {
    std::string s;
    for (int i = 0; i < n; ++i) s += "\"k" + std::to_string(i) + "\":0,";
    if (repeat_of >= 0) s += "\"k" + std::to_string(repeat_of) + "\":1,";
    s.pop_back();
    return s;
  };
  CheckAllHostile({
      Accepted("90,000 unknown top-level keys", LabWithExtra(keys(90000, -1))),
      Accepted(
          "90,000 unknown keys in a result",
          SecondResult(R"({"test":"TG","value":2.5,"unit":"mmol/L",)" + keys(90000, -1) + "}")),
      Whole("90,000 unknown top-level keys, one repeated", LabWithExtra(keys(90000, 45000)),
            "duplicate_key"),
      BadResult("90,000 unknown keys in a result, the first repeated last",
                SecondResult(R"({"test":"TG","value":2.5,"unit":"mmol/L",)" + keys(90000, 0) + "}"),
                "duplicate_key", 1, true),
  });
}

TEST_CASE("a byte-order mark and content around the object", "[unit]") {
  const std::string good = LabWithExtra(R"("source":"van")");
  CheckAllHostile({
      // RFC 8259 lets a parser refuse a BOM; careloop does (contract: one JSON object).
      Whole("UTF-8 BOM before the object", "\xef\xbb\xbf" + good, "not_json"),
      Accepted("U+FEFF inside a string", LabWithExtra("\"source\":\"\xef\xbb\xbfvan\"")),
      Accepted("leading and trailing whitespace", " \r\n\t" + good + "\n\r\t "),
      Whole("a trailing NUL byte", good + std::string(1, '\0'), "not_json"),
      Whole("a trailing comma", good + ",", "not_json"),
      Whole("an extra closing brace", good + "}", "not_json"),
      Whole("two objects on two lines", good + "\n" + good, "not_json"),
      Whole("a bad object followed by a good one", R"({"type":1})" + good, "not_json"),
      Whole("an empty array followed by an object", "[]" + good, "not_json"),
  });
}

TEST_CASE("control characters in ids", "[unit]") {
  CheckAllHostile({
      Whole("event_id with \\u0000", LabWithEventId(R"("e\u0000")"), "invalid_field"),
      Whole("event_id with DEL", LabWithEventId(R"("e\u007f1")"), "invalid_field"),
      Whole("event_id with an escaped newline", LabWithEventId(R"("e-1\n")"), "invalid_field"),
      Whole("event_id with a raw control byte", LabWithEventId("\"e\x01\""), "not_json"),
      Whole(
          "worker_id with a raw tab",
          LabWithCommon(
              R"("type":"lab_result","event_id":"e-1","worker_id":"W	1","occurred_at":"2026-04-12T09:13:22Z")"),
          "not_json"),
      Whole(
          "type with \\u0000",
          LabWithCommon(
              R"("type":"lab_result\u0000","event_id":"e-1","worker_id":"W1","occurred_at":"2026-04-12T09:13:22Z")"),
          "invalid_field"),
      Whole(
          "petition_id with ESC",
          R"({"type":"petition","event_id":"p","petition_id":"P\u001b[31m","occurred_at":"2026-04-12T11:00:00Z","action":"submitted"})",
          "invalid_field"),
      // Only ASCII controls are refused (ascii.h IsPrintable); U+0085 is text.
      Accepted("event_id with the C1 control U+0085", LabWithEventId(R"("e\u0085")")),
  });
}
