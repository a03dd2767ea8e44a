// Decoding of native checkin events (src/decode/checkin.cpp).
#include <catch2/catch.hpp>

#include <string>

#include "careloop/decode/event_decoder.h"
#include "decode/decode_fixture.h"

using careloop::decode::Decoded;
using careloop::decode::EventType;
using careloop::decode::testing::DecodeOnce;

namespace {

// A check-in with the common fields and `rest` (JSON members, may be empty).
std::string Checkin(std::string_view rest) {
  std::string s = R"({"type":"checkin","event_id":"app-77812","worker_id":"W0012345",)"
                  R"("occurred_at":"2026-04-12T10:02:00+08:00","source":"followup-app")";
  if (!rest.empty()) s += "," + std::string(rest);
  return s + "}";
}

}  // namespace

TEST_CASE("the contract check-in example", "[unit]") {
  Decoded d = DecodeOnce(
      R"({"type":"checkin","event_id":"app-77812","worker_id":"W0012345","occurred_at":"2026-04-12T10:02:00+08:00",
 "source":"followup-app","kind":"contact","case_id":"c-1","channel":"phone","outcome":"reached","staff_id":"S07"})");
  REQUIRE(d.usable);
  CHECK(d.type == EventType::kCheckin);
  CHECK(d.rejected.empty());
  const careloop::Checkin& c = d.checkin;
  CHECK(c.event_id == "app-77812");
  CHECK(c.worker_id == "W0012345");
  CHECK(c.occurred_at == *careloop::ParseRfc3339("2026-04-12T02:02:00Z"));
  CHECK(c.source == "followup-app");
  CHECK(c.kind == "contact");
  CHECK(c.case_id == "c-1");
  CHECK(c.channel == "phone");
  CHECK(c.outcome == "reached");
  CHECK(c.staff_id == "S07");
  CHECK(c.exam_id.empty());
  CHECK(d.lab.results.empty());
}

TEST_CASE("every check-in kind with its extra fields", "[unit]") {
  struct Case {
    std::string rest;
    const char* kind;
  };
  const Case cases[] = {
      {R"("kind":"exam_arrival","exam_id":"X1")", "exam_arrival"},
      {R"("kind":"exam_done","exam_id":"X1")", "exam_done"},
      {R"("kind":"contact","channel":"wechat","outcome":"unreachable")", "contact"},
      {R"("kind":"contact","channel":"visit","outcome":"declined")", "contact"},
      {R"("kind":"intervention_started","plan":"diet-12w")", "intervention_started"},
      {R"("kind":"referral_accepted","hospital":"H-CQ-01")", "referral_accepted"},
      {R"("kind":"referral_declined")", "referral_declined"},
      {R"("kind":"hospital_visit","outcome":"confirmed","diagnosis":"free text")",
       "hospital_visit"},
      {R"("kind":"hospital_visit","outcome":"ruled_out")", "hospital_visit"},
      {R"("kind":"treatment_started")", "treatment_started"},
      {R"("kind":"treatment_completed")", "treatment_completed"},
      {R"("kind":"followup","status":"stable")", "followup"},
  };
  for (const Case& c : cases) {
    INFO(c.rest);
    Decoded d = DecodeOnce(Checkin(c.rest));
    REQUIRE(d.usable);
    CHECK(d.rejected.empty());
    CHECK(d.checkin.kind == c.kind);
  }
  Decoded d =
      DecodeOnce(Checkin(R"("kind":"hospital_visit","outcome":"confirmed","diagnosis":"d")"));
  CHECK(d.checkin.outcome == "confirmed");
  CHECK(d.checkin.diagnosis == "d");
  d = DecodeOnce(Checkin(R"("kind":"intervention_started","plan":"p1","case_id":"c-9")"));
  CHECK(d.checkin.plan == "p1");
  CHECK(d.checkin.case_id == "c-9");
  d = DecodeOnce(Checkin(R"("kind":"referral_accepted","hospital":"H1")"));
  CHECK(d.checkin.hospital == "H1");
  d = DecodeOnce(Checkin(R"("kind":"followup","status":"stable")"));
  CHECK(d.checkin.status == "stable");
}

