// Predicates: "<op> <number>" parsing, matching, canonical rendering; durations.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "rules/fixture.h"
#include "rules/rule.h"

namespace careloop::rules {
namespace {

using testing::Num;
using testing::Qual;

TEST_CASE("ParseComparison: operators and numbers", "[unit]") {
  struct Row {
    const char* text;
    Op op;
    double threshold;
  };
  const std::vector<Row> rows = {
      {">= 5.65", Op::kGe, 5.65}, {">5", Op::kGt, 5},     {"<= -2.5", Op::kLe, -2.5},
      {"< 0.70", Op::kLt, 0.7},   {"== 3", Op::kEq, 3},   {"  >=\t2.30 ", Op::kGe, 2.3},
      {">= 1e2", Op::kGe, 100},   {"< .5", Op::kLt, 0.5},
  };
  for (const Row& row : rows) {
    CAPTURE(row.text);
    auto c = ParseComparison(row.text);
    REQUIRE(c.ok());
    CHECK(c->op == row.op);
    CHECK(c->threshold == row.threshold);  // exact: the same conversion as a value
  }
}

TEST_CASE("ParseComparison: what is wrong", "[unit]") {
  struct Row {
    const char* text;
    const char* fragment;
  };
  const std::vector<Row> rows = {
      {"=> 5", "operator '=>' is not one of >= > <= < =="},
      {"!= 5", "operator '!='"},
      {"= 5", "operator '='"},
      {"5", "has no operator"},
      {"≥ 5", "has no operator"},
      {">=", "'' is not a number"},
      {">= 5,65", "'5,65' is not a number"},
      {">= 5 mmol/L", "'5 mmol/L' is not a number"},
      {">= inf", "'inf' is not a number"},
      {">= nan", "'nan' is not a number"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.text);
    auto c = ParseComparison(row.text);
    REQUIRE_FALSE(c.ok());
    CHECK(c.status().message().find(row.fragment) != std::string::npos);
  }
}

TEST_CASE("Predicate: any comparison holds; kinds never mix", "[unit]") {
  Predicate p;
  p.any = {ParseComparison(">= 150").value(), ParseComparison("<= 45").value()};
  CHECK(p.Matches(Num("HR", 150)));
  CHECK(p.Matches(Num("HR", 45)));
  CHECK_FALSE(p.Matches(Num("HR", 46)));
  CHECK_FALSE(p.Matches(Num("HR", 149.99)));
  CHECK_FALSE(p.Matches(Qual("HR", "150")));

  Predicate q;
  q.qualitative = true;
  q.findings = {"ASC-H", "HSIL"};
  q.hpv = {"16", "18"};
  CHECK(q.Matches(Qual("CERVICAL", "HSIL")));
  CHECK(q.Matches(Qual("CERVICAL", "NILM", "18")));
  CHECK_FALSE(q.Matches(Qual("CERVICAL", "NILM", "other")));
  CHECK_FALSE(q.Matches(Qual("CERVICAL", "NILM")));
  CHECK_FALSE(q.Matches(Num("CERVICAL", 16)));
}

TEST_CASE("RenderPredicate: canonical text", "[unit]") {
  Predicate p;
  p.any = {ParseComparison(">= 2.30").value(), ParseComparison("< 50").value()};
  CHECK(RenderPredicate(p) == ">= 2.3 | < 50");
  CHECK(RenderPredicate(p, /*as_written=*/true) == ">= 2.30 | < 50");
  Predicate q;
  q.qualitative = true;
  q.findings = {"mass"};
  q.hpv = {"16"};
  CHECK(RenderPredicate(q) == "finding in {mass} | hpv in {16}");
}

TEST_CASE("ParseDuration / FormatDuration", "[unit]") {
  CHECK(ParseDuration("30m").value() == 30 * kMinute);
  CHECK(ParseDuration("4h").value() == 4 * kHour);
  CHECK(ParseDuration("90d").value() == 90 * kDay);
  CHECK(ParseDuration("45s").value() == 45'000);
  for (const char* bad : {"", "m", "30", "30 m", "-3d", "0d", "3w", "1.5h", "d30"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseDuration(bad).ok());
  }
  CHECK(FormatDuration(30 * kMinute) == "30m");
  CHECK(FormatDuration(60 * kMinute) == "1h");
  CHECK(FormatDuration(365 * kDay) == "365d");
  CHECK(FormatDuration(0).empty());
}

}  // namespace
}  // namespace careloop::rules
