// Petitions and hardship assistance through replay: deadlines of workflows.md §2–3, the
// first receiver named, auto-close without escalation, out-of-order events kept.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "careloop/engine/petition_stats.h"
#include "careloop/state/worker_file.h"
#include "support/replay_fixture.h"

using careloop::testing::OutRecord;
using careloop::testing::ReplayFixture;

namespace {

std::string P(const std::string& id, const std::string& pid, const std::string& at,
              const std::string& action, const std::string& extra = "",
              const std::string& worker = "W1") {
  return fmt::format(
             R"({{"type":"petition","event_id":"{}","petition_id":"{}",{}"occurred_at":"{}","source":"union-app","action":"{}"{}}})",
             id, pid, worker.empty() ? "" : fmt::format(R"("worker_id":"{}",)", worker), at, action,
             extra) +
         "\n";
}

careloop::TimeMs T(const char* s) { return *careloop::ParseRfc3339(s); }

std::vector<OutRecord> Of(const std::vector<OutRecord>& v, const std::string& t) {
  return ReplayFixture::Of(v, t);
}

const std::string kSubmit =
    R"(,"channel":"app","category":"facility","weight":"routine","summary":"rest station needs first-aid kit")";

}  // namespace

TEST_CASE("A routine petition answered in time: no escalation, auto-closed after 7 days",
          "[unit]") {
  ReplayFixture f;
  std::string in = P("p1", "P-1", "2026-04-12T11:00:00+08:00", "submitted", kSubmit) +
                   P("p2", "P-1", "2026-04-12T15:00:00+08:00", "accepted", R"(,"handler":"H-li")") +
                   P("p3", "P-1", "2026-04-14T10:00:00+08:00", "responded", R"(,"handler":"H-li")");
  auto out = f.Feed(in, T("2026-06-01T00:00:00Z"));
  CHECK(Of(out, "escalations").empty());
  auto notes = Of(out, "notifications");
  // submitted, accepted, responded, closed (auto): the worker sees each stage change.
  REQUIRE(notes.size() == 4);
  for (const auto& n : notes) {
    CHECK(n.Str("template") == "petition_update");
    CHECK(n.raw.find("first-aid") == std::string::npos);  // no summary text
  }
  CHECK(notes[3].Str("stage") == "closed");
  CHECK(notes[3].Str("emitted_at") == "2026-04-21T02:00:00Z");
}

TEST_CASE("No acceptance within 24 h escalates; the first receiver is named after", "[unit]") {
  ReplayFixture f;
  auto a = f.Feed(P("p1", "P-2", "2026-04-01T00:00:00Z", "submitted", kSubmit),
                  T("2026-04-02T06:00:00Z"));
  auto esc = Of(a, "escalations");
  REQUIRE(esc.size() == 1);
  CHECK(esc[0].Str("workflow") == "petition");
  CHECK(esc[0].Str("stage") == "acceptance");
  CHECK(esc[0].Str("petition_id") == "P-2");
  CHECK(esc[0].Str("emitted_at") == "2026-04-02T00:00:00Z");
  CHECK(esc[0].v()["responsible"].IsNull());

  auto b = f.Feed(P("p2", "P-2", "2026-04-02T08:00:00Z", "accepted", R"(,"handler":"H-wang")") +
                      P("p3", "P-2", "2026-04-02T09:00:00Z", "accepted", R"(,"handler":"H-zhao")"),
                  T("2026-04-10T00:00:00Z"));
  auto esc2 = Of(b, "escalations");
  REQUIRE(esc2.size() == 2);  // response: level 1 at 3 days, level 2 at 6 days
  CHECK(esc2[0].Str("stage") == "response");
  CHECK(esc2[0].Str("responsible") == "H-wang");  // the first to accept stays responsible
  CHECK(esc2[0].Str("emitted_at") == "2026-04-05T08:00:00Z");
  CHECK(esc2[1].Str("emitted_at") == "2026-04-08T08:00:00Z");
  CHECK(esc2[1].v()["level"].GetInt() == 2);
}

