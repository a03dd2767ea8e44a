// The health follow-up through replay (event time): notifications on entry, deadlines
// and escalations exactly as workflows.md says, referrals only after acceptance.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "support/replay_fixture.h"

using careloop::testing::OutRecord;
using careloop::testing::ReplayFixture;

namespace {

std::string Lab(const std::string& id, const std::string& worker, const std::string& at,
                const std::string& results, const std::string& exam = "") {
  return fmt::format(
             R"({{"type":"lab_result","event_id":"{}","worker_id":"{}","occurred_at":"{}","source":"van-03"{},"results":[{}]}})",
             id, worker, at, exam.empty() ? "" : fmt::format(R"(,"exam_id":"{}")", exam), results) +
         "\n";
}

std::string Checkin(const std::string& id, const std::string& worker, const std::string& at,
                    const std::string& kind, const std::string& extra = "") {
  return fmt::format(
             R"({{"type":"checkin","event_id":"{}","worker_id":"{}","occurred_at":"{}","source":"followup-app","kind":"{}"{}}})",
             id, worker, at, kind, extra) +
         "\n";
}

careloop::TimeMs T(const char* rfc3339) { return *careloop::ParseRfc3339(rfc3339); }

std::vector<OutRecord> Of(const std::vector<OutRecord>& v, const std::string& topic) {
  return ReplayFixture::Of(v, topic);
}

}  // namespace

TEST_CASE("Red: phone at once; unanswered, level 1 at 60 min with SMS and WeChat, level 2 at 4 h",
          "[unit]") {
  ReplayFixture f;
  auto out = f.Feed(Lab("e1", "W1", "2026-04-12T09:00:00+08:00",
                        R"({"test":"TG","value":6.0,"unit":"mmol/L"})", "X1"),
                    T("2026-04-13T00:00:00Z"));
  auto notes = Of(out, "notifications");
  REQUIRE(notes.size() == 3);
  CHECK(notes[0].Str("template") == "red_contact");
  CHECK(notes[0].Str("channel") == "phone");
  CHECK(notes[0].Str("emitted_at") == "2026-04-12T01:00:00Z");
  CHECK(notes[1].Str("channel") == "sms");
  CHECK(notes[1].Str("emitted_at") == "2026-04-12T02:00:00Z");
  CHECK(notes[2].Str("channel") == "wechat");
  auto esc = Of(out, "escalations");
  REQUIRE(esc.size() == 2);
  CHECK(esc[0].Str("workflow") == "health_followup");
  CHECK(esc[0].Str("stage") == "first_contact");
  CHECK(esc[0].v()["level"].GetInt() == 1);
  CHECK(esc[0].Str("due_at") == "2026-04-12T02:00:00Z");
  CHECK(esc[0].Str("emitted_at") == "2026-04-12T02:00:00Z");
  CHECK(esc[0].v()["overdue_seconds"].GetInt64() == 0);
  CHECK(esc[1].v()["level"].GetInt() == 2);
  CHECK(esc[1].Str("emitted_at") == "2026-04-12T05:00:00Z");
  CHECK(esc[1].v()["overdue_seconds"].GetInt64() == 3 * 3600);
  CHECK(esc[0].Str("case_id") == Of(out, "alerts")[0].Str("case_id"));
}

TEST_CASE("Red reached in time: the clock stops, no escalation ever", "[unit]") {
  ReplayFixture f;
  f.Feed(Lab("e1", "W1", "2026-04-12T09:00:00+08:00", R"({"test":"SBP","value":182,"unit":"mmHg"})",
             "X1"));
  auto out = f.Feed(Checkin("c1", "W1", "2026-04-12T09:25:00+08:00", "contact",
                            R"(,"channel":"phone","outcome":"reached","staff_id":"S07")"),
                    T("2026-12-31T00:00:00Z"));
  CHECK(Of(out, "escalations").empty());
  CHECK(Of(out, "notifications").empty());
}

TEST_CASE("Critical red: level 1 at 30 min naming the staff who holds the case, level 2 at 2 h",
          "[unit]") {
  ReplayFixture f;
  f.Feed(
      Lab("e1", "W1", "2026-04-12T08:00:00Z", R"({"test":"K","value":2.5,"unit":"mmol/L"})", "X1"));
  auto mid = f.Feed(Checkin("c1", "W1", "2026-04-12T08:10:00Z", "contact",
                            R"(,"channel":"phone","outcome":"unreachable","staff_id":"S07")"));
  CHECK(Of(mid, "escalations").empty());
  auto out = f.Feed("", T("2026-04-12T12:00:00Z"));
  auto esc = Of(out, "escalations");
  REQUIRE(esc.size() == 2);
  CHECK(esc[0].Str("emitted_at") == "2026-04-12T08:30:00Z");
  CHECK(esc[0].Str("responsible") == "S07");
  CHECK(esc[1].Str("emitted_at") == "2026-04-12T10:00:00Z");
}

