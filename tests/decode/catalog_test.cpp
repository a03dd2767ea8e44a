#include "careloop/decode/catalog.h"

#include <catch2/catch.hpp>

#include <charconv>
#include <cmath>
#include <cstring>
#include <random>
#include <string>

using careloop::decode::Catalog;
using careloop::decode::TestDef;
using careloop::decode::ToCanonical;
using careloop::decode::UnitDef;

namespace {

const Catalog& Shipped() {
  static const Catalog cat = [] {
    auto r = Catalog::LoadFile(std::string(CARELOOP_SOURCE_DIR) + "/config/tests.yaml");
    if (!r.ok()) FAIL(r.status().ToString());
    return std::move(r).value();
  }();
  return cat;
}

// Converts `value` in `unit` for test `code` with the shipped catalog.
double Convert(const char* code, const char* unit, double value) {
  const TestDef* t = Shipped().FindByCode(code);
  REQUIRE(t != nullptr);
  const UnitDef* u = Catalog::FindUnit(*t, unit);
  REQUIRE(u != nullptr);
  return ToCanonical(value, *u);
}

std::string LoadError(const std::string& yaml) {
  auto r = Catalog::LoadString(yaml, "t.yaml");
  REQUIRE_FALSE(r.ok());
  return r.status().message();
}

}  // namespace

TEST_CASE("shipped catalog lists every contract test with its condition", "[unit]") {
  const std::pair<const char*, const char*> expected[] = {
      {"TG", "lipids"},           {"TC", "lipids"},          {"LDL", "lipids"},
      {"HDL", "lipids"},          {"SBP", "blood_pressure"}, {"DBP", "blood_pressure"},
      {"HR", "cardiac"},          {"GLU", "glucose"},        {"HBA1C", "glucose"},
      {"ALT", "liver"},           {"AST", "liver"},          {"LIVER_US", "liver"},
      {"AFP", "tumour_marker"},   {"K", "electrolytes"},     {"NA", "electrolytes"},
      {"HGB", "blood"},           {"PLT", "blood"},          {"BMI", "body"},
      {"BMD_T", "bone"},          {"FEV1_FVC", "lung"},      {"PG1", "stomach"},
      {"PG_RATIO", "stomach"},    {"G17", "stomach"},        {"CERVICAL", "cervical"},
      {"BREAST_BIRADS", "breast"}};
  REQUIRE(Shipped().tests().size() == std::size(expected));
  for (auto [code, condition] : expected) {
    INFO(code);
    const TestDef* t = Shipped().FindByCode(code);
    REQUIRE(t != nullptr);
    CHECK(t->condition == condition);
    CHECK_FALSE(t->name.empty());
    if (!t->qualitative) {
      CHECK(t->min.has_value());
      CHECK(t->max.has_value());
    }
  }
  CHECK(Shipped().conditions() ==
        std::vector<std::string>{"lipids", "blood_pressure", "cardiac", "glucose", "liver",
                                 "tumour_marker", "electrolytes", "blood", "body", "bone", "lung",
                                 "stomach", "cervical", "breast"});
  CHECK(Shipped().FindByCode("XYZ") == nullptr);
  CHECK(Shipped().FindByCode("tg") == nullptr);  // codes are exact
}

