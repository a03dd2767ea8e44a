// The one-line result descriptions of `careloop inspect` and the demo summary.
#include <catch2/catch.hpp>

#include "api/worker_view.h"

namespace {

careloop::state::StoredResult Result(const char* test, double value, const char* unit,
                                     double reported, const char* reported_unit) {
  careloop::state::StoredResult r;
  r.m.obs.test = test;
  r.m.obs.value = value;
  r.m.unit = unit;
  r.m.reported_value = reported;
  r.m.reported_unit = reported_unit;
  return r;
}

}  // namespace

TEST_CASE("result lines: 4 significant digits, and the reported value when converted", "[unit]") {
  using careloop::api::DescribeResult;
  auto glu = Result("GLU", 347.3 / 18.016, "mmol/L", 347.3, "mg/dL");
  glu.tier = careloop::Tier::kRed;
  glu.rule_id = "glucose.glu.red";
  CHECK(DescribeResult(glu) == "GLU 19.28 mmol/L, reported 347.3 mg/dL (red, glucose.glu.red)");
  CHECK(DescribeResult(Result("TG", 5.8, "mmol/L", 5.8, "mmol/L")) == "TG 5.8 mmol/L");
  CHECK(DescribeResult(Result("SBP", 124, "mm[Hg]", 124, "")) == "SBP 124 mm[Hg]");
  CHECK(DescribeResult(Result("BMI", 23.456, "kg/m2", 23.456, "kg/m2")) == "BMI 23.46 kg/m2");

  careloop::state::StoredResult us;
  us.m.obs.test = "LIVER_US";
  us.m.obs.qualitative = true;
  us.m.obs.finding = "normal";
  CHECK(DescribeResult(us) == "LIVER_US normal");
}
