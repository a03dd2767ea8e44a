// The processing core through replay with the shipped config: cases, tiers, alerts.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <sstream>

#include "support/replay_fixture.h"

using careloop::testing::OutRecord;
using careloop::testing::ReplayFixture;

namespace {

// A lab_result line with the given results JSON.
std::string Lab(const std::string& event_id, const std::string& worker, const std::string& at,
                const std::string& results, const std::string& exam = "") {
  return fmt::format(
             R"({{"type":"lab_result","event_id":"{}","worker_id":"{}","occurred_at":"{}","source":"van-03"{},"results":[{}]}})",
             event_id, worker, at, exam.empty() ? "" : fmt::format(R"(,"exam_id":"{}")", exam),
             results) +
         "\n";
}

// Only the alerts of a Feed (notifications and other workflow records are tested apart).
std::vector<OutRecord> A(const std::vector<OutRecord>& out) {
  return ReplayFixture::Of(out, "alerts");
}

const OutRecord* AlertFor(const std::vector<OutRecord>& out, const std::string& condition) {
  for (const auto& r : out) {
    if (r.topic == "alerts" && r.Str("condition") == condition) return &r;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("The contract's example report opens a case per abnormal condition", "[unit]") {
  ReplayFixture f;
  auto out = f.Feed(
      R"({"type":"lab_result","event_id":"cq03-20260412-0001","worker_id":"W0012345",)"
      R"("occurred_at":"2026-04-12T09:13:22+08:00","source":"cq-yjp-van-03","exam_id":"X20260412-0456",)"
      R"("results":[{"test":"TG","value":2.91,"unit":"mmol/L"},{"test":"SBP","value":186,"unit":"mm[Hg]"},)"
      R"({"test":"DBP","value":112,"unit":"mm[Hg]"},{"loinc":"1834-1","value":486,"unit":"ng/mL"},)"
      R"({"test":"LIVER_US","finding":"moderate"}]})"
      "\n");
  auto alerts = ReplayFixture::Of(out, "alerts");
  REQUIRE(alerts.size() == 4);
  const OutRecord* lipids = AlertFor(out, "lipids");
  REQUIRE(lipids);
  CHECK(lipids->Str("tier") == "yellow");
  CHECK(lipids->Str("previous_tier") == "none");
  CHECK(lipids->Str("worker_id") == "W0012345");
  CHECK(lipids->key == "W0012345");
  CHECK(lipids->Str("cause_event_id") == "cq03-20260412-0001");
  CHECK(lipids->Str("rules_version") == f.rules().version());
  CHECK(lipids->Str("emitted_at") == "2026-04-12T01:13:22Z");
  CHECK(lipids->Str("due_at") == "2026-07-11T01:13:22Z");  // 90 days: re-check

  const OutRecord* bp = AlertFor(out, "blood_pressure");
  REQUIRE(bp);
  CHECK(bp->Str("tier") == "red");
  CHECK(bp->Str("urgency") == "critical");
  CHECK(bp->Str("due_at") == "2026-04-12T01:43:22Z");  // critical: 30 minutes
  CHECK_FALSE(bp->v()["green_channel"].GetBool());

  const OutRecord* afp = AlertFor(out, "tumour_marker");
  REQUIRE(afp);
  CHECK(afp->Str("tier") == "red");
  CHECK(afp->v()["green_channel"].GetBool());
  CHECK(afp->v()["findings"][0]["test"].GetString() == std::string("AFP"));
  CHECK(afp->v()["findings"][0]["value"].GetDouble() == 486);

  const OutRecord* liver = AlertFor(out, "liver");
  REQUIRE(liver);
  CHECK(liver->Str("tier") == "yellow");

  auto red = ReplayFixture::Of(out, "alerts.red");
  REQUIRE(red.size() == 2);
  for (const auto& r : red) {
    CHECK(r.Str("tier") == "red");
    bool same = false;
    for (const auto& a : alerts) same = same || (a.raw == r.raw);
    CHECK(same);  // alerts.red carries the same records
  }
  CHECK(ReplayFixture::Of(out, "dead-letter").empty());
}

TEST_CASE("A duplicate event, or an unchanged result, emits nothing", "[unit]") {
  ReplayFixture f;
  std::string e1 = Lab("e1", "W1", "2026-04-12T09:00:00+08:00",
                       R"({"test":"TG","value":2.5,"unit":"mmol/L"})", "X1");
  CHECK(A(f.Feed(e1)).size() == 1);
  CHECK(f.Feed(e1).empty());  // same event_id: nothing at all
  // A new event with the same tier (another exam) changes no tier: nothing.
  CHECK(A(f.Feed(Lab("e2", "W1", "2026-05-12T09:00:00+08:00",
                     R"({"test":"TG","value":2.6,"unit":"mmol/L"})", "X2")))
            .empty());
}

TEST_CASE("Tier moves up, down, to none (closing the case), and a new case opens", "[unit]") {
  ReplayFixture f;
  auto a1 = A(f.Feed(Lab("e1", "W1", "2026-01-01T08:00:00Z",
                         R"({"test":"SBP","value":150,"unit":"mmHg"})", "X1")));
  REQUIRE(a1.size() == 1);
  std::string case1 = a1[0].Str("case_id");
  CHECK(a1[0].Str("tier") == "yellow");

  auto out2 = f.Feed(
      Lab("e2", "W1", "2026-02-01T08:00:00Z", R"({"test":"SBP","value":182,"unit":"mmHg"})", "X2"));
  auto a2 = A(out2);
  REQUIRE(a2.size() == 1);
  CHECK(a2[0].Str("tier") == "red");
  CHECK(a2[0].Str("previous_tier") == "yellow");
  CHECK(a2[0].Str("case_id") == case1);
  CHECK(ReplayFixture::Of(out2, "alerts.red").size() == 1);

  auto a3 = A(f.Feed(Lab("e3", "W1", "2026-03-01T08:00:00Z",
                         R"({"test":"SBP","value":125,"unit":"mmHg"})", "X3")));
  REQUIRE(a3.size() == 1);
  CHECK(a3[0].Str("tier") == "green");
  CHECK(a3[0].Str("previous_tier") == "red");

  auto a4 = A(f.Feed(Lab("e4", "W1", "2026-04-01T08:00:00Z",
                         R"({"test":"SBP","value":110,"unit":"mmHg"})", "X4")));
  REQUIRE(a4.size() == 1);
  CHECK(a4[0].Str("tier") == "none");
  CHECK(a4[0].Str("case_status") == "closed");
  CHECK(a4[0].v()["due_at"].IsNull());

  // Normal again: no open case, nothing to say.
  CHECK(A(f.Feed(Lab("e5", "W1", "2026-05-01T08:00:00Z",
                     R"({"test":"SBP","value":112,"unit":"mmHg"})", "X5")))
            .empty());

  auto a6 = A(f.Feed(
      Lab("e6", "W1", "2026-06-01T08:00:00Z", R"({"test":"DBP","value":95,"unit":"mmHg"})", "X6")));
  REQUIRE(a6.size() == 1);
  CHECK(a6[0].Str("tier") == "yellow");
  CHECK(a6[0].Str("case_id") != case1);  // a new case
}

TEST_CASE("A case's tier is the highest of the latest result of each of its tests", "[unit]") {
  ReplayFixture f;
  auto a = A(f.Feed(
      Lab("e1", "W1", "2026-01-01T08:00:00Z",
          R"({"test":"TG","value":2.4,"unit":"mmol/L"},{"test":"TC","value":5.3,"unit":"mmol/L"})",
          "X1")));
  REQUIRE(a.size() == 1);
  CHECK(a[0].Str("tier") == "yellow");
  // TG normal now, TC still green: the case goes to green, not closed.
  auto b = A(f.Feed(Lab("e2", "W1", "2026-02-01T08:00:00Z",
                        R"({"test":"TG","value":1.2,"unit":"mmol/L"})", "X2")));
  REQUIRE(b.size() == 1);
  CHECK(b[0].Str("tier") == "green");
  CHECK(b[0].Str("case_status") == "open");
}

TEST_CASE("Corrections replace the same exam's result; preliminary results raise nothing",
          "[unit]") {
  ReplayFixture f;
  CHECK(f.Feed(Lab("p1", "W1", "2026-01-01T08:00:00Z",
                   R"({"test":"K","value":2.5,"unit":"mmol/L","status":"preliminary"})", "X1"))
            .empty());  // stored, raises nothing
  auto fin = A(f.Feed(Lab("f1", "W1", "2026-01-01T09:00:00Z",
                          R"({"test":"K","value":2.5,"unit":"mmol/L"})", "X1")));
  REQUIRE(fin.size() == 1);
  CHECK(fin[0].Str("tier") == "red");
  CHECK(fin[0].Str("urgency") == "critical");
  // Corrected to a normal value, same exam: the case closes.
  auto cor =
      A(f.Feed(Lab("c1", "W1", "2026-01-01T10:00:00Z",
                   R"({"test":"K","value":4.1,"unit":"mmol/L","status":"corrected"})", "X1")));
  REQUIRE(cor.size() == 1);
  CHECK(cor[0].Str("tier") == "none");
  // A correction with the same value as held: nothing new.
  CHECK(A(f.Feed(Lab("c2", "W1", "2026-01-01T11:00:00Z",
                     R"({"test":"K","value":4.1,"unit":"mmol/L","status":"corrected"})", "X1")))
            .empty());
}

TEST_CASE("A result from an exam older than the one held does not move the tier", "[unit]") {
  ReplayFixture f;
  REQUIRE(A(f.Feed(Lab("new", "W1", "2026-03-01T08:00:00Z",
                       R"({"test":"HGB","value":100,"unit":"g/L"})", "X2")))
              .size() == 1);
  CHECK(A(f.Feed(Lab("old", "W1", "2026-01-01T08:00:00Z",
                     R"({"test":"HGB","value":55,"unit":"g/L"})", "X1")))
            .empty());
}

TEST_CASE("The stomach rule needs PG1 and the PG ratio from one exam", "[unit]") {
  ReplayFixture f;
  CHECK(A(f.Feed(Lab("s1", "W1", "2026-01-01T08:00:00Z",
                     R"({"test":"PG1","value":60,"unit":"ng/mL"})", "X1")))
            .empty());
  CHECK(
      A(f.Feed(Lab("s2", "W1", "2026-01-02T08:00:00Z", R"({"test":"PG_RATIO","value":2.5})", "X2")))
          .empty());
  auto both = A(f.Feed(
      Lab("s3", "W2", "2026-01-01T08:00:00Z",
          R"({"test":"PG1","value":70,"unit":"ng/mL"},{"test":"PG_RATIO","value":3.0})", "X3")));
  REQUIRE(both.size() == 1);
  CHECK(both[0].Str("tier") == "yellow");
  CHECK(both[0].Str("condition") == "stomach");
  CHECK(both[0].v()["rule_ids"].Size() == 1);
}

TEST_CASE("Units convert before rules: mg/dL and IU/mL", "[unit]") {
  ReplayFixture f;
  // 500 mg/dL TG = 5.645 mmol/L: yellow, not red.
  auto a = A(f.Feed(Lab("u1", "W1", "2026-01-01T08:00:00Z",
                        R"({"test":"TG","value":500,"unit":"mg/dL"})", "X1")));
  REQUIRE(a.size() == 1);
  CHECK(a[0].Str("tier") == "yellow");
  CHECK(a[0].v()["findings"][0]["unit"].GetString() == std::string("mmol/L"));
  // AFP 331 IU/mL = 400.51 ng/mL: green channel.
  auto b = A(f.Feed(Lab("u2", "W2", "2026-01-01T08:00:00Z",
                        R"({"test":"AFP","value":331,"unit":"IU/mL"})", "X2")));
  REQUIRE(ReplayFixture::Of(b, "alerts").size() == 1);
  CHECK(b[0].v()["green_channel"].GetBool());
  // GLU 50.4 mg/dL = 2.8 mmol/L exactly at the red boundary.
  auto c = A(f.Feed(Lab("u3", "W3", "2026-01-01T08:00:00Z",
                        R"({"test":"GLU","value":50.4,"unit":"mg/dL"})", "X3")));
  REQUIRE(!c.empty());
  CHECK(c[0].Str("tier") == "red");
}

TEST_CASE("Bad results go to dead-letter; the good parts of the same report are used", "[unit]") {
  ReplayFixture f;
  auto out = f.Feed(Lab(
      "b1", "W1", "2026-01-01T08:00:00Z",
      R"({"test":"TG","value":2.5,"unit":"g/L"},{"test":"SBP","value":150,"unit":"mmHg"},{"test":"XYZ","value":1})",
      "X1"));
  auto dl = ReplayFixture::Of(out, "dead-letter");
  REQUIRE(dl.size() == 2);
  CHECK(dl[0].Str("reason_code") == "unknown_unit");
  CHECK(dl[0].v()["item_index"].GetInt() == 0);
  CHECK(dl[0].Str("source_topic") == "lab-results");
  CHECK(dl[0].Str("cause_event_id") == "b1");
  CHECK(dl[1].Str("reason_code") == "unknown_test");
  auto alerts = ReplayFixture::Of(out, "alerts");
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0].Str("condition") == "blood_pressure");
  // The same report again is a duplicate: no second dead-letter.
  CHECK(
      f
          .Feed(Lab(
              "b1", "W1", "2026-01-01T08:00:00Z",
              R"({"test":"TG","value":2.5,"unit":"g/L"},{"test":"SBP","value":150,"unit":"mmHg"},{"test":"XYZ","value":1})",
              "X1"))
          .empty());
}

TEST_CASE("Whole-message faults go to dead-letter with the payload and never stop the stream",
          "[unit]") {
  ReplayFixture f;
  auto out = f.Feed(
      std::string("this is not json\n") + "[1,2]\n" +
      R"({"type":"lab_result","event_id":"x1","occurred_at":"2026-01-01T08:00:00Z","results":[{"test":"TG","value":3,"unit":"mmol/L"}]})"
      "\n" +
      Lab("ok1", "W9", "2026-01-01T08:00:00Z", R"({"test":"TG","value":3,"unit":"mmol/L"})"));
  auto dl = ReplayFixture::Of(out, "dead-letter");
  REQUIRE(dl.size() == 3);
  CHECK(dl[0].Str("reason_code") == "not_json");
  CHECK(dl[0].Str("payload") == "this is not json");
  CHECK(dl[0].v()["offset"].GetInt64() == 1);
  CHECK(dl[1].Str("reason_code") == "not_object");
  CHECK(dl[2].Str("reason_code") == "missing_field");
  CHECK(dl[2].Str("cause_event_id") == "x1");
  CHECK(ReplayFixture::Of(out, "alerts").size() == 1);
}

TEST_CASE("Replay output is byte-identical on two runs", "[unit]") {
  std::string in;
  for (int i = 0; i < 200; ++i) {
    in += Lab(
        fmt::format("e{}", i), fmt::format("W{}", i % 37),
        fmt::format("2026-01-{:02}T08:00:00Z", 1 + i % 28),
        fmt::format(
            R"({{"test":"TG","value":{},"unit":"mmol/L"}},{{"test":"SBP","value":{},"unit":"mmHg"}})",
            1.0 + (i * 7 % 60) / 10.0, 100 + i * 13 % 100),
        fmt::format("X{}", i));
    if (i % 17 == 0) in += "garbage line\n";
  }
  std::string a = ReplayFixture::ReplayText(in);
  std::string b = ReplayFixture::ReplayText(in);
  CHECK(!a.empty());
  if (a != b) {  // show the first line that differs
    std::istringstream sa(a), sb(b);
    std::string la, lb;
    while (std::getline(sa, la) && std::getline(sb, lb) && la == lb) {
    }
    INFO("first difference:\n" << la << "\n" << lb);
    CHECK(a == b);
  }
}