TEST_CASE("every LOINC code of the contract maps to its test", "[unit]") {
  const std::pair<const char*, const char*> loincs[] = {
      {"2571-8", "TG"},     {"14927-8", "TG"},       {"2093-3", "TC"},       {"14647-2", "TC"},
      {"13457-7", "LDL"},   {"18262-6", "LDL"},      {"22748-8", "LDL"},     {"2085-9", "HDL"},
      {"14646-4", "HDL"},   {"8480-6", "SBP"},       {"8462-4", "DBP"},      {"8867-4", "HR"},
      {"1558-6", "GLU"},    {"14771-0", "GLU"},      {"4548-4", "HBA1C"},    {"1742-6", "ALT"},
      {"1920-8", "AST"},    {"1834-1", "AFP"},       {"19176-7", "AFP"},     {"2823-3", "K"},
      {"2951-2", "NA"},     {"718-7", "HGB"},        {"777-3", "PLT"},       {"39156-5", "BMI"},
      {"38265-5", "BMD_T"}, {"19926-5", "FEV1_FVC"}, {"47527-7", "CERVICAL"}};
  for (auto [loinc, code] : loincs) {
    INFO(loinc);
    const TestDef* t = Shipped().FindByLoinc(loinc);
    REQUIRE(t != nullptr);
    CHECK(t->code == code);
  }
  CHECK(Shipped().FindByLoinc("0000-0") == nullptr);
  CHECK(Shipped().FindByLoinc("TG") == nullptr);
}

TEST_CASE("unit conversions follow the contract", "[unit]") {
  CHECK(Convert("TG", "mmol/L", 2.91) == 2.91);
  CHECK(Convert("TG", "mg/dL", 200) == Approx(200 / 88.57));
  CHECK(Convert("TG", "mg/dl", 88.57) == 1.0);  // case-insensitive, snapped
  for (const char* code : {"TC", "LDL", "HDL"}) {
    INFO(code);
    CHECK(Convert(code, "mmol/L", 5.2) == 5.2);
    CHECK(Convert(code, "mg/dL", 38.67) == 1.0);
    CHECK(Convert(code, "mg/dL", 240) == Approx(240 / 38.67));
  }
  CHECK(Convert("GLU", "mg/dL", 50.4) == 2.8);  // 2.8000000000000003 without snapping
  CHECK(Convert("GLU", "mg/dL", 126) == 7.0);
  CHECK(Convert("GLU", "mmol/L", 6.1) == 6.1);
  for (const char* u : {"mm[Hg]", "mmHg", "MMHG"}) {
    CHECK(Convert("SBP", u, 180) == 180);
    CHECK(Convert("DBP", u, 110) == 110);
  }
  CHECK(Convert("HR", "/min", 72) == 72);
  CHECK(Convert("HR", "bpm", 72) == 72);
  CHECK(Convert("HBA1C", "%", 6.5) == 6.5);
  CHECK(Convert("ALT", "U/L", 41) == 41);
  CHECK(Convert("AST", "U/L", 300) == 300);
  for (const char* u : {"ng/mL", "µg/L", "ug/L"}) CHECK(Convert("AFP", u, 486) == 486);
  CHECK(Convert("AFP", "IU/mL", 100) == 121);
  CHECK(Convert("AFP", "IU/mL", 330.578512397) == 400);  // 399.99999999... snaps to 400
  CHECK(Convert("K", "mmol/L", 2.8) == 2.8);
  CHECK(Convert("NA", "mmol/L", 160) == 160);
  CHECK(Convert("HGB", "g/L", 60) == 60);
  CHECK(Convert("HGB", "g/dL", 6.0) == 60);
  CHECK(Convert("HGB", "g/dL", 11.3) == 113);  // 112.99999999999999 without snapping
  for (const char* u : {"10*9/L", "10^9/L", "x10^9/L"}) CHECK(Convert("PLT", u, 30) == 30);
  CHECK(Convert("BMI", "kg/m2", 28) == 28);
  CHECK(Convert("BMI", "kg/m^2", 18.5) == 18.5);
  for (const char* u : {"", "1"}) {
    CHECK(Convert("BMD_T", u, -2.5) == -2.5);
    CHECK(Convert("PG_RATIO", u, 3.0) == 3.0);
  }
  for (const char* u : {"ratio", "", "1"}) CHECK(Convert("FEV1_FVC", u, 0.7) == 0.7);
  CHECK(Convert("FEV1_FVC", "%", 70) == 0.7);
  CHECK(Convert("FEV1_FVC", "%", 69) == 0.69);
  CHECK(Convert("PG1", "ng/mL", 70) == 70);
  CHECK(Convert("G17", "pmol/L", 15) == 15);
}

