// The test catalog: which tests careloop knows, how each is named (code, LOINC), its
// condition, its canonical unit and the other units it converts, and the range of
// values that are physically plausible. Loaded from `config/tests.yaml`.
//
// Ownership: a Catalog is an immutable value after loading; decoders and rule sets keep
// a const reference to it, so it must outlive them.
// Thread-safety: const methods are safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "careloop/status.h"

namespace careloop::decode {

// canonical = reported * multiply / divide
struct UnitDef {
  std::string name;  // as written in input, e.g. "mg/dL"; matched case-insensitively
  double multiply = 1;
  double divide = 1;
};

struct TestDef {
  std::string code;       // "TG"
  std::string name;       // "triglycerides"
  std::string condition;  // "lipids"
  std::vector<std::string> loinc;
  bool qualitative = false;
  std::string canonical_unit;         // "" when the test has no unit (BMD_T, PG_RATIO)
  std::vector<UnitDef> units;         // accepted units, canonical first (factor 1), aliases too
  std::optional<double> min, max;     // plausible range, canonical unit, inclusive
  std::vector<std::string> findings;  // qualitative: the allowed findings
  std::vector<std::string> hpv;       // CERVICAL: allowed `hpv` values; empty = field not allowed
};

class Catalog {
 public:
  // Errors name the file, the line and what is wrong, e.g.
  // "config/tests.yaml:14: test TG: unit 'mg/dL' needs multiply or divide > 0".
  static Result<Catalog> LoadFile(const std::string& path);
  static Result<Catalog> LoadString(std::string_view yaml, std::string_view origin);

  const TestDef* FindByCode(std::string_view code) const;    // nullptr when unknown
  const TestDef* FindByLoinc(std::string_view loinc) const;  // nullptr when unknown
  // The unit of `test` that `unit` names (ASCII case-insensitive), or nullptr. An empty
  // `unit` (none sent) matches only a test that lists "" among its units: the unitless
  // tests (BMD_T, PG_RATIO) and FEV1_FVC, whose ratio needs no unit.
  static const UnitDef* FindUnit(const TestDef& test, std::string_view unit);

  const std::vector<TestDef>& tests() const { return tests_; }
  // Condition names in first-seen order.
  const std::vector<std::string>& conditions() const { return conditions_; }

 private:
  std::vector<TestDef> tests_;
  std::vector<std::string> conditions_;
  std::unordered_map<std::string, size_t> by_code_;
  std::unordered_map<std::string, size_t> by_loinc_;
};

// Converts a reported value with `unit` to the canonical unit of its test, then snaps
// it to 12 significant digits so that binary noise (50.4 / 18 = 2.8000000000000003)
// never decides a boundary; no clinically meaningful rounding happens.
double ToCanonical(double reported, const UnitDef& unit);

}  // namespace careloop::decode
