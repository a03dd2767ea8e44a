// Decoding of native petition events (src/decode/petition.cpp).
#include <catch2/catch.hpp>

#include <string>

#include "careloop/decode/event_decoder.h"
#include "decode/decode_fixture.h"

using careloop::decode::Decoded;
using careloop::decode::EventType;
using careloop::decode::testing::DecodeOnce;

namespace {

// A petition with type, event_id, occurred_at and `rest` (JSON members).
std::string Petition(std::string_view rest) {
  return R"({"type":"petition","event_id":"plat-99120","occurred_at":"2026-04-12T11:00:00+08:00",)" +
         std::string(rest) + "}";
}

constexpr const char* kIds = R"("petition_id":"P-2026-000045","worker_id":"W0012345")";

}  // namespace

TEST_CASE("the contract petition example", "[unit]") {
  Decoded d = DecodeOnce(
      R"({"type":"petition","event_id":"plat-99120","petition_id":"P-2026-000045","worker_id":"W0012345",
 "occurred_at":"2026-04-12T11:00:00+08:00","source":"union-app","action":"submitted",
 "channel":"app","category":"facility","weight":"routine","summary":"rest station needs first-aid kit"})");
  REQUIRE(d.usable);
  CHECK(d.type == EventType::kPetition);
  CHECK(d.rejected.empty());
  const careloop::Petition& p = d.petition;
  CHECK(p.event_id == "plat-99120");
  CHECK(p.petition_id == "P-2026-000045");
  CHECK(p.worker_id == "W0012345");
  CHECK(p.occurred_at == *careloop::ParseRfc3339("2026-04-12T03:00:00Z"));
  CHECK(p.source == "union-app");
  CHECK(p.action == "submitted");
  CHECK(p.channel == "app");
  CHECK(p.category == "facility");
  CHECK(p.weight == "routine");
  CHECK(p.summary == "rest station needs first-aid kit");
  CHECK(p.handler.empty());
  CHECK_FALSE(p.urgent);
}

TEST_CASE("petitions: every action, optional fields, no worker", "[unit]") {
  for (const char* action : {"submitted", "accepted", "assigned", "responded", "resolved", "closed",
                             "reopened", "withdrawn", "visited", "assisted", "not_eligible"}) {
    INFO(action);
    Decoded d = DecodeOnce(Petition(std::string(kIds) + R"(,"action":")" + action + "\""));
    REQUIRE(d.usable);
    CHECK(d.petition.action == action);
    CHECK(d.petition.weight.empty());  // not sent: the engine keeps the earlier or routine
  }
  Decoded d = DecodeOnce(Petition(
      R"("petition_id":"P-1","action":"assisted","urgent":true,"handler":"S-3","weight":"major",)"
      R"("category":"hardship","channel":"meeting")"));
  REQUIRE(d.usable);
  CHECK(d.petition.worker_id.empty());
  CHECK(d.worker_id.empty());
  CHECK(d.petition.urgent);
  CHECK(d.petition.handler == "S-3");
  CHECK(d.petition.weight == "major");
  CHECK(d.petition.category == "hardship");
  CHECK(d.petition.channel == "meeting");
  d = DecodeOnce(Petition(R"("petition_id":"P-1","action":"assisted","urgent":false)"));
  REQUIRE(d.usable);
  CHECK_FALSE(d.petition.urgent);
}

TEST_CASE("malformed petitions are rejected with a reason code", "[unit]") {
  struct Case {
    const char* name;
    std::string json;
    const char* code;
  };
  const std::string ids = kIds;
  const Case cases[] = {
      {"no worker and no petition_id", Petition(R"("action":"submitted")"), "missing_field"},
      {"worker but no petition_id", Petition(R"("worker_id":"W1","action":"submitted")"),
       "missing_field"},
      {"empty petition_id", Petition(R"("petition_id":"","action":"submitted")"), "missing_field"},
      {"numeric petition_id", Petition(R"("petition_id":45,"action":"submitted")"),
       "invalid_field"},
      {"worker_id not a string", Petition(R"("petition_id":"P","worker_id":1,"action":"closed")"),
       "invalid_field"},
      {"missing action", Petition(ids), "missing_field"},
      {"unknown action", Petition(ids + R"(,"action":"approved")"), "unknown_action"},
      {"action not a string", Petition(ids + R"(,"action":true)"), "invalid_field"},
      {"unknown channel", Petition(ids + R"(,"action":"submitted","channel":"fax")"),
       "invalid_field"},
      {"unknown category", Petition(ids + R"(,"action":"submitted","category":"parking")"),
       "invalid_field"},
      {"unknown weight", Petition(ids + R"(,"action":"submitted","weight":"urgent")"),
       "invalid_field"},
      {"weight not a string", Petition(ids + R"(,"action":"submitted","weight":2)"),
       "invalid_field"},
      {"urgent as a string", Petition(ids + R"(,"action":"assisted","urgent":"yes")"),
       "invalid_field"},
      {"urgent null", Petition(ids + R"(,"action":"assisted","urgent":null)"), "invalid_field"},
      {"empty handler", Petition(ids + R"(,"action":"accepted","handler":"")"), "invalid_field"},
      {"summary not a string", Petition(ids + R"(,"action":"submitted","summary":{"t":"x"})"),
       "invalid_field"},
      {"summary too long",
       Petition(ids + R"(,"action":"submitted","summary":")" + std::string(4001, 's') + "\""),
       "invalid_field"},
      {"duplicate action", Petition(ids + R"(,"action":"submitted","action":"closed")"),
       "duplicate_key"},
      {"missing occurred_at",
       R"({"type":"petition","event_id":"e","petition_id":"P","action":"submitted"})",
       "missing_field"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    Decoded d = DecodeOnce(c.json);
    CHECK_FALSE(d.usable);
    CHECK(d.type == EventType::kPetition);
    REQUIRE(d.rejected.size() == 1);
    CHECK(d.rejected[0].reason_code == c.code);
    CHECK(d.rejected[0].index == -1);
    CHECK(d.rejected[0].payload == c.json);
  }
}

TEST_CASE("petition reasons name the field, never the summary", "[unit]") {
  Decoded d = DecodeOnce(Petition(R"("action":"submitted","summary":"my secret")"));
  CHECK(d.rejected.at(0).reason == "missing field 'petition_id'");
  d = DecodeOnce(Petition(std::string(kIds) + R"(,"action":"approved","summary":"my secret")"));
  CHECK(d.rejected.at(0).reason ==
        "'action' is not one of: submitted accepted assigned responded resolved closed reopened "
        "withdrawn visited assisted not_eligible");
  CHECK(d.rejected.at(0).reason.find("secret") == std::string::npos);
}
