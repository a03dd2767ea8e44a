// The generator's view of the test catalog (contract.md, "Test codes"): codes, LOINC
// codes, the units it writes with their conversions and precision, the range a good
// value is kept in, reference intervals, and the bad forms used for bad input.
//
// It is a fixed table on purpose: the generator writes what upstream systems send and
// needs no config/ to run. Its units and LOINC codes are a subset of the shipped
// config/tests.yaml (the gen tests check generated events against the real decoder).
//
// Thread-safety: immutable static data.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace careloop::gen {

// In the order results are written in a report.
enum class Test : std::uint8_t {
  kTG,
  kTC,
  kLDL,
  kHDL,
  kSBP,
  kDBP,
  kHR,
  kGLU,
  kHBA1C,
  kALT,
  kAST,
  kAFP,
  kK,
  kNA,
  kHGB,
  kPLT,
  kBMI,
  kBMD_T,
  kFEV1_FVC,
  kPG1,
  kPG_RATIO,
  kG17,
  kLIVER_US,
  kCERVICAL,
  kBREAST_BIRADS,
  kCount
};
inline constexpr std::size_t kTestCount = static_cast<std::size_t>(Test::kCount);

// A unit as written: reported = canonical * per_canonical, rounded to `decimals`.
// An empty name means the result carries no `unit` field (unitless tests).
struct UnitForm {
  std::string_view name;
  double per_canonical = 1;
  int decimals = 0;
};

struct TestInfo {
  std::string_view code;
  std::array<std::string_view, 3> loinc;  // empty entries: fewer codes (none for local tests)
  bool qualitative = false;
  std::array<UnitForm, 3> units;     // canonical first; empty name after the first: unused
  double low = 0, high = 0;          // good values are kept in [low, high] (canonical)
  double ref_low = 0, ref_high = 0;  // reference interval (canonical); equal: none
  double impossible = 0;             // reported value outside the plausible range
  std::string_view unknown_unit;     // a unit the catalog does not accept for it
};

const TestInfo& Info(Test t);

// The accepted unit forms of `t` (1 to 3), canonical first.
std::span<const UnitForm> Units(Test t);

// How many LOINC codes `t` has (0 for local codes and LIVER_US / BREAST_BIRADS).
std::size_t LoincCount(Test t);

}  // namespace careloop::gen
