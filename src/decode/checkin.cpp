#include "decode/checkin.h"

#include <fmt/format.h>

#include "decode/reasons.h"

namespace careloop::decode {
namespace {

using F = EventFields::Key;

constexpr std::string_view kKinds[] = {
    "exam_arrival",        "exam_done",         "contact",        "intervention_started",
    "referral_accepted",   "referral_declined", "hospital_visit", "treatment_started",
    "treatment_completed", "followup"};
constexpr std::string_view kChannels[] = {"phone", "sms", "wechat", "visit"};
constexpr std::string_view kContactOutcomes[] = {"reached", "unreachable", "declined"};
constexpr std::string_view kVisitOutcomes[] = {"confirmed", "ruled_out"};
constexpr std::string_view kAnyOutcome[] = {"reached", "unreachable", "declined", "confirmed",
                                            "ruled_out"};

bool Require(const FieldValue& v, std::string_view name, std::string_view kind, Fault* fault) {
  if (v.present()) return true;
  fault->code = reason::kMissingField;
  fault->reason = fmt::format("missing field '{}' (required on kind {})", name, kind);
  return false;
}

}  // namespace

bool BuildCheckin(const EventFields& in, Checkin* out, Fault* fault) {
  const FieldValue& kind = in[F::kKind];
  if (!CheckEnum(kind, "kind", true, kKinds, reason::kUnknownKind, fault)) return false;
  const std::string_view k = kind.str;

  const FieldValue& exam_id = in[F::kExamId];
  const FieldValue& channel = in[F::kChannel];
  const FieldValue& outcome = in[F::kOutcome];
  if (k == "exam_arrival" || k == "exam_done") {
    if (!Require(exam_id, "exam_id", k, fault)) return false;
  } else if (k == "contact") {
    if (!Require(channel, "channel", k, fault) || !Require(outcome, "outcome", k, fault)) {
      return false;
    }
  } else if (k == "hospital_visit") {
    if (!Require(outcome, "outcome", k, fault)) return false;
  }
  std::span<const std::string_view> outcomes = kAnyOutcome;
  if (k == "contact") outcomes = kContactOutcomes;
  if (k == "hospital_visit") outcomes = kVisitOutcomes;
  if (!CheckOptionalString(exam_id, "exam_id", kMaxTextBytes, fault) ||
      !CheckEnum(channel, "channel", false, kChannels, reason::kInvalidField, fault) ||
      !CheckEnum(outcome, "outcome", false, outcomes, reason::kInvalidField, fault) ||
      !CheckOptionalString(in[F::kCaseId], "case_id", kMaxTextBytes, fault) ||
      !CheckOptionalString(in[F::kStaffId], "staff_id", kMaxTextBytes, fault) ||
      !CheckOptionalString(in[F::kPlan], "plan", kMaxTextBytes, fault) ||
      !CheckOptionalString(in[F::kHospital], "hospital", kMaxTextBytes, fault) ||
      !CheckOptionalString(in[F::kDiagnosis], "diagnosis", kMaxFreeTextBytes, fault) ||
      !CheckOptionalString(in[F::kStatus], "status", kMaxTextBytes, fault)) {
    return false;
  }
  out->kind.assign(k);
  out->case_id.assign(in[F::kCaseId].str);
  out->exam_id.assign(exam_id.str);
  out->channel.assign(channel.str);
  out->outcome.assign(outcome.str);
  out->staff_id.assign(in[F::kStaffId].str);
  out->plan.assign(in[F::kPlan].str);
  out->hospital.assign(in[F::kHospital].str);
  out->diagnosis.assign(in[F::kDiagnosis].str);
  out->status.assign(in[F::kStatus].str);
  return true;
}

}  // namespace careloop::decode
