// The domain values that flow between pipeline stages: tiers, decoded lab results,
// and the items that go to dead-letter.
//
// These are plain values (no Kafka, no RocksDB, no JSON library types): decode/ makes
// them, rules/ and engine/ read them, state/ stores what engine/ derives from them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "careloop/time.h"

namespace careloop {

// Ordered: a higher value is a more urgent tier.
enum class Tier : std::uint8_t { kNone = 0, kGreen = 1, kYellow = 2, kRed = 3 };

std::string_view TierName(Tier t);  // "none" "green" "yellow" "red"
std::optional<Tier> ParseTier(std::string_view name);

enum class ResultStatus : std::uint8_t { kFinal = 0, kCorrected = 1, kPreliminary = 2 };
std::string_view ResultStatusName(ResultStatus s);  // "final" "corrected" "preliminary"

// What a rule looks at: one test's result, already in its canonical unit.
struct Observation {
  std::string test;          // canonical code, e.g. "TG", "LIVER_US"
  bool qualitative = false;  // true: `finding` (and `hpv`) hold it; false: `value`
  double value = 0;          // canonical unit; meaningful when !qualitative
  std::string finding;       // e.g. "moderate", "HSIL", "4A"
  std::string hpv;           // CERVICAL only: "", "negative", "other", "16", "18"
  std::string exam_id;       // combination rules need both results from one exam
};

// One decoded result of a lab_result event.
struct Measurement {
  Observation obs;
  std::string unit;           // canonical unit ("" for unitless tests and findings)
  double reported_value = 0;  // as sent, before conversion
  std::string reported_unit;  // as sent ("" when absent)
  std::string loinc;          // as sent, when the result named its test by LOINC
  std::optional<double> ref_low, ref_high;
  std::string flag;  // HL7 table 0078 when sent: N H L HH LL A AA
  ResultStatus status = ResultStatus::kFinal;
  int index = 0;  // position in the event's `results` array
};

// A decoded native `lab_result` event (contract.md). Only the good results are here;
// the bad ones are RejectedItems.
struct LabResult {
  std::string event_id;
  std::string worker_id;
  std::string source;
  std::string exam_id;  // the event_id when the event has no exam_id
  TimeMs occurred_at = 0;
  std::vector<Measurement> results;
};

// One part of an input that could not be used: a whole message, or one result of an
// otherwise good report. `reason` is specific ("unknown unit 'g/L' for test TG").
struct RejectedItem {
  std::string reason_code;  // stable, low-cardinality: a metric label, e.g. "unknown_unit"
  std::string reason;       // human text
  int index = -1;           // the result's index, or -1 for the whole message
  std::string payload;      // the bytes needed to repair it: the result item's JSON, or
                            // the whole message for whole-message faults
};

}  // namespace careloop
