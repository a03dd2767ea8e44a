#include "decode/lab_result.h"

#include <fmt/format.h>

#include <cmath>

#include "decode/ascii.h"
#include "decode/reasons.h"

namespace careloop::decode {
namespace {

using K = ResultFields::Key;

bool Fail(Fault* fault, std::string_view code, std::string reason) {
  fault->code = code;
  fault->reason = std::move(reason);
  return false;
}

bool OneOf(std::string_view s, std::initializer_list<std::string_view> allowed) {
  for (std::string_view a : allowed) {
    if (a == s) return true;
  }
  return false;
}

bool Contains(const std::vector<std::string>& list, std::string_view s) {
  for (const std::string& x : list) {
    if (x == s) return true;
  }
  return false;
}

// Resolves the test named by `test` and/or `loinc`.
bool ResolveTest(const ResultFields& in, const Catalog& catalog, int i, const TestDef** def,
                 Fault* fault) {
  const FieldValue& test = in[K::kTest];
  const FieldValue& loinc = in[K::kLoinc];
  if (!test.present() && !loinc.present()) {
    return Fail(fault, reason::kMissingField,
                fmt::format("results[{}]: needs 'test' or 'loinc'", i));
  }
  const TestDef* by_code = nullptr;
  const TestDef* by_loinc = nullptr;
  if (test.present()) {
    if (!test.is_string()) {
      return Fail(fault, reason::kInvalidField,
                  fmt::format("results[{}]: 'test' must be a string", i));
    }
    by_code = catalog.FindByCode(test.str);
    if (by_code == nullptr) {
      return Fail(fault, reason::kUnknownTest,
                  fmt::format("results[{}]: unknown test {}", i, Quoted(test.str)));
    }
  }
  if (loinc.present()) {
    if (!loinc.is_string()) {
      return Fail(fault, reason::kInvalidField,
                  fmt::format("results[{}]: 'loinc' must be a string", i));
    }
    by_loinc = catalog.FindByLoinc(loinc.str);
    if (by_loinc == nullptr) {
      return Fail(fault, reason::kUnknownTest,
                  fmt::format("results[{}]: unknown LOINC {}", i, Quoted(loinc.str)));
    }
  }
  if (by_code != nullptr && by_loinc != nullptr && by_code != by_loinc) {
    return Fail(fault, reason::kTestLoincMismatch,
                fmt::format("results[{}]: test {} and LOINC {} (test {}) disagree", i,
                            by_code->code, Quoted(loinc.str), by_loinc->code));
  }
  *def = by_code != nullptr ? by_code : by_loinc;
  return true;
}

bool Qualitative(const ResultFields& in, const TestDef& t, int i, Measurement* m, Fault* fault) {
  if (in[K::kValue].present()) {
    return Fail(fault, reason::kWrongResultKind,
                fmt::format("results[{}]: test {} takes a 'finding', not a 'value'", i, t.code));
  }
  const FieldValue& finding = in[K::kFinding];
  if (!finding.present()) {
    return Fail(fault, reason::kMissingFinding,
                fmt::format("results[{}]: missing 'finding' for test {}", i, t.code));
  }
  if (!finding.is_string()) {
    return Fail(fault, reason::kInvalidField,
                fmt::format("results[{}]: 'finding' of test {} must be a string", i, t.code));
  }
  if (!Contains(t.findings, finding.str)) {
    return Fail(
        fault, reason::kUnknownFinding,
        fmt::format("results[{}]: 'finding' of test {} is not one of its findings", i, t.code));
  }
  const FieldValue& hpv = in[K::kHpv];
  if (hpv.present()) {
    if (t.hpv.empty()) {
      return Fail(fault, reason::kInvalidHpv,
                  fmt::format("results[{}]: test {} takes no 'hpv'", i, t.code));
    }
    if (!hpv.is_string() || !Contains(t.hpv, hpv.str)) {
      return Fail(fault, reason::kInvalidHpv,
                  fmt::format("results[{}]: 'hpv' of test {} is not one of: {}", i, t.code,
                              fmt::join(t.hpv, " ")));
    }
    m->obs.hpv.assign(hpv.str);
  }
  m->obs.qualitative = true;
  m->obs.finding.assign(finding.str);
  return true;
}

bool Quantitative(const ResultFields& in, const TestDef& t, int i, Measurement* m, Fault* fault) {
  if (in[K::kFinding].present()) {
    return Fail(fault, reason::kWrongResultKind,
                fmt::format("results[{}]: test {} takes a 'value', not a 'finding'", i, t.code));
  }
  if (in[K::kHpv].present()) {
    return Fail(fault, reason::kInvalidHpv,
                fmt::format("results[{}]: test {} takes no 'hpv'", i, t.code));
  }
  const FieldValue& value = in[K::kValue];
  if (!value.present()) {
    return Fail(fault, reason::kMissingValue,
                fmt::format("results[{}]: missing 'value' for test {}", i, t.code));
  }
  if (value.kind != JsonKind::kNumber) {
    return Fail(fault, reason::kNonNumericValue,
                fmt::format("results[{}]: 'value' of test {} must be a number, not {}", i, t.code,
                            JsonKindName(value.kind)));
  }
  const FieldValue& unit = in[K::kUnit];
  if (unit.present() && !unit.is_string()) {
    return Fail(fault, reason::kInvalidField,
                fmt::format("results[{}]: 'unit' of test {} must be a string", i, t.code));
  }
  const UnitDef* u = Catalog::FindUnit(t, unit.str);  // "" when absent
  if (u == nullptr) {
    if (unit.str.empty()) {
      return Fail(fault, reason::kMissingUnit,
                  fmt::format("results[{}]: missing 'unit' for test {}", i, t.code));
    }
    return Fail(
        fault, reason::kUnknownUnit,
        fmt::format("results[{}]: unknown unit {} for test {}", i, Quoted(unit.str), t.code));
  }
  const double canonical = value.overflow ? HUGE_VAL : ToCanonical(value.number, *u);
  if (!std::isfinite(canonical) || (t.min && canonical < *t.min) || (t.max && canonical > *t.max)) {
    return Fail(fault, reason::kOutOfRange,
                fmt::format("results[{}]: 'value' of test {} is outside the plausible range "
                            "[{}, {}]{}{}",
                            i, t.code, t.min.value_or(-HUGE_VAL), t.max.value_or(HUGE_VAL),
                            t.canonical_unit.empty() ? "" : " ", t.canonical_unit));
  }
  m->obs.qualitative = false;
  m->obs.value = canonical;
  m->unit = t.canonical_unit;
  m->reported_value = value.number;
  m->reported_unit.assign(unit.str);
  return true;
}

// ref_low, ref_high, flag, status: the same for both kinds of result.
bool Annotations(const ResultFields& in, const TestDef& t, int i, Measurement* m, Fault* fault) {
  for (K k : {K::kRefLow, K::kRefHigh}) {
    const FieldValue& ref = in[k];
    if (!ref.present()) continue;
    if (ref.kind != JsonKind::kNumber || ref.overflow) {
      return Fail(fault, reason::kInvalidField,
                  fmt::format("results[{}]: '{}' of test {} must be a finite number", i,
                              ResultFields::kNames[k], t.code));
    }
    (k == K::kRefLow ? m->ref_low : m->ref_high) = ref.number;
  }
  const FieldValue& flag = in[K::kFlag];
  if (flag.present()) {
    if (!flag.is_string() || !OneOf(flag.str, {"N", "H", "L", "HH", "LL", "A", "AA"})) {
      return Fail(
          fault, reason::kInvalidFlag,
          fmt::format("results[{}]: 'flag' of test {} is not one of N H L HH LL A AA", i, t.code));
    }
    m->flag.assign(flag.str);
  }
  const FieldValue& status = in[K::kStatus];
  if (status.present()) {
    const std::string_view s = status.is_string() ? status.str : std::string_view();
    if (s == "final") {
      m->status = ResultStatus::kFinal;
    } else if (s == "corrected") {
      m->status = ResultStatus::kCorrected;
    } else if (s == "preliminary") {
      m->status = ResultStatus::kPreliminary;
    } else {
      return Fail(fault, reason::kInvalidStatus,
                  fmt::format("results[{}]: 'status' of test {} is not one of final corrected "
                              "preliminary",
                              i, t.code));
    }
  }
  return true;
}

}  // namespace

bool BuildMeasurement(const ResultFields& in, const Catalog& catalog, int index, Measurement* m,
                      Fault* fault) {
  if (in.keys.has_duplicate()) {
    return Fail(fault, reason::kDuplicateKey,
                fmt::format("results[{}]: duplicate key {}", index, Quoted(in.keys.duplicate())));
  }
  const TestDef* def = nullptr;
  if (!ResolveTest(in, catalog, index, &def, fault)) return false;
  m->obs.test = def->code;
  m->index = index;
  if (in[K::kLoinc].present()) m->loinc.assign(in[K::kLoinc].str);
  const bool ok = def->qualitative ? Qualitative(in, *def, index, m, fault)
                                   : Quantitative(in, *def, index, m, fault);
  return ok && Annotations(in, *def, index, m, fault);
}

simdjson::error_code DecodeResults(od::array& results, const Catalog& catalog,
                                   ResultFields* scratch, std::vector<Measurement>* good,
                                   std::vector<RejectedItem>* bad, int* count) {
  int index = 0;
  Fault fault;
  for (auto item_result : results) {
    od::value item;
    if (auto e = std::move(item_result).get(item)) return e;
    const int i = index++;
    od::json_type type;
    if (auto e = item.type().get(type)) return e;
    if (type != od::json_type::object) {
      std::string_view raw;
      if (auto e = RawJson(item, &raw)) return e;
      bad->push_back(RejectedItem{std::string(reason::kInvalidField),
                                  fmt::format("results[{}]: not an object", i), i,
                                  std::string(raw)});
      continue;
    }
    od::object obj;
    if (auto e = item.get_object().get(obj)) return e;
    scratch->Reset();
    for (auto field_result : obj) {
      od::field field;
      if (auto e = std::move(field_result).get(field)) return e;
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return e;
      const int k = FindKey(ResultFields::kNames, key);
      // Repeats and unknown fields are skipped by the iterator (not read).
      if (!scratch->keys.Add(k, key) || k < 0) continue;
      if (auto e = ReadValue(field.value(), &scratch->f[k])) return e;
    }
    Measurement& m = good->emplace_back();
    if (BuildMeasurement(*scratch, catalog, i, &m, &fault)) continue;
    good->pop_back();
    std::string_view raw;
    bool reset_ok = false;
    if (auto e = obj.reset().get(reset_ok)) return e;
    if (auto e = obj.raw_json().get(raw)) return e;
    bad->push_back(RejectedItem{std::string(fault.code), std::move(fault.reason), i,
                                std::string(TrimJsonSpace(raw))});
  }
  *count = index;
  return simdjson::SUCCESS;
}

}  // namespace careloop::decode