TEST_CASE("canonical units and unknown units", "[unit]") {
  const Catalog& c = Shipped();
  CHECK(c.FindByCode("TG")->canonical_unit == "mmol/L");
  CHECK(c.FindByCode("SBP")->canonical_unit == "mm[Hg]");
  CHECK(c.FindByCode("HR")->canonical_unit == "/min");
  CHECK(c.FindByCode("AFP")->canonical_unit == "ng/mL");
  CHECK(c.FindByCode("HGB")->canonical_unit == "g/L");
  CHECK(c.FindByCode("PLT")->canonical_unit == "10*9/L");
  CHECK(c.FindByCode("BMI")->canonical_unit == "kg/m2");
  CHECK(c.FindByCode("BMD_T")->canonical_unit.empty());
  CHECK(c.FindByCode("PG_RATIO")->canonical_unit.empty());
  CHECK(c.FindByCode("FEV1_FVC")->canonical_unit == "ratio");
  CHECK(Catalog::FindUnit(*c.FindByCode("TG"), "g/L") == nullptr);
  CHECK(Catalog::FindUnit(*c.FindByCode("TG"), "") == nullptr);  // unit required
  CHECK(Catalog::FindUnit(*c.FindByCode("SBP"), "kPa") == nullptr);
  CHECK(Catalog::FindUnit(*c.FindByCode("BMD_T"), "%") == nullptr);
  CHECK(Catalog::FindUnit(*c.FindByCode("HGB"), "mg/dL") == nullptr);
}

TEST_CASE("qualitative tests list their findings", "[unit]") {
  const Catalog& c = Shipped();
  const TestDef* liver = c.FindByCode("LIVER_US");
  REQUIRE(liver->qualitative);
  CHECK(liver->findings ==
        std::vector<std::string>{"normal", "mild", "moderate", "severe", "mass"});
  CHECK(liver->hpv.empty());
  const TestDef* cerv = c.FindByCode("CERVICAL");
  REQUIRE(cerv->qualitative);
  CHECK(cerv->findings ==
        std::vector<std::string>{"NILM", "ASC-US", "LSIL", "ASC-H", "HSIL", "AGC", "SCC"});
  CHECK(cerv->hpv == std::vector<std::string>{"negative", "other", "16", "18"});
  const TestDef* birads = c.FindByCode("BREAST_BIRADS");
  REQUIRE(birads->qualitative);
  CHECK(birads->findings ==
        std::vector<std::string>{"0", "1", "2", "3", "4A", "4B", "4C", "5", "6"});
  CHECK(birads->units.empty());
}

TEST_CASE("plausible ranges hold every rule boundary", "[unit]") {
  struct Case {
    const char* code;
    double lo, hi;  // the lowest and highest boundary of rules-defaults.md
  };
  const Case cases[] = {{"TG", 1.70, 5.65},       {"TC", 5.20, 6.20}, {"LDL", 3.40, 4.90},
                        {"HDL", 1.00, 1.00},      {"SBP", 120, 180},  {"DBP", 80, 110},
                        {"HR", 45, 150},          {"GLU", 2.8, 16.7}, {"HBA1C", 5.7, 6.5},
                        {"ALT", 40, 300},         {"AST", 40, 300},   {"AFP", 20, 400},
                        {"K", 2.8, 6.2},          {"NA", 120, 160},   {"HGB", 60, 110},
                        {"PLT", 30, 125},         {"BMI", 18.5, 28},  {"BMD_T", -2.5, -1.0},
                        {"FEV1_FVC", 0.70, 0.70}, {"PG1", 70, 70},    {"PG_RATIO", 3.0, 3.0}};
  for (const Case& c : cases) {
    INFO(c.code);
    const TestDef* t = Shipped().FindByCode(c.code);
    REQUIRE(t != nullptr);
    CHECK(*t->min < c.lo);
    CHECK(*t->max > c.hi);
  }
}

