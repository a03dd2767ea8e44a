// Compare(): deadlines met (and the many ways a deadline ends without being met), red
// first contact counted once per red pace.
#include "api/transitions.h"

#include "tests/api/events.h"

using namespace careloop;
using namespace careloop::apitest;
using Kind = api::Transition::Kind;

namespace {

std::vector<api::Transition> Step(testing::ReplayFixture& f, const std::string& worker,
                                  const std::string& jsonl) {
  auto before = SummaryOf(f, worker).instances;
  f.Feed(jsonl);
  return api::Compare(before, SummaryOf(f, worker).instances, Workflows());
}

int Met(const std::vector<api::Transition>& ts, const std::string& stage) {
  int n = 0;
  for (const auto& t : ts) n += t.kind == Kind::kDeadlineMet && t.stage == stage;
  return n;
}

const api::Transition* Contact(const std::vector<api::Transition>& ts) {
  for (const auto& t : ts) {
    if (t.kind == Kind::kRedFirstContact) return &t;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("Reaching a red worker in time meets first_contact and times the contact",
          "[unit][api]") {
  testing::ReplayFixture f;
  f.Feed(Lab("e1", "W1", kT0, "TG", 6.1, "mmol/L"));
  auto ts = Step(f, "W1", Contact("c1", "W1", kT0 + 20 * kMinute, "reached"));
  CHECK(Met(ts, "first_contact") == 1);
  CHECK(ts[0].workflow == "health_followup");
  const api::Transition* c = Contact(ts);
  REQUIRE(c != nullptr);
  CHECK(c->seconds == 1200);
  CHECK(c->urgency == "high");
  // Nothing new after that: a follow-up note changes no deadline, the contact was counted.
  auto again = Step(f, "W1", Contact("c2", "W1", kT0 + 30 * kMinute, "reached"));
  CHECK(again.empty());
}

TEST_CASE("A red worker reached after the escalation: contact timed, deadline not met",
          "[unit][api]") {
  testing::ReplayFixture f;
  f.Feed(Lab("e1", "W1", kT0, "HR", 160, "/min"));  // critical: 30 min
  auto ts = Step(f, "W1", Contact("c1", "W1", kT0 + 2 * kHour + 30 * kMinute, "reached"));
  CHECK(Met(ts, "first_contact") == 0);
  const api::Transition* c = Contact(ts);
  REQUIRE(c != nullptr);
  CHECK(c->seconds == 9000);
  CHECK(c->urgency == "critical");
}

TEST_CASE("Three failed contacts are not a deadline met", "[unit][api]") {
  testing::ReplayFixture f;
  f.Feed(Lab("e1", "W1", kT0, "TG", 6.1, "mmol/L") +
         Contact("c1", "W1", kT0 + 5 * kMinute, "unreachable") +
         Contact("c2", "W1", kT0 + 10 * kMinute, "unreachable"));
  auto ts = Step(f, "W1", Contact("c3", "W1", kT0 + 15 * kMinute, "unreachable"));
  CHECK(Met(ts, "first_contact") == 0);
  CHECK(Contact(ts) == nullptr);
}

TEST_CASE("A yellow re-check in time meets recheck; a late one or a tier change does not",
          "[unit][api]") {
  testing::ReplayFixture f;
  f.Feed(Lab("e1", "W1", kT0, "TG", 3.0, "mmol/L") + Lab("e2", "W2", kT0, "TG", 3.0, "mmol/L") +
         Lab("e3", "W3", kT0, "TG", 3.0, "mmol/L"));
  CHECK(Met(Step(f, "W1", Lab("e4", "W1", kT0 + 30 * kDay, "TG", 3.1, "mmol/L", "X2")),
            "recheck") == 1);
  CHECK(Met(Step(f, "W2", Lab("e5", "W2", kT0 + 95 * kDay, "TG", 3.1, "mmol/L", "X2")),
            "recheck") == 0);
  CHECK(Step(f, "W3", Lab("e6", "W3", kT0 + 96 * kDay, "TG", 6.0, "mmol/L", "X2")).size() == 0);
}

TEST_CASE("Results arriving after exam_done meet the results deadline", "[unit][api]") {
  testing::ReplayFixture f;
  f.Feed(ExamDone("x1", "W1", kT0, "X7"));
  auto ts = Step(f, "W1", Lab("e1", "W1", kT0 + kDay, "TG", 1.0, "mmol/L", "X7"));
  CHECK(Met(ts, "results") == 1);
}

TEST_CASE("A petition accepted within 24 h meets acceptance", "[unit][api]") {
  testing::ReplayFixture f;
  f.Feed(PetitionEvent("p1", "P-1", "W1", kT0, "submitted"));
  auto before = std::vector<api::InstanceSnapshot>{PetitionSummaryOf(f, "P-1").instance};
  f.Feed(PetitionEvent("p2", "P-1", "W1", kT0 + 2 * kHour, "accepted"));
  auto after = std::vector<api::InstanceSnapshot>{PetitionSummaryOf(f, "P-1").instance};
  auto ts = api::Compare(before, after, Workflows());
  REQUIRE(ts.size() == 1);
  CHECK(ts[0].workflow == "petition");
  CHECK(ts[0].stage == "acceptance");
}

TEST_CASE(
    "A first contact seen for the first time after the index lost the worker is "
    "counted once",
    "[unit][api]") {
  testing::ReplayFixture f;
  f.Feed(Lab("e1", "W1", kT0, "TG", 6.1, "mmol/L") +
         Contact("c1", "W1", kT0 + 10 * kMinute, "reached"));
  auto after = SummaryOf(f, "W1").instances;
  auto first = api::Compare({}, after, Workflows());
  REQUIRE(Contact(first) != nullptr);
  CHECK(api::Compare(after, after, Workflows()).empty());
}
