// RuleSet::LoadString / LoadFile: what a bad rules.yaml is told (file:line and what is
// wrong), the shipped files, and the version (a hash of the effective rules).
#include <catch2/catch.hpp>

#include <regex>
#include <string>
#include <vector>

#include "rules/fixture.h"

namespace careloop::rules {
namespace {

using testing::ShippedCatalog;
using testing::SourcePath;

// Lines 1-7; "rules:" is line 8, the first rule line 9.
constexpr const char* kTiers =
    "tiers:\n"
    "  red:               {actions: [phone_now], due_after: 60m}\n"
    "  red_critical:      {actions: [phone_now], due_after: 30m}\n"
    "  red_green_channel: {actions: [phone_now, sms_now], due_after: 60m}\n"
    "  yellow:            {actions: [health_ledger], due_after: 90d}\n"
    "  green:             {actions: [education], due_after: 365d}\n"
    "  none:              {actions: [close_case]}\n";

std::string WithRules(const std::string& rules) { return std::string(kTiers) + "rules:\n" + rules; }

Result<RuleSet> Load(const std::string& yaml) {
  return RuleSet::LoadString(yaml, "t.yaml", ShippedCatalog());
}

TEST_CASE("loader: bad rules are refused with file, line and what is wrong", "[unit]") {
  struct Row {
    const char* name;
    std::string yaml;
    int line;
    const char* fragment;
  };
  const std::vector<Row> rows = {
      {"unknown test", WithRules("  - {id: a, test: TGX, tier: red, when: \">= 1\"}\n"), 9,
       "rule a: unknown test 'TGX'"},
      {"bad operator", WithRules("  - {id: a, test: TG, tier: red, when: \"=> 5.65\"}\n"), 9,
       "rule a: operator '=>' is not one of >= > <= < =="},
      {"no operator", WithRules("  - {id: a, test: TG, tier: red, when: \"5.65\"}\n"), 9,
       "has no operator"},
      {"bad number", WithRules("  - {id: a, test: TG, tier: red, when: \">= 5,65\"}\n"), 9,
       "'5,65' is not a number"},
      {"bad number in a list, on its own line",
       WithRules("  - id: a\n    test: HR\n    tier: red\n    when:\n      - \">= 150\"\n"
                 "      - \"<= forty\"\n"),
       14, "'forty' is not a number"},
      {"numeric predicate on a qualitative test",
       WithRules("  - {id: a, test: LIVER_US, tier: red, when: \">= 1\"}\n"), 9,
       "test LIVER_US is qualitative: use finding"},
      {"finding on a numeric test",
       WithRules("  - {id: a, test: TG, tier: red, finding: [mass]}\n"), 9,
       "test TG is numeric: use when"},
      {"unknown finding", WithRules("  - {id: a, test: LIVER_US, tier: red, finding: [masss]}\n"),
       9, "unknown finding 'masss' for LIVER_US (allowed: normal mild moderate severe mass)"},
      {"hpv on a test without hpv",
       WithRules("  - {id: a, test: LIVER_US, tier: red, hpv: [\"16\"]}\n"), 9,
       "test LIVER_US has no hpv field"},
      {"unknown hpv value", WithRules("  - {id: a, test: CERVICAL, tier: red, hpv: [\"17\"]}\n"), 9,
       "unknown hpv value '17'"},
      {"duplicate id",
       WithRules("  - {id: a, test: TG, tier: red, when: \">= 5\"}\n"
                 "  - {id: a, test: TC, tier: red, when: \">= 5\"}\n"),
       10, "duplicate rule id 'a' (first at line 9)"},
      {"unknown tier", WithRules("  - {id: a, test: TG, tier: orange, when: \">= 5\"}\n"), 9,
       "rule a: unknown tier 'orange' (expected red, yellow or green)"},
      {"green_channel on a yellow rule",
       WithRules("  - {id: a, test: TG, tier: yellow, when: \">= 5\", green_channel: true}\n"), 9,
       "green_channel (★) is only for red rules, not yellow"},
      {"urgency on a green rule",
       WithRules("  - {id: a, test: TG, tier: green, when: \">= 5\", urgency: critical}\n"), 9,
       "urgency: critical is only for red rules"},
      {"unknown urgency",
       WithRules("  - {id: a, test: TG, tier: red, when: \">= 5\", urgency: high}\n"), 9,
       "urgency must be critical"},
      {"unknown key", WithRules("  - {id: a, test: TG, tier: red, wen: \">= 5\"}\n"), 9,
       "rule a: unknown key 'wen'"},
      {"missing id", WithRules("  - {test: TG, tier: red, when: \">= 5\"}\n"), 9,
       "rule: missing id"},
      {"missing when",
       WithRules("  - {id: ok, test: TG, tier: red, when: \">= 5\"}\n  - {id: a, test: TG, tier: "
                 "yellow}\n"),
       10, "test TG needs when"},
      {"yellow before red of one test",
       WithRules("  - {id: a, test: TG, tier: yellow, when: \">= 2.3\"}\n"
                 "  - {id: b, test: TC, tier: green, when: \">= 5.2\"}\n"
                 "  - {id: c, test: TG, tier: red, when: \">= 5.65\"}\n"),
       11, "rule c: a red rule of TG comes after a yellow one"},
      {"star after plain red",
       WithRules("  - {id: a, test: AFP, tier: red, when: \">= 200\"}\n"
                 "  - {id: b, test: AFP, tier: red, when: \">= 400\", green_channel: true}\n"),
       10, "comes after the plain red rule a (line 9)"},
      {"combination over two conditions",
       WithRules("  - id: s\n    tier: yellow\n    all:\n      - {test: PG1, when: \"<= 70\"}\n"
                 "      - {test: TG, when: \">= 5\"}\n"),
       13, "combination over tests of different conditions: PG1 (stomach) and TG (lipids)"},
      {"combination with one part",
       WithRules("  - {id: s, tier: yellow, all: [{test: PG1, when: \"<= 70\"}]}\n"), 9,
       "all must be a list of two or more"},
      {"combination with test", WithRules("  - {id: s, test: PG1, tier: yellow, all: []}\n"), 9,
       "either test or all"},
      {"missing tiers entry",
       "tiers:\n  red: {actions: [a], due_after: 60m}\n  yellow: {actions: [a], due_after: 90d}\n"
       "rules: []\n",
       1, "tiers: missing red_critical"},
      {"unknown tiers entry", std::string(kTiers) + "  orange: {actions: [a]}\nrules: []\n", 8,
       "tiers: unknown tier 'orange'"},
      {"bad duration", "tiers:\n  red: {actions: [a], due_after: 60 minutes}\n", 2,
       "tiers: red: '60 minutes' is not a duration"},
      {"due_after on none", "tiers:\n  none: {actions: [a], due_after: 1d}\n", 2,
       "tiers: none closes the case: it has no due_after"},
      {"no tiers section", "rules: []\n", 1, "missing the tiers: section"},
      {"no rules list", kTiers, 1, "missing the rules: list"},
      {"unknown top-level key", std::string(kTiers) + "rulez: []\n", 8, "unknown key 'rulez'"},
      {"not YAML", WithRules("  - {id: a, test: TG\n"), 10, "not valid YAML: "},
      {"not YAML either", WithRules("  - {id: a, test: TG, tier: red, when: >= 5}\n"), 9,
       "not valid YAML: "},
  };
  for (const Row& row : rows) {
    CAPTURE(row.name, row.yaml);
    auto r = Load(row.yaml);
    REQUIRE_FALSE(r.ok());
    const std::string& msg = r.status().message();
    CAPTURE(msg);
    CHECK(r.status().code() == Status::Code::kInvalidArgument);
    CHECK(msg.rfind("t.yaml:" + std::to_string(row.line) + ": ", 0) == 0);
    CHECK(msg.find(row.fragment) != std::string::npos);
  }
}

TEST_CASE("loader: a missing file is an error naming it", "[unit]") {
  auto r = RuleSet::LoadFile("/nonexistent/rules.yaml", ShippedCatalog());
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("/nonexistent/rules.yaml") != std::string::npos);
}

TEST_CASE("loader: an empty text says so without a line", "[unit]") {
  auto r = Load("");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "t.yaml: rules file must be a map with tiers: and rules:");
}

