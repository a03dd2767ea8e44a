// How a site writes an exam: the exam sites (vans, health service points, labs) and the
// presentation of canonical values as reported results: the unit each site uses (US
// units at the labs, ~15 % of exams), LOINC-only naming (~10 % of results), reference
// intervals and flags where a lab sends them.
//
// Thread-safety: Sites() is immutable static data; Present is a pure function of its
// arguments (the Rng is the caller's).
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "gen/population.h"
#include "gen/random.h"
#include "gen/test_table.h"

namespace careloop::gen {

struct Site {
  std::string_view name;        // the event's `source`, e.g. "cq-yjp-van-03"
  std::string_view short_name;  // event id prefix, e.g. "van03"
  double weight;                // share of workers examined there
  bool us_units;                // lipids and glucose in mg/dL, HGB in g/dL
  bool reference_ranges;        // sends ref_low / ref_high / flag
};
std::span<const Site> Sites();

// One result as it appears in a report. Empty strings are fields left out.
struct ReportedResult {
  Test test = Test::kTG;
  std::string_view code;     // `test`, unless `loinc` names it
  std::string_view loinc;    // non-empty: the result is named by LOINC only
  bool quantitative = true;  // value + unit, else finding (+ hpv)
  double value = 0;          // in `unit`, already rounded to `decimals`
  int decimals = 0;
  std::string_view unit;
  bool value_as_string = false;  // bad input: "2.91" instead of 2.91
  std::string_view finding;
  std::string_view hpv;
  bool has_reference = false;
  double ref_low = 0, ref_high = 0;
  std::string_view flag;
  std::string_view status;  // "", "preliminary" or "corrected"
};

// Rounds half away from zero to `decimals` places.
double RoundTo(double x, int decimals);

// The values of one exam as `site` writes them; unit and naming choices are drawn
// once per exam, so all its lipids share a unit.
std::vector<ReportedResult> Present(const std::vector<Value>& values, const Site& site, Rng& rng);

// `r` with a new canonical value (a corrected re-send), keeping its unit and naming.
void SetCanonical(ReportedResult* r, double canonical);

}  // namespace careloop::gen