TEST_CASE("Three unreachable contacts: case unreachable, escalated", "[unit]") {
  ReplayFixture f;
  std::string in =
      Lab("e1", "W1", "2026-04-12T08:00:00Z", R"({"test":"TG","value":6.0,"unit":"mmol/L"})", "X1");
  for (int i = 1; i <= 3; ++i) {
    in += Checkin(fmt::format("c{}", i), "W1", fmt::format("2026-04-12T08:{:02}:00Z", 10 * i),
                  "contact", R"(,"channel":"phone","outcome":"unreachable","staff_id":"S07")");
  }
  auto out = f.Feed(in, T("2026-04-13T00:00:00Z"));
  auto esc = Of(out, "escalations");
  REQUIRE(esc.size() == 1);  // the first-contact clock stopped when the case became unreachable
  CHECK(esc[0].Str("reason") == "unreachable");
  CHECK(esc[0].Str("current_stage") == "unreachable");
  CHECK(esc[0].Str("emitted_at") == "2026-04-12T08:30:00Z");
}

TEST_CASE("Green channel: three channels at once, referral only on acceptance, as FHIR", "[unit]") {
  ReplayFixture f;
  auto out = f.Feed(Lab("e1", "W0012345", "2026-04-12T09:13:22+08:00",
                        R"({"loinc":"1834-1","value":486,"unit":"ng/mL"})", "X1"));
  auto notes = Of(out, "notifications");
  REQUIRE(notes.size() == 3);
  for (const auto& n : notes) CHECK(n.Str("template") == "green_channel");
  CHECK(Of(out, "referrals").empty());
  f.Feed(Checkin("c1", "W0012345", "2026-04-12T09:20:00+08:00", "contact",
                 R"(,"channel":"phone","outcome":"reached")"));
  auto acc = f.Feed(Checkin("c2", "W0012345", "2026-04-12T09:30:00+08:00", "referral_accepted",
                            R"(,"hospital":"Chongqing Tertiary No. 1")"));
  auto refs = Of(acc, "referrals");
  REQUIRE(refs.size() == 1);
  const auto& r = refs[0].v()["resource"];
  CHECK(std::string(r["resourceType"].GetString()) == "ServiceRequest");
  CHECK(std::string(r["priority"].GetString()) == "urgent");
  CHECK(std::string(r["intent"].GetString()) == "order");
  CHECK(std::string(r["subject"]["identifier"]["value"].GetString()) == "W0012345");
  CHECK(std::string(r["reasonCode"][0]["coding"][0]["code"].GetString()) == "1834-1");
  CHECK(std::string(r["reasonCode"][0]["coding"][0]["system"].GetString()) == "http://loinc.org");
  CHECK(r["contained"][0]["valueQuantity"]["value"].GetDouble() == 486);
  CHECK(std::string(r["reasonReference"][0]["reference"].GetString()) == "#obs1");
  // Not seen at the hospital within 7 days of acceptance: escalated.
  auto later = f.Feed("", T("2026-04-20T00:00:00Z"));
  auto esc = Of(later, "escalations");
  REQUIRE(esc.size() == 1);
  CHECK(esc[0].Str("stage") == "hospital_visit");
  CHECK(esc[0].Str("emitted_at") == "2026-04-19T01:30:00Z");
}

TEST_CASE("Yellow: invitation, reminder at 90 days, escalation at 104 — unless re-checked",
          "[unit]") {
  ReplayFixture f;
  auto out = f.Feed(
      Lab("e1", "W1", "2026-01-01T00:00:00Z", R"({"test":"SBP","value":150,"unit":"mmHg"})", "X1"),
      T("2026-06-01T00:00:00Z"));
  auto notes = Of(out, "notifications");
  REQUIRE(notes.size() == 2);
  CHECK(notes[0].Str("template") == "recheck_invitation");
  CHECK(notes[1].Str("template") == "recheck_reminder");
  CHECK(notes[1].Str("emitted_at") == "2026-04-01T00:00:00Z");
  auto esc = Of(out, "escalations");
  REQUIRE(esc.size() == 1);
  CHECK(esc[0].Str("stage") == "recheck");
  CHECK(esc[0].Str("emitted_at") == "2026-04-15T00:00:00Z");
  CHECK(esc[0].Str("due_at") == "2026-04-01T00:00:00Z");

  ReplayFixture g;
  g.Feed(
      Lab("e1", "W1", "2026-01-01T00:00:00Z", R"({"test":"SBP","value":150,"unit":"mmHg"})", "X1"));
  auto re = g.Feed(
      Lab("e2", "W1", "2026-03-01T00:00:00Z", R"({"test":"SBP","value":148,"unit":"mmHg"})", "X2"),
      T("2026-04-20T00:00:00Z"));
  CHECK(Of(re, "escalations").empty());
  CHECK(Of(re, "notifications").empty());
}

