// Catalog lookups and unit conversion. Loading from YAML is in catalog_yaml.cpp.
#include "careloop/decode/catalog.h"

#include <charconv>
#include <cmath>

#include "decode/ascii.h"

namespace careloop::decode {

const TestDef* Catalog::FindByCode(std::string_view code) const {
  // Codes and LOINCs are short: the key fits std::string's small buffer, no allocation.
  auto it = by_code_.find(std::string(code));
  return it == by_code_.end() ? nullptr : &tests_[it->second];
}

const TestDef* Catalog::FindByLoinc(std::string_view loinc) const {
  auto it = by_loinc_.find(std::string(loinc));
  return it == by_loinc_.end() ? nullptr : &tests_[it->second];
}

const UnitDef* Catalog::FindUnit(const TestDef& test, std::string_view unit) {
  for (const UnitDef& u : test.units) {
    if (EqualsIgnoreCase(u.name, unit)) return &u;
  }
  return nullptr;
}

namespace {

// Whether v is the double nearest to a decimal of at most 12 significant digits with at
// most 6 decimal places (r / 10^k, |r| < 10^12): snapping v to 12 significant digits then
// gives v itself, since v lies within half an ulp of that decimal, far inside half a unit
// of its 12th digit. Lab values as reported ("5.6", "120", "0.85") are such doubles, so the
// text round trip below is skipped for most of them. Exact: r / 10^k is one correctly
// rounded division, and 10^k is exact.
bool HasShortDecimal(double v) {
  constexpr double kPow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6};
  for (double p : kPow10) {
    const double r = std::nearbyint(v * p);
    if (std::fabs(r) >= 1e12) return false;
    if (r / p == v) return true;
  }
  return false;
}

}  // namespace

double ToCanonical(double reported, const UnitDef& unit) {
  double v = reported * unit.multiply / unit.divide;
  if (!std::isfinite(v) || v == 0) return v;
  if (HasShortDecimal(v)) return v;
  // 12 significant digits: "d.ddddddddddde±x", correctly rounded (no binary noise).
  char buf[40];
  auto out = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific, 11);
  if (out.ec != std::errc()) return v;
  double snapped = v;
  auto [ptr, ec] = std::from_chars(buf, out.ptr, snapped);
  return ec == std::errc() ? snapped : v;
}

}  // namespace careloop::decode