TEST_CASE("ToCanonical snaps to 12 significant digits", "[unit]") {
  UnitDef div18{"mg/dL", 1, 18.0};
  CHECK(ToCanonical(50.4, div18) == 2.8);
  CHECK(ToCanonical(0, div18) == 0);
  CHECK(ToCanonical(-45, UnitDef{"x", 1, 1}) == -45);
  CHECK(ToCanonical(1.0000000000004, UnitDef{"x", 1, 1}) == 1.0);
  CHECK(ToCanonical(123456789012345.0, UnitDef{"x", 1, 1}) == 123456789012000.0);
  CHECK(ToCanonical(0.000123456789012345, UnitDef{"x", 1, 1}) == 0.000123456789012);
}

// The snapping as written out in full: 12 significant digits as text, and back.
double SnapByText(double v) {
  if (!std::isfinite(v) || v == 0) return v;
  char buf[40];
  auto out = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific, 11);
  double snapped = v;
  std::from_chars(buf, out.ptr, snapped);
  return snapped;
}

TEST_CASE("ToCanonical's shortcut for short decimals gives what the text round trip gives",
          "[unit]") {
  // Decimals as reported (1 to 14 digits, 0 to 8 places, either sign), their neighbours one
  // ulp away, and arbitrary doubles: the fast path (a short decimal is its own snap) and
  // the text round trip must agree on every one, with and without a conversion factor.
  std::mt19937_64 rng(20261202);
  const UnitDef same{"x", 1, 1};
  const UnitDef div18{"mg/dL", 1, 18.0};
  const UnitDef times1000{"g/L", 1000, 1};
  int checked = 0;
  for (int i = 0; i < 100000; ++i) {
    const int digits = 1 + static_cast<int>(rng() % 14);
    const int places = static_cast<int>(rng() % 9);
    std::string text = std::to_string(rng() % 100000000000000ULL).substr(0, digits);
    if (places > 0 && places < static_cast<int>(text.size())) {
      text.insert(text.size() - places, ".");
    }
    if (rng() % 2) text.insert(0, "-");
    double v = 0;
    std::from_chars(text.data(), text.data() + text.size(), v);
    for (double x : {v, std::nextafter(v, HUGE_VAL), std::nextafter(v, -HUGE_VAL)}) {
      for (const UnitDef* u : {&same, &div18, &times1000}) {
        const double converted = x * u->multiply / u->divide;
        REQUIRE(ToCanonical(x, *u) == SnapByText(converted));
        ++checked;
      }
    }
    double bits_value = 0;
    const std::uint64_t bits = rng();
    std::memcpy(&bits_value, &bits, sizeof bits_value);
    if (std::isfinite(bits_value)) {
      REQUIRE(ToCanonical(bits_value, same) == SnapByText(bits_value));
      ++checked;
    }
  }
  CHECK(checked > 500000);
}

