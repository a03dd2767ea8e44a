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

double ToCanonical(double reported, const UnitDef& unit) {
  double v = reported * unit.multiply / unit.divide;
  if (!std::isfinite(v) || v == 0) return v;
  // 12 significant digits: "d.ddddddddddde±x", correctly rounded (no binary noise).
  char buf[40];
  auto out = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific, 11);
  if (out.ec != std::errc()) return v;
  double snapped = v;
  auto [ptr, ec] = std::from_chars(buf, out.ptr, snapped);
  return ec == std::errc() ? snapped : v;
}

}  // namespace careloop::decode
