// RuleSet::EvaluateCondition (case tier, ★, critical, the stomach combination) and
// RuleSet::Policy.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "rules/fixture.h"

namespace careloop::rules {
namespace {

using testing::Num;
using testing::Qual;
using testing::ShippedCatalog;
using testing::ShippedRules;

std::vector<const Observation*> Ptrs(const std::vector<Observation>& obs) {
  std::vector<const Observation*> out;
  for (const Observation& o : obs) out.push_back(&o);
  return out;
}

ConditionEval Eval(std::string_view condition, const std::vector<Observation>& obs) {
  return ShippedRules().EvaluateCondition(condition, Ptrs(obs));
}

TEST_CASE("EvaluateCondition: the case tier is the highest, per test hits aligned", "[unit]") {
  std::vector<Observation> obs = {Num("TG", 2.5), Num("LDL", 5.0), Num("HDL", 1.2)};
  ConditionEval e = Eval("lipids", obs);
  CHECK(e.tier == Tier::kRed);
  CHECK_FALSE(e.green_channel);
  CHECK_FALSE(e.critical);
  REQUIRE(e.per_test.size() == 3);
  CHECK(e.per_test[0].rule_id == "lipids.tg.yellow");
  CHECK(e.per_test[1].rule_id == "lipids.ldl.red");
  CHECK(e.per_test[2].tier == Tier::kNone);
  CHECK(e.combinations.empty());
}

TEST_CASE("EvaluateCondition: ★ and critical flags", "[unit]") {
  std::vector<Observation> liver = {Num("ALT", 50), Qual("LIVER_US", "mass")};
  ConditionEval e = Eval("liver", liver);
  CHECK(e.tier == Tier::kRed);
  CHECK(e.green_channel);
  CHECK_FALSE(e.critical);

  std::vector<Observation> el = {Num("NA", 140), Num("K", 6.3)};
  e = Eval("electrolytes", el);
  CHECK(e.tier == Tier::kRed);
  CHECK(e.critical);
  CHECK_FALSE(e.green_channel);

  std::vector<Observation> calm = {Num("NA", 140), Num("K", 4.0)};
  e = Eval("electrolytes", calm);
  CHECK(e.tier == Tier::kNone);
  CHECK_FALSE(e.critical);
  CHECK(e.per_test.size() == 2);
}

TEST_CASE("EvaluateCondition: no observations is tier none", "[unit]") {
  ConditionEval e = Eval("lipids", {});
  CHECK(e.tier == Tier::kNone);
  CHECK(e.per_test.empty());
}

TEST_CASE("EvaluateCondition: the stomach combination needs both results of one exam", "[unit]") {
  struct Row {
    const char* name;
    std::vector<Observation> obs;
    Tier tier;
  };
  const std::vector<Row> rows = {
      {"both at the boundary, same exam",
       {Num("PG1", 70, "E1"), Num("PG_RATIO", 3.0, "E1")},
       Tier::kYellow},
      {"both low, same exam, with G17",
       {Num("G17", 1, "E1"), Num("PG_RATIO", 2.1, "E1"), Num("PG1", 40, "E1")},
       Tier::kYellow},
      {"PG1 just above", {Num("PG1", 70.1, "E1"), Num("PG_RATIO", 3.0, "E1")}, Tier::kNone},
      {"ratio just above", {Num("PG1", 70, "E1"), Num("PG_RATIO", 3.01, "E1")}, Tier::kNone},
      {"different exams", {Num("PG1", 50, "E1"), Num("PG_RATIO", 2.0, "E2")}, Tier::kNone},
      {"PG1 alone", {Num("PG1", 20, "E1")}, Tier::kNone},
      {"ratio alone", {Num("PG_RATIO", 1.0, "E1")}, Tier::kNone},
      {"no exam ids prove nothing", {Num("PG1", 50, ""), Num("PG_RATIO", 2.0, "")}, Tier::kNone},
  };
  for (const Row& row : rows) {
    CAPTURE(row.name);
    ConditionEval e = Eval("stomach", row.obs);
    CHECK(e.tier == row.tier);
    CHECK(e.per_test.size() == row.obs.size());
    for (const Hit& h : e.per_test) CHECK(h.tier == Tier::kNone);
    if (row.tier == Tier::kYellow) {
      REQUIRE(e.combinations.size() == 1);
      CHECK(e.combinations[0].rule_id == "stomach.pg.yellow");
      CHECK(e.combinations[0].tier == Tier::kYellow);
    } else {
      CHECK(e.combinations.empty());
    }
  }
  // The combination belongs to its condition only.
  std::vector<Observation> both = {Num("PG1", 50), Num("PG_RATIO", 2.0)};
  CHECK(Eval("lipids", both).combinations.empty());
}

TEST_CASE("EvaluateCondition: a combination without same_exam takes any exams; ★ on it", "[unit]") {
  const std::string yaml = R"(
tiers:
  red:               {actions: [a], due_after: 60m}
  red_critical:      {actions: [a], due_after: 30m}
  red_green_channel: {actions: [a, b], due_after: 60m}
  yellow:            {actions: [c], due_after: 90d}
  green:             {actions: [d], due_after: 365d}
  none:              {actions: [e]}
rules:
  - id: stomach.any
    tier: red
    green_channel: true
    all: [{test: PG1, when: "<= 70"}, {test: G17, when: ["> 15", "< 1"]}]
)";
  auto set = RuleSet::LoadString(yaml, "t.yaml", ShippedCatalog());
  REQUIRE(set.ok());
  std::vector<Observation> obs = {Num("PG1", 50, "E1"), Num("G17", 0.5, "E2")};
  ConditionEval e = set->EvaluateCondition("stomach", Ptrs(obs));
  CHECK(e.tier == Tier::kRed);
  CHECK(e.green_channel);
  REQUIRE(e.combinations.size() == 1);
  CHECK(e.combinations[0].green_channel);
  obs[1].value = 5;
  CHECK(set->EvaluateCondition("stomach", Ptrs(obs)).tier == Tier::kNone);
}

TEST_CASE("Policy: the pace per tier from the tiers section", "[unit]") {
  const RuleSet& rules = ShippedRules();
  using V = std::vector<std::string>;
  const TierPolicy& red = rules.Policy(Tier::kRed, false, false);
  CHECK(red.actions == V{"phone_now", "dedicated_followup"});
  CHECK(red.due_after == 60 * kMinute);
  const TierPolicy& crit = rules.Policy(Tier::kRed, false, true);
  CHECK(crit.actions == V{"phone_now", "dedicated_followup"});
  CHECK(crit.due_after == 30 * kMinute);
  const TierPolicy& gc = rules.Policy(Tier::kRed, true, false);
  CHECK(gc.actions == V{"phone_now", "sms_now", "wechat_now", "offer_referral"});
  CHECK(gc.due_after == 60 * kMinute);
  const TierPolicy& both = rules.Policy(Tier::kRed, true, true);
  CHECK(both.actions == gc.actions);
  CHECK(both.due_after == 30 * kMinute);
  const TierPolicy& yellow = rules.Policy(Tier::kYellow, true, true);  // flags refine red only
  CHECK(yellow.actions == V{"health_ledger", "recheck_invitation"});
  CHECK(yellow.due_after == 90 * kDay);
  const TierPolicy& green = rules.Policy(Tier::kGreen, false, false);
  CHECK(green.actions == V{"education"});
  CHECK(green.due_after == 365 * kDay);
  const TierPolicy& none = rules.Policy(Tier::kNone, false, false);
  CHECK(none.actions == V{"close_case"});
  CHECK(none.due_after == 0);
}

}  // namespace
}  // namespace careloop::rules