TEST_CASE("loader: the shipped config/rules.yaml over config/tests.yaml", "[integration]") {
  auto catalog = decode::Catalog::LoadFile(SourcePath("config/tests.yaml"));
  REQUIRE(catalog.ok());
  auto rules = RuleSet::LoadFile(SourcePath("config/rules.yaml"), *catalog);
  INFO(rules.status().ToString());
  REQUIRE(rules.ok());
  CHECK(std::regex_match(rules->version(), std::regex("r-[0-9a-f]{16}")));
  // Loading twice gives the same version.
  auto again = RuleSet::LoadFile(SourcePath("config/rules.yaml"), *catalog);
  REQUIRE(again.ok());
  CHECK(again->version() == rules->version());
}

std::string VersionOf(const std::string& yaml) {
  auto r = Load(yaml);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return r->version();
}

TEST_CASE("version: stable across layout, comments and number spelling", "[unit]") {
  const std::string flow = WithRules(
      "  - {id: lipids.tg.red, test: TG, tier: red, when: \">= 5.65\"}\n"
      "  - {id: lipids.tg.yellow, test: TG, tier: yellow, when: \">= 2.30\"}\n"
      "  - {id: k.red, test: K, tier: red, when: [\"<= 2.8\", \">= 6.2\"], urgency: critical}\n"
      "  - {id: s, tier: yellow, all: [{test: PG1, when: \"<= 70\"}, {test: PG_RATIO, when: "
      "\"<= 3.0\"}], same_exam: true}\n");
  const std::string block =
      "# the same rules, written another way\n"
      "tiers:\n"
      "  none: {actions: [close_case]}\n"
      "  green: {actions: [education], due_after: 365d}\n"
      "  yellow: {actions: [health_ledger], due_after: 90d}\n"
      "  red_green_channel: {actions: [phone_now, sms_now], due_after: 1h}\n"
      "  red_critical: {actions: [phone_now], due_after: 30m}\n"
      "  red: {actions: [phone_now], due_after: 60m}\n"
      "rules:\n"
      "  - id: k.red   # critical values\n"
      "    test: K\n"
      "    tier: red\n"
      "    urgency: critical\n"
      "    when: ['<=2.80', '>=   6.2']\n"
      "  - id: lipids.tg.red\n"
      "    test: TG\n"
      "    tier: red\n"
      "    when: '>= 5.650'\n"
      "\n"
      "  - id: lipids.tg.yellow\n"
      "    test: TG\n"
      "    tier: yellow\n"
      "    when: '>= 2.3'\n"
      "    green_channel: false\n"
      "  - id: s\n"
      "    tier: yellow\n"
      "    same_exam: yes\n"
      "    all:\n"
      "      - {test: PG1, when: '<= 70.0'}\n"
      "      - {test: PG_RATIO, when: '<= 3'}\n";
  CHECK(VersionOf(flow) == VersionOf(block));
}