TEST_CASE("Green: education once, re-exam reminder a year on, never escalated", "[unit]") {
  ReplayFixture f;
  auto out = f.Feed(
      Lab("e1", "W1", "2026-01-01T00:00:00Z", R"({"test":"BMI","value":25,"unit":"kg/m2"})", "X1"),
      T("2027-02-01T00:00:00Z"));
  auto notes = Of(out, "notifications");
  REQUIRE(notes.size() == 2);
  CHECK(notes[0].Str("template") == "education");
  CHECK(notes[1].Str("template") == "reexam_reminder");
  CHECK(notes[1].Str("emitted_at") == "2027-01-01T00:00:00Z");
  CHECK(Of(out, "escalations").empty());
}

TEST_CASE("Results promise: exam done and no results within 3 days escalates", "[unit]") {
  ReplayFixture f;
  auto out = f.Feed(Checkin("d1", "W1", "2026-04-01T08:00:00Z", "exam_done", R"(,"exam_id":"X9")"),
                    T("2026-04-05T00:00:00Z"));
  auto esc = Of(out, "escalations");
  REQUIRE(esc.size() == 1);
  CHECK(esc[0].Str("workflow") == "health_followup");
  CHECK(esc[0].Str("stage") == "results");
  CHECK(esc[0].Str("exam_id") == "X9");
  CHECK(esc[0].Str("emitted_at") == "2026-04-04T08:00:00Z");

  ReplayFixture g;
  g.Feed(Checkin("d1", "W1", "2026-04-01T08:00:00Z", "exam_done", R"(,"exam_id":"X9")"));
  auto ok = g.Feed(
      Lab("e1", "W1", "2026-04-02T08:00:00Z", R"({"test":"TG","value":1.0,"unit":"mmol/L"})", "X9"),
      T("2026-05-01T00:00:00Z"));
  CHECK(Of(ok, "escalations").empty());
}

TEST_CASE("Tier none closes the case and cancels its deadlines", "[unit]") {
  ReplayFixture f;
  f.Feed(Lab("e1", "W1", "2026-01-01T00:00:00Z", R"({"test":"TG","value":6.0,"unit":"mmol/L"})",
             "X1"));
  auto out = f.Feed(Lab("e2", "W1", "2026-01-01T00:20:00Z",
                        R"({"test":"TG","value":1.0,"unit":"mmol/L"})", "X1b"),
                    T("2026-12-01T00:00:00Z"));
  auto alerts = Of(out, "alerts");
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0].Str("tier") == "none");
  CHECK(Of(out, "escalations").empty());
}

TEST_CASE("Check-ins find their case: by id, else the most urgent open one, else the file",
          "[unit]") {
  ReplayFixture f;
  auto out = f.Feed(
      Lab("e1", "W1", "2026-01-01T00:00:00Z",
          R"({"test":"TG","value":2.5,"unit":"mmol/L"},{"test":"SBP","value":185,"unit":"mmHg"})",
          "X1"));
  std::string red_case;
  for (const auto& a : Of(out, "alerts")) {
    if (a.Str("tier") == "red") red_case = a.Str("case_id");
  }
  REQUIRE(!red_case.empty());
  // No case_id: the red (most urgent) case is reached, so no escalation follows.
  auto later = f.Feed(Checkin("c1", "W1", "2026-01-01T00:10:00Z", "contact",
                              R"(,"channel":"phone","outcome":"reached")"),
                      T("2026-01-02T00:00:00Z"));
  CHECK(Of(later, "escalations").empty());
  // A check-in for a worker with no case is recorded only.
  CHECK(
      f.Feed(Checkin("c2", "W2", "2026-01-02T00:10:00Z", "followup", R"(,"status":"ok")")).empty());
  // An unknown case id is recorded only (and changes nothing).
  CHECK(f.Feed(Checkin("c3", "W1", "2026-01-02T00:20:00Z", "treatment_started",
                       R"(,"case_id":"c-nope")"))
            .empty());
}

TEST_CASE("No notification carries a test value, finding or diagnosis", "[unit]") {
  ReplayFixture f;
  std::string in = Lab(
      "e1", "W1", "2026-01-01T00:00:00Z",
      R"({"test":"AFP","value":486.25,"unit":"ng/mL"},{"test":"LIVER_US","finding":"mass"},{"test":"SBP","value":187.5,"unit":"mmHg"})",
      "X1");
  in += Checkin("c1", "W1", "2026-01-01T00:30:00Z", "hospital_visit",
                R"(,"outcome":"confirmed","diagnosis":"hepatocellular carcinoma")");
  auto out = f.Feed(in, T("2027-06-01T00:00:00Z"));
  auto notes = Of(out, "notifications");
  REQUIRE(notes.size() >= 4);
  for (const auto& n : notes) {
    INFO(n.raw);
    for (const char* banned :
         {"486", "187", "mass", "carcinoma", "AFP", "value", "finding", "diagnosis"}) {
      CHECK(n.raw.find(banned) == std::string::npos);
    }
  }
}
