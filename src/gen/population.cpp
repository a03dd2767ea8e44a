#include "gen/population.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "gen/report.h"

namespace careloop::gen {
namespace {

// Loadings of the derived traits on the metabolic factor.
constexpr double kLoadTg = 0.45, kLoadTc = 0.30, kLoadBp = 0.40, kLoadLiver = 0.50;
constexpr double kLoadGlu = 0.35, kLoadBmi = 0.55;
constexpr double kBpCorrelation = 0.70;  // SBP with DBP

// Standard-normal quantiles for the LIVER_US categories (normal 75 %, mild 14 %,
// moderate 8 %, severe 3 %) and the diabetic share (6 %).
constexpr double kLiverMild = 0.6745, kLiverModerate = 1.2265, kLiverSevere = 1.8808;
constexpr double kDiabetic = 1.5548;

// Per-worker rarities.
constexpr double kAfpMajor = 0.00016, kAfpHigh = 0.0001, kAfpRaised = 0.0022;
constexpr double kLiverMass = 0.0001;

double Load(double rho, double factor, double own) {
  return rho * factor + std::sqrt(1 - rho * rho) * own;
}

// The correlated trait `t` of `w`.
double Z(const WorkerProfile& w, Trait t) {
  const auto& b = w.base;
  switch (t) {
    case kTg:
      return Load(kLoadTg, b[kMetabolic], b[kTg]);
    case kTc:
      return Load(kLoadTc, b[kMetabolic], b[kTc]);
    case kSbp:
      return Load(kLoadBp, b[kMetabolic], b[kSbp]);
    case kDbp:
      return Load(kBpCorrelation, Z(w, kSbp), b[kDbp]);
    case kLiver:
      return Load(kLoadLiver, b[kMetabolic], b[kLiver]);
    case kGlu:
      return Load(kLoadGlu, b[kMetabolic], b[kGlu]);
    case kBmi:
      return Load(kLoadBmi, b[kMetabolic], b[kBmi]);
    case kAlt:
      return Load(0.5, Z(w, kLiver), b[kAlt]);
    default:
      return b[t];
  }
}

double Skewed(double mean, double sd, double curve, double z) {
  const double up = std::max(z, 0.0);
  return mean + sd * z + curve * up * up;
}

double LogNormal(double median, double sigma, double z) { return median * std::exp(sigma * z); }

template <std::size_t N>
std::string_view PickOf(Rng& rng, const std::array<std::string_view, N>& names,
                        const std::array<double, N>& weights) {
  return names[rng.Pick(weights)];
}

// Rates from domain.md §1 (Guangdong 2025: 376 of 12,000 high-risk cervical, 93 breast).
// Cervical red (ASC-H, HSIL, AGC, hpv 16/18) = 1 - (1 - 0.0086)(1 - 0.023) = 3.1 %.
constexpr std::array<std::string_view, 7> kCytology = {"NILM", "ASC-US", "LSIL", "ASC-H",
                                                       "HSIL", "AGC",    "SCC"};
constexpr std::array<double, 7> kCytologyW = {0.93632, 0.040,  0.015,  0.0030,
                                              0.0045,  0.0011, 0.00008};
constexpr std::array<std::string_view, 4> kHpv = {"negative", "other", "16", "18"};
constexpr std::array<double, 4> kHpvW = {0.877, 0.100, 0.016, 0.007};
// Breast high risk (4A 4B 4C 5) = 0.775 %.
constexpr std::array<std::string_view, 8> kBirads = {"1", "2", "0", "3", "4A", "4B", "4C", "5"};
constexpr std::array<double, 8> kBiradsW = {0.55025, 0.34,   0.052,   0.05,
                                            0.0046,  0.0018, 0.00105, 0.0003};

}  // namespace

WorkerProfile DrawWorker(std::uint64_t seed, std::string_view prefix, std::uint64_t index) {
  Rng rng(MixSeed(seed, index, 0x0a11));
  WorkerProfile w;
  w.index = index;
  w.id = fmt::format("{}{:07d}", prefix, index + 1);
  w.female = rng.Chance(0.48);
  std::vector<double> weights;
  for (const Site& s : Sites()) weights.push_back(s.weight);
  w.site = rng.Pick(weights);
  for (double& z : w.base) z = rng.Normal();
  const double u = rng.Uniform();
  if (u < kAfpMajor) {
    w.afp = AfpClass::kMajor;
  } else if (u < kAfpMajor + kAfpHigh) {
    w.afp = AfpClass::kHigh;
  } else if (u < kAfpMajor + kAfpHigh + kAfpRaised) {
    w.afp = AfpClass::kRaised;
  }
  w.liver_mass = rng.Chance(kLiverMass);
  return w;
}

WorkerProfile Drift(const WorkerProfile& w, Rng& rng) {
  WorkerProfile d = w;
  for (double& z : d.base) z = 0.8 * z + 0.6 * rng.Normal();
  return d;
}

std::vector<Value> DrawExam(const WorkerProfile& w, int exam_no, Rng& rng) {
  std::vector<Value> v;  // added in Test order
  auto add = [&](Test t, double x) {
    const TestInfo& info = Info(t);
    v.push_back({t, std::clamp(x, info.low, info.high), {}, {}});
  };
  const bool diabetic = Z(w, kGlu) > kDiabetic;
  const double tg = LogNormal(1.4371, 0.55, Z(w, kTg));
  const double tc = 4.86 + 0.95 * Z(w, kTc);
  add(Test::kTG, tg);
  add(Test::kTC, tc);
  add(Test::kLDL, 0.62 * tc - 0.10 + 0.35 * rng.Normal());
  add(Test::kHDL, (w.female ? 1.42 : 1.18) - 0.10 * Z(w, kTg) + 0.22 * rng.Normal());
  add(Test::kSBP, Skewed(123, 14, 2.5, Z(w, kSbp)));
  add(Test::kDBP, Skewed(78, 9, 0.8, Z(w, kDbp)));
  if (rng.Chance(0.70)) add(Test::kHR, 76 + 10 * Z(w, kHr));
  if (rng.Chance(0.80)) {
    add(Test::kGLU,
        diabetic ? LogNormal(8.0, 0.33, rng.Normal()) : LogNormal(5.0, 0.10, rng.Normal()));
  }
  if (rng.Chance(diabetic ? 0.60 : 0.20)) {
    add(Test::kHBA1C, diabetic ? 7.4 + 1.1 * rng.Normal() : 5.3 + 0.3 * rng.Normal());
  }
  if (rng.Chance(0.65)) {
    const bool flare = rng.Chance(0.0008);  // acute hepatitis
    const double alt = flare ? rng.Between(320, 900) : LogNormal(22, 0.5, Z(w, kAlt));
    add(Test::kALT, alt);
    add(Test::kAST, flare ? alt * rng.Between(0.6, 0.9)
                          : LogNormal(21, 0.35, Load(0.7, Z(w, kAlt), rng.Normal())));
  }
  if (w.afp == AfpClass::kMajor || w.afp == AfpClass::kHigh || rng.Chance(0.55)) {
    double afp = LogNormal(2.8, 0.45, rng.Normal());
    if (w.afp == AfpClass::kRaised) afp = std::exp(rng.Between(std::log(21.0), std::log(190.0)));
    if (w.afp == AfpClass::kHigh) afp = rng.Between(205, 390);
    if (w.afp == AfpClass::kMajor) afp = std::exp(rng.Between(std::log(450.0), std::log(3000.0)));
    add(Test::kAFP, afp);
  }
  if (rng.Chance(0.25)) {
    add(Test::kK, 4.2 + 0.32 * rng.Normal());
    add(Test::kNA, 140.5 + 2.3 * rng.Normal());
  }
  if (rng.Chance(0.30)) {
    add(Test::kHGB, (w.female ? 132 : 152) + 11 * Z(w, kHgb));
    add(Test::kPLT, 235 + 55 * Z(w, kPlt));
  }
  if (rng.Chance(0.75)) add(Test::kBMI, Skewed(23.9, 3.4, 0.4, Z(w, kBmi)));
  if (rng.Chance(0.15)) add(Test::kBMD_T, (w.female ? -0.6 : -0.3) + Z(w, kBmd));
  if (rng.Chance(0.15)) add(Test::kFEV1_FVC, 0.81 + 0.055 * Z(w, kFev));
  if (rng.Chance(0.15)) {
    add(Test::kPG1, LogNormal(105, 0.38, Z(w, kPg)));
    add(Test::kPG_RATIO, LogNormal(7.5, 0.4, Load(0.6, Z(w, kPg), rng.Normal())));
    add(Test::kG17, LogNormal(4.0, 0.8, rng.Normal()));
  }
  const double liver = Z(w, kLiver);
  std::string_view us = liver < kLiverMild       ? "normal"
                        : liver < kLiverModerate ? "mild"
                        : liver < kLiverSevere   ? "moderate"
                                                 : "severe";
  if (w.liver_mass) us = "mass";
  v.push_back({Test::kLIVER_US, 0, us, {}});
  if (w.female && exam_no == 1) {
    v.push_back({Test::kCERVICAL, 0, PickOf(rng, kCytology, kCytologyW), PickOf(rng, kHpv, kHpvW)});
    v.push_back({Test::kBREAST_BIRADS, 0, PickOf(rng, kBirads, kBiradsW), {}});
  }
  return v;
}

Severity Assess(const std::vector<Value>& values) {
  Severity s;
  auto mark = [&s](bool red, bool yellow) {
    s.red = s.red || red;
    s.abnormal = s.abnormal || red || yellow;
  };
  for (const Value& v : values) {
    const double x = v.canonical;
    const std::string_view f = v.finding;
    switch (v.test) {
      case Test::kTG:
        mark(x >= 5.65, x >= 2.30);
        break;
      case Test::kTC:
        mark(false, x >= 6.20);
        break;
      case Test::kLDL:
        mark(x >= 4.90, x >= 4.10);
        break;
      case Test::kSBP:
        mark(x >= 180, x >= 140);
        break;
      case Test::kDBP:
        mark(x >= 110, x >= 90);
        break;
      case Test::kHR:
        mark(x >= 150 || x <= 45, x >= 120 || x < 50);
        break;
      case Test::kGLU:
        mark(x >= 16.7 || x <= 2.8, x >= 7.0 || x < 3.9);
        break;
      case Test::kALT:
      case Test::kAST:
        mark(x >= 300, x >= 80);
        break;
      case Test::kAFP:
        mark(x >= 200, x > 20);
        break;
      case Test::kK:
        mark(x <= 2.8 || x >= 6.2, x < 3.0 || x >= 5.5);
        break;
      case Test::kNA:
        mark(x <= 120 || x >= 160, x < 130 || x >= 150);
        break;
      case Test::kHGB:
        mark(x <= 60, x < 90);
        break;
      case Test::kPLT:
        mark(x <= 30, x < 100);
        break;
      case Test::kBMI:
        mark(false, x >= 28 || x < 18.5);
        break;
      case Test::kLIVER_US:
        mark(f == "mass", f == "moderate" || f == "severe");
        break;
      case Test::kCERVICAL:
        mark(f == "ASC-H" || f == "HSIL" || f == "AGC" || f == "SCC" || v.hpv == "16" ||
                 v.hpv == "18",
             f == "ASC-US" || f == "LSIL" || v.hpv == "other");
        break;
      case Test::kBREAST_BIRADS:
        mark(f == "4A" || f == "4B" || f == "4C" || f == "5", f == "0" || f == "3");
        break;
      default:
        break;
    }
  }
  return s;
}

}  // namespace careloop::gen
