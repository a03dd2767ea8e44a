// The population model: who a worker is (latent traits that persist between exams) and
// what one exam measures, in canonical units.
//
// Calibration (domain.md §1, rules-defaults.md): the marginal of every latent trait is
// standard normal, so the first-exam shares are fixed by the value formulas:
//   TG  = exp(0.3626 + 0.55 z)            P(TG >= 1.70)  = 38 %, P(>= 5.65) = 0.6 %
//   TC  = 4.86 + 0.95 z                   P(TC >= 5.20)  = 36 %
//   LIVER_US by z: mild 14 %, moderate 8 %, severe 3 % (25 %), mass ~0.01 % (★)
//   SBP = 123 + 14 z + 2.5 max(z,0)^2, DBP = 78 + 9 z' + 0.8 max(z',0)^2, corr(z,z') 0.7:
//                                         P(SBP >= 140 or DBP >= 90) = 21 %,
//                                         P(SBP >= 180) = 0.3 %, P(DBP >= 110) = 0.25 %
//   AFP >= 400 ng/mL (★) in ~0.016 % of workers; with SCC and BI-RADS 5, ★ ~0.05 %.
// A shared metabolic factor correlates lipids, blood pressure, liver, glucose and BMI
// without changing these marginals. A second exam drifts every trait
// (z' = 0.8 z + 0.6 e), which keeps the marginals and moves tiers both ways.
//
// Thread-safety: pure functions of their arguments (the Rng is the caller's).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gen/random.h"
#include "gen/test_table.h"

namespace careloop::gen {

// Independent standard-normal traits; the correlated ones are derived from them.
enum Trait : std::uint8_t {
  kMetabolic,
  kTg,
  kTc,
  kSbp,
  kDbp,
  kLiver,
  kGlu,
  kBmi,
  kAlt,
  kHr,
  kPg,
  kBmd,
  kFev,
  kHgb,
  kPlt,
  kTraitCount
};

// Rare persistent AFP elevations (the rest is normal, < 20 ng/mL).
enum class AfpClass : std::uint8_t { kNormal, kRaised, kHigh, kMajor };

struct WorkerProfile {
  std::uint64_t index = 0;
  std::string id;                          // prefix + 7 digits, index + 1
  bool female = false;                     // ~48 %
  std::size_t site = 0;                    // usual exam site, index into Sites()
  std::array<double, kTraitCount> base{};  // i.i.d. N(0, 1)
  AfpClass afp = AfpClass::kNormal;
  bool liver_mass = false;
};

// A worker from (seed, index) alone, so that other options never change their values.
WorkerProfile DrawWorker(std::uint64_t seed, std::string_view prefix, std::uint64_t index);

// The same worker months later: every trait drifts, persistent findings stay.
WorkerProfile Drift(const WorkerProfile& w, Rng& rng);

// One measured value in the canonical unit, or one finding.
struct Value {
  Test test = Test::kTG;
  double canonical = 0;
  std::string_view finding;  // qualitative tests
  std::string_view hpv;      // CERVICAL: the co-test, always sent
};

// The tests of one exam, in Test order. Exam 1 includes the women's two-cancer
// screening; later exams do not.
std::vector<Value> DrawExam(const WorkerProfile& w, int exam_no, Rng& rng);

// An approximate reading of rules-defaults.md, used only to steer the stream (who is
// invited back, who gets a follow-up contact): `red` if any value is red or ★,
// `abnormal` if any is yellow or red.
struct Severity {
  bool red = false;
  bool abnormal = false;
};
Severity Assess(const std::vector<Value>& values);

}  // namespace careloop::gen
