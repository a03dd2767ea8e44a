// SummarizeWorker over files the real engine wrote (replay, event time): open cases with
// the due time of their stage, exhausted escalations still overdue, red first contact.
#include "api/case_summary.h"

#include "tests/api/events.h"

using namespace careloop;
using namespace careloop::apitest;

namespace {
const api::OpenCase& OnlyCase(const api::WorkerSummary& s) {
  REQUIRE(s.cases.size() == 1);
  return s.cases[0];
}
}  // namespace

TEST_CASE("A red case is due for first contact 60 min after it opened", "[unit][api]") {
  testing::ReplayFixture f;
  f.Feed(Lab("e1", "W1", kT0, "TG", 6.1, "mmol/L"));
  api::WorkerSummary s = SummaryOf(f, "W1");
  CHECK(s.tier == Tier::kRed);
  const api::OpenCase& c = OnlyCase(s);
  CHECK(c.worker_id == "W1");
  CHECK(c.condition == "lipids");
  CHECK(c.stage == "alerted");
  CHECK(c.due_at == kT0 + 60 * kMinute);
  CHECK(c.due_stage == "first_contact");
  CHECK_FALSE(c.escalated);
  CHECK_FALSE(c.overdue(kT0 + 59 * kMinute));
  CHECK(c.overdue(kT0 + 60 * kMinute));
  CHECK(c.tier_since == kT0);
}

TEST_CASE("A critical red case is due in 30 min; a yellow one in 90 days", "[unit][api]") {
  testing::ReplayFixture f;
  f.Feed(Lab("e1", "W1", kT0, "SBP", 186, "mm[Hg]") + Lab("e2", "W2", kT0, "TG", 3.0, "mmol/L"));
  const api::WorkerSummary w1 = SummaryOf(f, "W1");  // kept: OnlyCase returns into it
  const api::OpenCase& red = OnlyCase(w1);
  CHECK(red.critical);
  CHECK(red.due_at == kT0 + 30 * kMinute);
  api::WorkerSummary y = SummaryOf(f, "W2");
  CHECK(y.tier == Tier::kYellow);
  const api::OpenCase& yellow = OnlyCase(y);
  CHECK(yellow.due_at == kT0 + 90 * kDay);
  CHECK(yellow.due_stage == "recheck");
}

TEST_CASE("A red case whose escalations all fired stays overdue", "[unit][api]") {
  testing::ReplayFixture f;
  f.Feed(Lab("e1", "W1", kT0, "TG", 6.1, "mmol/L"));
  f.Feed(Lab("e2", "W9", kT0 + 5 * kHour, "TG", 1.0, "mmol/L"));  // moves the clock on
  const api::WorkerSummary w1 = SummaryOf(f, "W1");               // kept: OnlyCase returns into it
  const api::OpenCase& c = OnlyCase(w1);
  CHECK(c.stage == "alerted");
  CHECK(c.due_at == kT0 + 60 * kMinute);
  CHECK(c.escalated);
  CHECK(c.overdue(kT0 + 5 * kHour));
}

TEST_CASE("Reaching the worker ends the red wait and records the first contact", "[unit][api]") {
  testing::ReplayFixture f;
  f.Feed(Lab("e1", "W1", kT0, "TG", 6.1, "mmol/L") +
         Contact("c1", "W1", kT0 + 20 * kMinute, "reached"));
  api::WorkerSummary s = SummaryOf(f, "W1");
  const api::OpenCase& c = OnlyCase(s);
  CHECK(c.stage == "contacted");
  CHECK(c.due_at == 0);
  CHECK_FALSE(c.overdue(kT0 + 10 * kHour));
  REQUIRE(s.instances.size() == 1);
  CHECK(s.instances[0].red_since == kT0);
  CHECK(s.instances[0].first_contact_at == kT0 + 20 * kMinute);
}

TEST_CASE("A worker with no open case is not worth holding", "[unit][api]") {
  testing::ReplayFixture f;
  f.Feed(Lab("e1", "W1", kT0, "TG", 1.0, "mmol/L"));
  api::WorkerSummary s = SummaryOf(f, "W1");
  CHECK(s.cases.empty());
  CHECK(s.tier == Tier::kNone);
  CHECK_FALSE(s.interesting());
}