TEST_CASE("version: changes with any effective change", "[unit]") {
  const std::string base = "  - {id: a, test: TG, tier: red, when: \">= 5.65\"}\n";
  const std::string v = VersionOf(WithRules(base));
  CHECK(v != VersionOf(WithRules("  - {id: a, test: TG, tier: red, when: \">= 5.66\"}\n")));
  CHECK(v != VersionOf(WithRules("  - {id: a, test: TG, tier: red, when: \"> 5.65\"}\n")));
  CHECK(v != VersionOf(WithRules("  - {id: b, test: TG, tier: red, when: \">= 5.65\"}\n")));
  CHECK(v != VersionOf(WithRules("  - {id: a, test: TG, tier: yellow, when: \">= 5.65\"}\n")));
  CHECK(v != VersionOf(WithRules("  - {id: a, test: TG, tier: red, when: \">= 5.65\", urgency: "
                                 "critical}\n")));
  CHECK(v != VersionOf(WithRules("  - {id: a, test: TG, tier: red, when: \">= 5.65\", "
                                 "green_channel: true}\n")));
  std::string tiers = std::string(kTiers);
  tiers.replace(tiers.find("due_after: 30m"), 14, "due_after: 20m");
  CHECK(v != VersionOf(tiers + "rules:\n" + base));
}

}  // namespace
}  // namespace careloop::rules