TEST_CASE("loader errors name file, line and what is wrong", "[unit]") {
  const std::string head = "tests:\n  - code: TG\n    name: triglycerides\n    condition: lipids\n";
  SECTION("valid minimal catalog") {
    auto r = Catalog::LoadString(head + "    units: [mmol/L]\n", "t.yaml");
    REQUIRE(r.ok());
    CHECK(r->FindByCode("TG")->canonical_unit == "mmol/L");
    CHECK_FALSE(r->FindByCode("TG")->min.has_value());
  }
  SECTION("yaml syntax error") {
    CHECK_THAT(LoadError("tests: [\n  - {code: TG\n"), Catch::StartsWith("t.yaml:"));
  }
  SECTION("empty document") {
    CHECK(LoadError("") == "t.yaml: expected a map with a 'tests:' list");
  }
  SECTION("unknown top-level key") {
    CHECK(LoadError("tests: []\nextra: 1\n") ==
          "t.yaml:2: unknown top-level field 'extra' (tests)");
  }
  SECTION("tests not a list") {
    CHECK(LoadError("tests: {a: 1}\n") == "t.yaml:1: 'tests' must be a non-empty list");
  }
  SECTION("test not a map") {
    CHECK(LoadError("tests:\n  - TG\n") == "t.yaml:2: test #1: must be a map");
  }
  SECTION("missing code") {
    CHECK(LoadError("tests:\n  - name: x\n    condition: y\n    units: [a]\n") ==
          "t.yaml:2: test #1: 'code' is required");
  }
  SECTION("bad code") {
    CHECK(LoadError("tests:\n  - code: tg\n") ==
          "t.yaml:2: test #1: code 'tg' must be upper-case letters, digits and _");
  }
  SECTION("unknown field") {
    CHECK_THAT(LoadError(head + "    unit: mmol/L\n"),
               Catch::StartsWith("t.yaml:5: test TG: unknown field 'unit'"));
  }
  SECTION("zero divide") {
    CHECK(LoadError(head + "    units: [mmol/L, {name: mg/dL, divide: 0}]\n") ==
          "t.yaml:5: test TG: unit 'mg/dL' needs multiply and divide > 0");
  }
  SECTION("non-numeric factor") {
    CHECK(
        LoadError(head + "    units:\n      - mmol/L\n      - name: mg/dL\n        divide: x\n") ==
        "t.yaml:8: test TG: 'divide' must be a finite number");
  }
  SECTION("canonical unit with a factor") {
    CHECK(LoadError(head + "    units: [{name: mg/dL, divide: 88.57}]\n") ==
          "t.yaml:5: test TG: the first unit 'mg/dL' is the canonical one and cannot have a "
          "conversion factor");
  }
  SECTION("duplicate unit, case-insensitively") {
    CHECK(LoadError(head + "    units: [mmol/L, MMOL/L]\n") ==
          "t.yaml:5: test TG: unit 'MMOL/L' is listed twice");
  }
  SECTION("plausible min above max") {
    CHECK(LoadError(head + "    units: [mmol/L]\n    plausible: [10, 1]\n") ==
          "t.yaml:6: test TG: 'plausible' min is above max");
  }
  SECTION("plausible not a pair") {
    CHECK(LoadError(head + "    units: [mmol/L]\n    plausible: 3\n") ==
          "t.yaml:6: test TG: 'plausible' must be [min, max]");
  }
  SECTION("no units nor findings") {
    CHECK(LoadError(head) == "t.yaml:2: test TG: needs 'units' or 'findings'");
  }
  SECTION("both units and findings") {
    CHECK(LoadError(head + "    units: [a]\n    findings: [x]\n") ==
          "t.yaml:5: test TG: has both 'findings' and 'units'");
  }
  SECTION("hpv on a quantitative test") {
    CHECK(LoadError(head + "    units: [a]\n    hpv: [x]\n") ==
          "t.yaml:6: test TG: 'hpv' needs a qualitative test");
  }
  SECTION("duplicate finding") {
    CHECK(LoadError(head + "    findings: [a, b, a]\n") ==
          "t.yaml:5: test TG: 'findings' lists 'a' twice");
  }
  SECTION("duplicate code") {
    CHECK(LoadError(head + "    units: [a]\n" +
                    "  - code: TG\n    name: x\n    condition: y\n"
                    "    units: [a]\n") == "t.yaml:6: test TG: code is defined twice");
  }
  SECTION("LOINC naming two tests") {
    CHECK(LoadError(head + "    units: [a]\n    loinc: [\"1-1\"]\n" +
                    "  - code: TC\n    name: x\n    condition: y\n    units: [a]\n"
                    "    loinc: [\"1-1\"]\n") ==
          "t.yaml:7: test TC: LOINC 1-1 already names test TG");
  }
  SECTION("missing condition") {
    CHECK(LoadError("tests:\n  - code: TG\n    name: x\n    units: [a]\n") ==
          "t.yaml:2: test TG: 'condition' is required");
  }
  SECTION("missing file") {
    auto r = Catalog::LoadFile("/nonexistent/tests.yaml");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message() == "/nonexistent/tests.yaml: cannot open the test catalog");
  }
}
