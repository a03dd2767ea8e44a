#include "gen/report.h"

#include <array>
#include <cmath>

namespace careloop::gen {
namespace {

constexpr std::array<Site, 9> kSites = {{
    {"cq-yjp-van-01", "van01", 0.14, false, false},
    {"cq-yjp-van-02", "van02", 0.14, false, false},
    {"cq-yjp-van-03", "van03", 0.14, false, false},
    {"cq-yjp-van-04", "van04", 0.14, false, false},
    {"cq-lj-hp-02", "hp02", 0.12, false, false},       // industrial-park health point
    {"cq-jb-hp-05", "hp05", 0.09, false, false},       // office-tower health point
    {"cq-ysw-rest-01", "rest01", 0.08, false, false},  // rest station
    {"cq-hosp-lab-01", "hosp01", 0.08, true, true},    // partner hospital laboratory
    {"cq-clinic-lab-07", "lab07", 0.07, true, false},  // partner clinic laboratory
}};

// Which unit form (index into Units()) each test uses in one exam.
struct UnitChoice {
  std::size_t us = 0, bp = 0, hr = 0, afp = 0, electrolytes = 0, plt = 0, fev = 0;
};

std::size_t FormOf(Test t, const UnitChoice& c) {
  switch (t) {
    case Test::kTG:
    case Test::kTC:
    case Test::kLDL:
    case Test::kHDL:
    case Test::kGLU:
    case Test::kHGB:
      return c.us;
    case Test::kSBP:
    case Test::kDBP:
      return c.bp;
    case Test::kHR:
      return c.hr;
    case Test::kAFP:
      return c.afp;
    case Test::kK:
    case Test::kNA:
      return c.electrolytes;
    case Test::kPLT:
      return c.plt;
    case Test::kFEV1_FVC:
      return c.fev;
    default:
      return 0;
  }
}

}  // namespace

std::span<const Site> Sites() { return kSites; }

double RoundTo(double x, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(x * scale) / scale;
}

void SetCanonical(ReportedResult* r, double canonical) {
  const TestInfo& info = Info(r->test);
  double per = 1;
  for (const UnitForm& u : Units(r->test)) {
    if (u.name == r->unit) per = u.per_canonical;
  }
  r->value = RoundTo(canonical * per, r->decimals);
  if (info.ref_low != info.ref_high) {
    r->ref_low = RoundTo(info.ref_low * per, r->decimals);
    r->ref_high = RoundTo(info.ref_high * per, r->decimals);
  }
  if (r->has_reference) {
    r->flag = r->value > r->ref_high ? "H" : r->value < r->ref_low ? "L" : "N";
  }
}

std::vector<ReportedResult> Present(const std::vector<Value>& values, const Site& site, Rng& rng) {
  UnitChoice c;
  c.us = site.us_units ? 1 : 0;
  c.bp = rng.Chance(0.3) ? 1 : 0;
  c.hr = rng.Chance(0.2) ? 1 : 0;
  const double u = rng.Uniform();
  c.afp = u < 0.75 ? 0 : u < 0.90 ? 1 : 2;  // ng/mL, IU/mL, µg/L
  c.electrolytes = rng.Chance(0.1) ? 1 : 0;
  c.plt = rng.Chance(0.3) ? 1 : 0;
  c.fev = rng.Chance(0.3) ? 1 : 0;

  std::vector<ReportedResult> out;
  out.reserve(values.size());
  for (const Value& v : values) {
    const TestInfo& info = Info(v.test);
    ReportedResult r;
    r.test = v.test;
    r.code = info.code;
    const std::size_t loincs = LoincCount(v.test);
    if (loincs > 0 && rng.Chance(0.12)) r.loinc = info.loinc[rng.Below(loincs)];
    if (info.qualitative) {
      r.quantitative = false;
      r.finding = v.finding;
      r.hpv = v.hpv;
    } else {
      const UnitForm& form = Units(v.test)[FormOf(v.test, c)];
      r.unit = form.name;
      r.decimals = form.decimals;
      r.has_reference = site.reference_ranges && info.ref_low != info.ref_high;
      SetCanonical(&r, v.canonical);
    }
    out.push_back(r);
  }
  return out;
}

}  // namespace careloop::gen