TEST_CASE("A major petition has 90 days to respond", "[unit]") {
  ReplayFixture f;
  std::string in = P("p1", "P-3", "2026-01-01T00:00:00Z", "submitted",
                     R"(,"channel":"meeting","category":"wages","weight":"major")") +
                   P("p2", "P-3", "2026-01-01T10:00:00Z", "accepted", R"(,"handler":"H-chen")");
  auto out = f.Feed(in, T("2026-03-31T00:00:00Z"));
  CHECK(Of(out, "escalations").empty());
  auto later = f.Feed("", T("2026-04-02T00:00:00Z"));
  auto esc = Of(later, "escalations");
  REQUIRE(esc.size() == 1);
  CHECK(esc[0].Str("emitted_at") == "2026-04-01T10:00:00Z");
}

TEST_CASE("Out-of-order and impossible events are kept in the history, never crash", "[unit]") {
  ReplayFixture f;
  auto out = f.Feed(P("p1", "P-4", "2026-01-01T00:00:00Z", "responded", R"(,"handler":"H-li")"));
  CHECK(Of(out, "notifications").empty());
  CHECK(Of(out, "escalations").empty());
  auto bytes = f.store().GetEntity(careloop::state::EntityKind::kPetition, 0, "P-4");
  REQUIRE(bytes.ok());
  REQUIRE(bytes->has_value());
  auto pf = careloop::state::DecodePetitionFile(**bytes);
  REQUIRE(pf.ok());
  REQUIRE(!pf->history.empty());
  CHECK(pf->history.back().what == "ignored");
  CHECK(pf->history.back().note.find("responded") != std::string::npos);
  // Submitted afterwards: the petition starts properly.
  auto after = f.Feed(P("p2", "P-4", "2026-01-01T01:00:00Z", "submitted", kSubmit));
  CHECK(Of(after, "notifications").size() == 1);
}

TEST_CASE("Reopened goes back to work with a new response deadline; withdrawn closes", "[unit]") {
  ReplayFixture f;
  std::string in = P("p1", "P-5", "2026-01-01T00:00:00Z", "submitted", kSubmit) +
                   P("p2", "P-5", "2026-01-01T01:00:00Z", "accepted", R"(,"handler":"H-li")") +
                   P("p3", "P-5", "2026-01-02T00:00:00Z", "responded") +
                   P("p4", "P-5", "2026-01-03T00:00:00Z", "reopened");
  auto out = f.Feed(in, T("2026-01-06T12:00:00Z"));
  auto esc = Of(out, "escalations");
  REQUIRE(esc.size() == 1);
  CHECK(esc[0].Str("stage") == "response");
  CHECK(esc[0].Str("emitted_at") == "2026-01-06T00:00:00Z");
  auto w = f.Feed(P("p5", "P-5", "2026-01-07T00:00:00Z", "withdrawn"), T("2026-03-01T00:00:00Z"));
  CHECK(Of(w, "escalations").empty());
}

TEST_CASE("A petition with no worker is keyed by its id and tells nobody", "[unit]") {
  ReplayFixture f;
  auto out = f.Feed(P("p1", "P-6", "2026-01-01T00:00:00Z", "submitted", kSubmit, ""),
                    T("2026-01-03T00:00:00Z"));
  CHECK(Of(out, "notifications").empty());
  auto esc = Of(out, "escalations");
  REQUIRE(esc.size() == 2);
  CHECK(esc[0].key == "P-6");
}

