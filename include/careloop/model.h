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

// A decoded native `checkin` event (contract.md): exam roster, contacts, referral and
// treatment milestones. Optional fields not sent are empty.
struct Checkin {
  std::string event_id;
  std::string worker_id;
  TimeMs occurred_at = 0;
  std::string source;
  // exam_arrival exam_done contact intervention_started referral_accepted
  // referral_declined hospital_visit treatment_started treatment_completed followup
  std::string kind;
  std::string case_id;   // without it: the worker's most urgent open case
  std::string exam_id;   // required on exam_arrival / exam_done
  std::string channel;   // phone sms wechat visit; required on contact
  std::string outcome;   // contact: reached unreachable declined (required);
                         // hospital_visit: confirmed ruled_out (required)
  std::string staff_id;
  std::string plan;       // intervention_started
  std::string hospital;   // referral_accepted / referral_declined
  std::string diagnosis;  // hospital_visit; free text, personal data
  std::string status;     // followup
};

// A decoded native `petition` event (contract.md). Optional fields not sent are empty.
struct Petition {
  std::string event_id;
  std::string petition_id;
  std::string worker_id;  // empty for a petition without a worker
  TimeMs occurred_at = 0;
  std::string source;
  // submitted accepted assigned responded resolved closed reopened withdrawn;
  // hardship: visited assisted not_eligible
  std::string action;
  std::string channel;   // app hotline web window station letter meeting
  std::string category;  // health facility wages social_insurance hardship childcare other
  // routine | major. Empty when the event does not say: the petition's weight then stays
  // what an earlier event set, routine by default (the engine applies the default, so
  // that an `accepted` without a weight cannot turn a major petition routine).
  std::string weight;
  std::string handler;  // the person acting
  std::string summary;  // free text, personal data
  bool urgent = false;  // `urgent: true`, used on `assisted`
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