TEST_CASE("check-ins ignore lab fields and unknown fields", "[unit]") {
  // `results` before `type`: decoded on the way, then dropped.
  Decoded d = DecodeOnce(
      R"({"results":[{"test":"XYZ"}],"type":"checkin","event_id":"a","worker_id":"W1",)"
      R"("occurred_at":"2026-04-12T10:02:00Z","kind":"treatment_started","note":{"x":1}})");
  REQUIRE(d.usable);
  CHECK(d.rejected.empty());
  CHECK(d.lab.results.empty());
  d = DecodeOnce(Checkin(R"("kind":"exam_done","exam_id":"X","results":[{"test":"TG"}])"));
  REQUIRE(d.usable);
  CHECK(d.rejected.empty());
}

TEST_CASE("malformed check-ins are rejected with a reason code", "[unit]") {
  struct Case {
    const char* name;
    std::string json;
    const char* code;
  };
  const Case cases[] = {
      {"missing kind", Checkin(""), "missing_field"},
      {"kind not a string", Checkin(R"("kind":1)"), "invalid_field"},
      {"unknown kind", Checkin(R"("kind":"arrival")"), "unknown_kind"},
      {"kind in wrong case", Checkin(R"("kind":"Contact","channel":"phone","outcome":"reached")"),
       "unknown_kind"},
      {"exam_arrival without exam_id", Checkin(R"("kind":"exam_arrival")"), "missing_field"},
      {"exam_done without exam_id", Checkin(R"("kind":"exam_done")"), "missing_field"},
      {"exam_id empty", Checkin(R"("kind":"exam_done","exam_id":"")"), "invalid_field"},
      {"exam_id not a string", Checkin(R"("kind":"exam_done","exam_id":7)"), "invalid_field"},
      {"contact without channel", Checkin(R"("kind":"contact","outcome":"reached")"),
       "missing_field"},
      {"contact without outcome", Checkin(R"("kind":"contact","channel":"phone")"),
       "missing_field"},
      {"contact with unknown channel",
       Checkin(R"("kind":"contact","channel":"email","outcome":"reached")"), "invalid_field"},
      {"contact with a hospital outcome",
       Checkin(R"("kind":"contact","channel":"phone","outcome":"confirmed")"), "invalid_field"},
      {"hospital_visit without outcome", Checkin(R"("kind":"hospital_visit")"), "missing_field"},
      {"hospital_visit with a contact outcome",
       Checkin(R"("kind":"hospital_visit","outcome":"reached")"), "invalid_field"},
      {"channel on another kind unknown", Checkin(R"("kind":"followup","channel":"fax")"),
       "invalid_field"},
      {"case_id not a string", Checkin(R"("kind":"followup","case_id":["c"])"), "invalid_field"},
      {"staff_id empty", Checkin(R"("kind":"followup","staff_id":"")"), "invalid_field"},
      {"diagnosis too long",
       Checkin(R"("kind":"hospital_visit","outcome":"confirmed","diagnosis":")" +
               std::string(4001, 'd') + "\""),
       "invalid_field"},
      {"missing worker_id",
       R"({"type":"checkin","event_id":"a","occurred_at":"2026-04-12T10:02:00Z","kind":"followup"})",
       "missing_field"},
      {"duplicate kind", Checkin(R"("kind":"followup","kind":"contact")"), "duplicate_key"},
      {"bad occurred_at",
       R"({"type":"checkin","event_id":"a","worker_id":"W","occurred_at":"2026-04-31T10:02:00Z","kind":"followup"})",
       "invalid_field"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    Decoded d = DecodeOnce(c.json);
    CHECK_FALSE(d.usable);
    CHECK(d.type == EventType::kCheckin);
    REQUIRE(d.rejected.size() == 1);
    CHECK(d.rejected[0].reason_code == c.code);
    CHECK(d.rejected[0].index == -1);
    CHECK(d.rejected[0].payload == c.json);
  }
}

TEST_CASE("check-in reasons name the field and the kind", "[unit]") {
  Decoded d = DecodeOnce(Checkin(R"("kind":"contact","outcome":"reached")"));
  CHECK(d.rejected.at(0).reason == "missing field 'channel' (required on kind contact)");
  d = DecodeOnce(Checkin(R"("kind":"contact","channel":"email","outcome":"reached")"));
  CHECK(d.rejected.at(0).reason == "'channel' is not one of: phone sms wechat visit");
  d = DecodeOnce(Checkin(R"("kind":"hospital_visit","outcome":"maybe")"));
  CHECK(d.rejected.at(0).reason == "'outcome' is not one of: confirmed ruled_out");
}