TEST_CASE("Hardship: visit in 15 days, decision in 15 days, re-certification at 90", "[unit]") {
  ReplayFixture f;
  const std::string h = R"(,"channel":"station","category":"hardship")";
  auto a =
      f.Feed(P("h1", "H-1", "2026-01-01T00:00:00Z", "submitted", h), T("2026-01-20T00:00:00Z"));
  auto esc = Of(a, "escalations");
  REQUIRE(esc.size() == 1);
  CHECK(esc[0].Str("workflow") == "hardship");
  CHECK(esc[0].Str("stage") == "visit");
  CHECK(esc[0].Str("emitted_at") == "2026-01-16T00:00:00Z");
  auto b = f.Feed(P("h2", "H-1", "2026-01-21T00:00:00Z", "visited", R"(,"handler":"U-liu")") +
                      P("h3", "H-1", "2026-01-30T00:00:00Z", "assisted"),
                  T("2026-05-01T00:00:00Z"));
  CHECK(Of(b, "escalations").empty());
  bool reminder = false;
  for (const auto& n : Of(b, "notifications")) {
    if (n.Str("template") == "recertification_reminder") {
      reminder = true;
      CHECK(n.Str("emitted_at") == "2026-04-30T00:00:00Z");
    }
  }
  CHECK(reminder);
}

TEST_CASE("Hardship urgent relief first: the paperwork is due in 30 days", "[unit]") {
  ReplayFixture f;
  const std::string h = R"(,"channel":"hotline","category":"hardship")";
  auto out = f.Feed(
      P("h1", "H-2", "2026-01-01T00:00:00Z", "submitted", h) +
          P("h2", "H-2", "2026-01-02T00:00:00Z", "assisted", R"(,"urgent":true,"handler":"U-liu")"),
      T("2026-02-15T00:00:00Z"));
  auto esc = Of(out, "escalations");
  REQUIRE(esc.size() == 1);  // the visit deadline was replaced
  CHECK(esc[0].Str("stage") == "paperwork");
  CHECK(esc[0].Str("emitted_at") == "2026-02-01T00:00:00Z");
  ReplayFixture g;
  auto ok = g.Feed(P("h1", "H-3", "2026-01-01T00:00:00Z", "submitted", h) +
                       P("h2", "H-3", "2026-01-02T00:00:00Z", "assisted", R"(,"urgent":true)") +
                       P("h3", "H-3", "2026-01-20T00:00:00Z", "visited", R"(,"handler":"U-liu")"),
                   T("2026-03-01T00:00:00Z"));
  CHECK(Of(ok, "escalations").empty());
}

TEST_CASE("Petition figures are kept in state for dashboards", "[unit]") {
  ReplayFixture f;
  std::string in = P("p1", "P-1", "2026-04-01T00:00:00Z", "submitted", kSubmit) +
                   P("q1", "P-2", "2026-04-01T00:00:00Z", "submitted", kSubmit) +
                   P("p2", "P-1", "2026-04-01T05:00:00Z", "accepted", R"(,"handler":"H-li")") +
                   P("p3", "P-1", "2026-04-02T05:00:00Z", "responded") +
                   P("q2", "P-2", "2026-04-03T00:00:00Z", "accepted", R"(,"handler":"H-wang")") +
                   P("r1", "P-3", "2026-04-04T00:00:00Z", "submitted",
                     R"(,"channel":"hotline","category":"wages","weight":"routine")");
  f.Feed(in, T("2026-04-04T12:00:00Z"));
  auto text = f.store().GetMeta("stats/petitions");
  REQUIRE(text.ok());
  REQUIRE(text->has_value());
  auto s = careloop::engine::PetitionStats::Decode(**text);
  REQUIRE(s.ok());
  CHECK(s->submitted == 3);
  CHECK(s->accepted == 2);
  CHECK(s->accepted_within_24h == 1);
  CHECK(s->FirstResponseRate() == Approx(1.0 / 3));
  CHECK(s->responded["routine"] == 1);
  CHECK(s->OnTimeRate("routine") == 1.0);
  CHECK(s->MedianResponseHours() == 48);  // 29 h, in the (24, 48] bucket
  CHECK(s->open["responded|facility"] == 1);
  CHECK(s->open["accepted|facility"] == 1);
  CHECK(s->open["submitted|wages"] == 1);
  CHECK(s->overdue_escalations == 1);  // P-2 not accepted within 24 h
}
