// The shipped config/rules.yaml against every row of rules-defaults.md, at and just
// around each boundary: tier, rule id, ★ and critical.
#include <catch2/catch.hpp>

#include <limits>
#include <string>
#include <vector>

#include "rules/fixture.h"

namespace careloop::rules {
namespace {

using testing::Num;
using testing::Qual;
using testing::ShippedCatalog;
using testing::ShippedRules;

constexpr Tier R = Tier::kRed, Y = Tier::kYellow, G = Tier::kGreen, N = Tier::kNone;

struct NumRow {
  const char* test;
  double value;
  Tier tier;
  const char* rule_id;  // "" for tier none
  bool star = false;
  bool critical = false;
};

// clang-format off
const std::vector<NumRow> kNumeric = {
  // lipids: TG >= 5.65 / >= 2.30 / >= 1.70
  {"TG", 1.69, N, ""}, {"TG", 1.70, G, "lipids.tg.green"}, {"TG", 2.29, G, "lipids.tg.green"},
  {"TG", 2.30, Y, "lipids.tg.yellow"}, {"TG", 5.64, Y, "lipids.tg.yellow"},
  {"TG", 5.65, R, "lipids.tg.red"}, {"TG", 0, N, ""},
  // TC: - / >= 6.20 / >= 5.20
  {"TC", 5.19, N, ""}, {"TC", 5.20, G, "lipids.tc.green"}, {"TC", 6.19, G, "lipids.tc.green"},
  {"TC", 6.20, Y, "lipids.tc.yellow"}, {"TC", 20, Y, "lipids.tc.yellow"},
  // LDL: >= 4.90 / >= 4.10 / >= 3.40
  {"LDL", 3.39, N, ""}, {"LDL", 3.40, G, "lipids.ldl.green"}, {"LDL", 4.09, G, "lipids.ldl.green"},
  {"LDL", 4.10, Y, "lipids.ldl.yellow"}, {"LDL", 4.89, Y, "lipids.ldl.yellow"},
  {"LDL", 4.90, R, "lipids.ldl.red"},
  // HDL: green < 1.00
  {"HDL", 1.00, N, ""}, {"HDL", 0.99, G, "lipids.hdl.green"}, {"HDL", 2.5, N, ""},
  // SBP: >= 180 (critical) / >= 140 / >= 120
  {"SBP", 119, N, ""}, {"SBP", 120, G, "blood_pressure.sbp.green"},
  {"SBP", 139, G, "blood_pressure.sbp.green"}, {"SBP", 140, Y, "blood_pressure.sbp.yellow"},
  {"SBP", 179, Y, "blood_pressure.sbp.yellow"}, {"SBP", 180, R, "blood_pressure.sbp.red", false, true},
  // DBP: >= 110 (critical) / >= 90 / >= 80
  {"DBP", 79, N, ""}, {"DBP", 80, G, "blood_pressure.dbp.green"},
  {"DBP", 89, G, "blood_pressure.dbp.green"}, {"DBP", 90, Y, "blood_pressure.dbp.yellow"},
  {"DBP", 109, Y, "blood_pressure.dbp.yellow"}, {"DBP", 110, R, "blood_pressure.dbp.red", false, true},
  // HR: >= 150 or <= 45 (critical) / >= 120 or < 50 / >= 100
  {"HR", 30, R, "cardiac.hr.red", false, true}, {"HR", 45, R, "cardiac.hr.red", false, true},
  {"HR", 46, Y, "cardiac.hr.yellow"}, {"HR", 49, Y, "cardiac.hr.yellow"}, {"HR", 50, N, ""},
  {"HR", 99, N, ""}, {"HR", 100, G, "cardiac.hr.green"}, {"HR", 119, G, "cardiac.hr.green"},
  {"HR", 120, Y, "cardiac.hr.yellow"}, {"HR", 149, Y, "cardiac.hr.yellow"},
  {"HR", 150, R, "cardiac.hr.red", false, true},
  // GLU: >= 16.7 or <= 2.8 (critical) / >= 7.0 or < 3.9 / >= 6.1
  {"GLU", 2.8, R, "glucose.glu.red", false, true}, {"GLU", 2.9, Y, "glucose.glu.yellow"},
  {"GLU", 3.8, Y, "glucose.glu.yellow"}, {"GLU", 3.9, N, ""}, {"GLU", 6.0, N, ""},
  {"GLU", 6.1, G, "glucose.glu.green"}, {"GLU", 6.9, G, "glucose.glu.green"},
  {"GLU", 7.0, Y, "glucose.glu.yellow"}, {"GLU", 16.6, Y, "glucose.glu.yellow"},
  {"GLU", 16.7, R, "glucose.glu.red", false, true},
  // HBA1C: - / >= 6.5 / >= 5.7
  {"HBA1C", 5.6, N, ""}, {"HBA1C", 5.7, G, "glucose.hba1c.green"},
  {"HBA1C", 6.4, G, "glucose.hba1c.green"}, {"HBA1C", 6.5, Y, "glucose.hba1c.yellow"},
  // ALT, AST: >= 300 / >= 80 / > 40
  {"ALT", 40, N, ""}, {"ALT", 40.01, G, "liver.alt.green"}, {"ALT", 79.99, G, "liver.alt.green"},
  {"ALT", 80, Y, "liver.alt.yellow"}, {"ALT", 299, Y, "liver.alt.yellow"},
  {"ALT", 300, R, "liver.alt.red"},
  {"AST", 40, N, ""}, {"AST", 40.01, G, "liver.ast.green"}, {"AST", 80, Y, "liver.ast.yellow"},
  {"AST", 299.9, Y, "liver.ast.yellow"}, {"AST", 300, R, "liver.ast.red"},
  // AFP: >= 200; >= 400 ★ / > 20
  {"AFP", 20, N, ""}, {"AFP", 20.1, Y, "tumour_marker.afp.yellow"},
  {"AFP", 199, Y, "tumour_marker.afp.yellow"}, {"AFP", 200, R, "tumour_marker.afp.red"},
  {"AFP", 399, R, "tumour_marker.afp.red"}, {"AFP", 400, R, "tumour_marker.afp.red.star", true},
  {"AFP", 486, R, "tumour_marker.afp.red.star", true},
  // K: <= 2.8 or >= 6.2 (critical) / < 3.0 or >= 5.5 / < 3.5 or > 5.3
  {"K", 2.8, R, "electrolytes.k.red", false, true}, {"K", 2.9, Y, "electrolytes.k.yellow"},
  {"K", 2.99, Y, "electrolytes.k.yellow"}, {"K", 3.0, G, "electrolytes.k.green"},
  {"K", 3.49, G, "electrolytes.k.green"}, {"K", 3.5, N, ""}, {"K", 4.2, N, ""}, {"K", 5.3, N, ""},
  {"K", 5.31, G, "electrolytes.k.green"}, {"K", 5.49, G, "electrolytes.k.green"},
  {"K", 5.5, Y, "electrolytes.k.yellow"}, {"K", 6.19, Y, "electrolytes.k.yellow"},
  {"K", 6.2, R, "electrolytes.k.red", false, true},
  // NA: <= 120 or >= 160 (critical) / < 130 or >= 150 / < 135 or > 145
  {"NA", 120, R, "electrolytes.na.red", false, true}, {"NA", 120.5, Y, "electrolytes.na.yellow"},
  {"NA", 129, Y, "electrolytes.na.yellow"}, {"NA", 130, G, "electrolytes.na.green"},
  {"NA", 134, G, "electrolytes.na.green"}, {"NA", 135, N, ""}, {"NA", 145, N, ""},
  {"NA", 145.1, G, "electrolytes.na.green"}, {"NA", 149, G, "electrolytes.na.green"},
  {"NA", 150, Y, "electrolytes.na.yellow"}, {"NA", 159, Y, "electrolytes.na.yellow"},
  {"NA", 160, R, "electrolytes.na.red", false, true},
  // HGB: <= 60 (critical) / < 90 / < 110
  {"HGB", 60, R, "blood.hgb.red", false, true}, {"HGB", 61, Y, "blood.hgb.yellow"},
  {"HGB", 89, Y, "blood.hgb.yellow"}, {"HGB", 90, G, "blood.hgb.green"},
  {"HGB", 109, G, "blood.hgb.green"}, {"HGB", 110, N, ""},
  // PLT: <= 30 (critical) / < 100 / < 125
  {"PLT", 30, R, "blood.plt.red", false, true}, {"PLT", 31, Y, "blood.plt.yellow"},
  {"PLT", 99, Y, "blood.plt.yellow"}, {"PLT", 100, G, "blood.plt.green"},
  {"PLT", 124, G, "blood.plt.green"}, {"PLT", 125, N, ""},
  // BMI: - / >= 28 or < 18.5 / >= 24
  {"BMI", 18.4, Y, "body.bmi.yellow"}, {"BMI", 18.5, N, ""}, {"BMI", 23.9, N, ""},
  {"BMI", 24, G, "body.bmi.green"}, {"BMI", 27.9, G, "body.bmi.green"},
  {"BMI", 28, Y, "body.bmi.yellow"},
  // BMD_T: - / <= -2.5 / <= -1.0
  {"BMD_T", -0.9, N, ""}, {"BMD_T", -1.0, G, "bone.bmd_t.green"},
  {"BMD_T", -2.4, G, "bone.bmd_t.green"}, {"BMD_T", -2.5, Y, "bone.bmd_t.yellow"},
  {"BMD_T", 1.2, N, ""},
  // FEV1_FVC: - / < 0.70 / -
  {"FEV1_FVC", 0.69, Y, "lung.fev1_fvc.yellow"}, {"FEV1_FVC", 0.70, N, ""},
  // stomach tests alone never have a tier of their own
  {"PG1", 20, N, ""}, {"PG_RATIO", 1.0, N, ""}, {"G17", 0.5, N, ""},
};

struct QualRow {
  const char* test;
  const char* finding;
  const char* hpv;
  Tier tier;
  const char* rule_id;
  bool star = false;
};

const std::vector<QualRow> kQualitative = {
  {"LIVER_US", "normal", "", N, ""}, {"LIVER_US", "mild", "", G, "liver.us.green"},
  {"LIVER_US", "moderate", "", Y, "liver.us.yellow"}, {"LIVER_US", "severe", "", Y, "liver.us.yellow"},
  {"LIVER_US", "mass", "", R, "liver.us.red.star", true},
  {"CERVICAL", "NILM", "", N, ""}, {"CERVICAL", "NILM", "negative", N, ""},
  {"CERVICAL", "NILM", "other", Y, "cervical.hpv.yellow"},
  {"CERVICAL", "NILM", "16", R, "cervical.hpv.red"}, {"CERVICAL", "NILM", "18", R, "cervical.hpv.red"},
  {"CERVICAL", "ASC-US", "", Y, "cervical.cervical.yellow"},
  {"CERVICAL", "ASC-US", "negative", Y, "cervical.cervical.yellow"},
  {"CERVICAL", "ASC-US", "16", R, "cervical.hpv.red"},
  {"CERVICAL", "LSIL", "", Y, "cervical.cervical.yellow"},
  {"CERVICAL", "LSIL", "other", Y, "cervical.cervical.yellow"},
  {"CERVICAL", "ASC-H", "", R, "cervical.cervical.red"}, {"CERVICAL", "HSIL", "", R, "cervical.cervical.red"},
  {"CERVICAL", "AGC", "", R, "cervical.cervical.red"}, {"CERVICAL", "HSIL", "18", R, "cervical.cervical.red"},
  {"CERVICAL", "SCC", "", R, "cervical.cervical.red.star", true},
  {"CERVICAL", "SCC", "16", R, "cervical.cervical.red.star", true},
  {"BREAST_BIRADS", "0", "", Y, "breast.birads.yellow"}, {"BREAST_BIRADS", "1", "", N, ""},
  {"BREAST_BIRADS", "2", "", N, ""}, {"BREAST_BIRADS", "3", "", Y, "breast.birads.yellow"},
  {"BREAST_BIRADS", "4A", "", R, "breast.birads.red"}, {"BREAST_BIRADS", "4B", "", R, "breast.birads.red"},
  {"BREAST_BIRADS", "4C", "", R, "breast.birads.red"},
  {"BREAST_BIRADS", "5", "", R, "breast.birads.red.star", true},
  {"BREAST_BIRADS", "6", "", R, "breast.birads.red.star", true},
};
// clang-format on

TEST_CASE("shipped rules: numeric boundaries of rules-defaults.md", "[unit]") {
  const RuleSet& rules = ShippedRules();
  for (const NumRow& row : kNumeric) {
    CAPTURE(row.test, row.value);
    Hit h = rules.Evaluate(Num(row.test, row.value));
    CHECK(TierName(h.tier) == TierName(row.tier));
    CHECK(h.rule_id == row.rule_id);
    CHECK(h.green_channel == row.star);
    CHECK(h.critical == row.critical);
  }
}

TEST_CASE("shipped rules: qualitative findings of rules-defaults.md", "[unit]") {
  const RuleSet& rules = ShippedRules();
  for (const QualRow& row : kQualitative) {
    CAPTURE(row.test, row.finding, row.hpv);
    Hit h = rules.Evaluate(Qual(row.test, row.finding, row.hpv));
    CHECK(TierName(h.tier) == TierName(row.tier));
    CHECK(h.rule_id == row.rule_id);
    CHECK(h.green_channel == row.star);
    CHECK_FALSE(h.critical);
  }
}

// A threshold is read with the same conversion as a value, so a decoded value in a
// non-canonical unit that lands on a boundary is on it, not a hair beside it.
TEST_CASE("shipped rules: converted values meet the boundaries exactly", "[unit]") {
  const RuleSet& rules = ShippedRules();
  const decode::Catalog& catalog = ShippedCatalog();
  struct Row {
    const char* test;
    double reported;
    const char* unit;
    const char* rule_id;
  };
  const std::vector<Row> rows = {
      {"GLU", 50.4, "mg/dL", "glucose.glu.red"},      // 50.4 / 18 = 2.8
      {"GLU", 126, "mg/dL", "glucose.glu.yellow"},    // 7.0
      {"HGB", 6.0, "g/dL", "blood.hgb.red"},          // 60
      {"HGB", 9.0, "g/dL", "blood.hgb.green"},        // 90
      {"FEV1_FVC", 70, "%", ""},                      // 0.70
      {"FEV1_FVC", 69, "%", "lung.fev1_fvc.yellow"},  // 0.69
      {"TG", 2.30, "mmol/L", "lipids.tg.yellow"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.test, row.reported, row.unit);
    const decode::TestDef* def = catalog.FindByCode(row.test);
    REQUIRE(def != nullptr);
    const decode::UnitDef* unit = decode::Catalog::FindUnit(*def, row.unit);
    REQUIRE(unit != nullptr);
    Hit h = rules.Evaluate(Num(row.test, decode::ToCanonical(row.reported, *unit)));
    CHECK(h.rule_id == row.rule_id);
  }
}

TEST_CASE("shipped rules: unknown tests, unlisted findings and kind mismatches are none",
          "[unit]") {
  const RuleSet& rules = ShippedRules();
  CHECK(rules.Evaluate(Num("NOPE", 1000)).tier == Tier::kNone);
  CHECK(rules.Evaluate(Qual("LIVER_US", "unheard-of")).tier == Tier::kNone);
  CHECK(rules.Evaluate(Qual("TG", "mass")).tier == Tier::kNone);  // qualitative obs, numeric rules
  CHECK(rules.Evaluate(Num("LIVER_US", 1000)).tier == Tier::kNone);
  CHECK(rules.Evaluate(Num("TG", std::numeric_limits<double>::quiet_NaN())).tier == Tier::kNone);
}

TEST_CASE("shipped rules: every test but the stomach ones has rules", "[unit]") {
  const RuleSet& rules = ShippedRules();
  const std::string table = rules.Describe();
  for (const decode::TestDef& def : ShippedCatalog().tests()) {
    if (def.condition == "stomach") continue;
    CAPTURE(def.code);
    CHECK(table.find("  " + def.code + "  ") != std::string::npos);
  }
  CHECK(table.find("PG1+PG_RATIO") != std::string::npos);
}

}  // namespace
}  // namespace careloop::rules
