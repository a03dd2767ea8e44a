// The top-level fields of a native event (private): every field any event type knows,
// read in one pass over the object, then checked by type. Also the checks shared by
// all event types (ids, strings, enumerations), each giving a Fault.
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>

#include "decode/json_value.h"
#include "decode/lab_result.h"

namespace careloop::decode {

struct EventFields {
  enum Key {
    kType,
    kEventId,
    kWorkerId,
    kOccurredAt,
    kSource,  // common
    kExamId,
    kResults,  // lab_result
    kKind,
    kCaseId,
    kChannel,
    kOutcome,
    kStaffId,
    kPlan,
    kHospital,
    kDiagnosis,
    kStatus,  // checkin
    kPetitionId,
    kAction,
    kCategory,
    kWeight,
    kHandler,
    kSummary,
    kUrgent,  // petition
  };
  static constexpr std::string_view kNames[] = {
      "type",     "event_id", "worker_id", "occurred_at", "source",      "exam_id",
      "results",  "kind",     "case_id",   "channel",     "outcome",     "staff_id",
      "plan",     "hospital", "diagnosis", "status",      "petition_id", "action",
      "category", "weight",   "handler",   "summary",     "urgent"};
  std::array<FieldValue, std::size(kNames)> f;
  KeyTracker keys;
  int result_count = 0;  // items of `results` when it was an array that was decoded

  void Reset() {
    f = {};
    keys.Reset();
    result_count = 0;
  }
  const FieldValue& operator[](Key k) const { return f[k]; }
};

inline constexpr size_t kMaxEventIdBytes = 200;
inline constexpr size_t kMaxWorkerIdBytes = 100;
inline constexpr size_t kMaxTextBytes = 200;       // ids and names: source, exam_id, case_id, …
inline constexpr size_t kMaxFreeTextBytes = 4000;  // summary, diagnosis

// A required id: a non-empty printable string of at most `max` bytes.
bool CheckId(const FieldValue& v, std::string_view name, size_t max, Fault* fault);
// An optional string of at most `max` bytes (absent is fine; empty is not).
bool CheckOptionalString(const FieldValue& v, std::string_view name, size_t max, Fault* fault);
// A required (`required`) or optional string that must be one of `allowed`; a bad value
// gives `code` (the value is not named: the allowed ones are).
bool CheckEnum(const FieldValue& v, std::string_view name, bool required,
               std::span<const std::string_view> allowed, std::string_view code, Fault* fault);
// An optional boolean.
bool CheckOptionalBool(const FieldValue& v, std::string_view name, Fault* fault);

}  // namespace careloop::decode
