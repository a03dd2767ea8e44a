// Decoding the `results` array of a native lab_result event (private).
//
// Each item becomes a Measurement (test resolved by code or LOINC, value converted to the
// canonical unit and checked against the plausible range, or finding checked against
// the allowed ones) or a RejectedItem with the item's index and raw JSON. Reasons name
// the item, the test and the field, never a value or finding.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "careloop/decode/catalog.h"
#include "careloop/model.h"
#include "decode/json_value.h"

namespace careloop::decode {

// A reason to reject one item or message.
struct Fault {
  std::string_view code;  // one of decode/reasons.h
  std::string reason;
};

// The fields of one result item as read (field order in the JSON does not matter).
struct ResultFields {
  enum Key { kTest, kLoinc, kValue, kUnit, kFinding, kHpv, kRefLow, kRefHigh, kFlag, kStatus };
  static constexpr std::string_view kNames[] = {"test", "loinc",   "value",    "unit", "finding",
                                                "hpv",  "ref_low", "ref_high", "flag", "status"};
  std::array<FieldValue, std::size(kNames)> f;
  KeyTracker keys;

  void Reset() {
    f = {};
    keys.Reset();
  }
  const FieldValue& operator[](Key k) const { return f[k]; }
};

// Checks the fields of item `index` and fills `*m` (exam_id is left to the caller).
// Returns false with `*fault` set when the item cannot be used. Pure: no JSON involved.
bool BuildMeasurement(const ResultFields& in, const Catalog& catalog, int index, Measurement* m,
                      Fault* fault);

// Decodes every item of `results`: good ones appended to `good`, bad ones to `bad`;
// `*count` gets the number of items. Returns a simdjson error only when the JSON is
// malformed (then the whole message is rejected as not_json).
simdjson::error_code DecodeResults(od::array& results, const Catalog& catalog,
                                   ResultFields* scratch, std::vector<Measurement>* good,
                                   std::vector<RejectedItem>* bad, int* count);

}  // namespace careloop::decode
