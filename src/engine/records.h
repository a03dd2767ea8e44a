// The JSON of outbound records (contract.md "Output topics"). Field order is fixed so
// that the same cause always gives the same bytes.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "careloop/model.h"
#include "careloop/rules/rule_set.h"
#include "careloop/state/worker_file.h"
#include "careloop/time.h"

namespace careloop::engine {

struct AlertRecord {
  std::string id;
  std::string worker_id;
  const state::CaseRecord* kase = nullptr;  // after the change
  Tier previous_tier = Tier::kNone;
  bool previous_green_channel = false;
  Tier worker_tier = Tier::kNone;  // highest tier of the worker's open cases, after
  const std::vector<state::StoredResult>* findings = nullptr;
  const rules::TierPolicy* policy = nullptr;
  std::string rules_version;
  std::string cause_event_id;
  TimeMs emitted_at = 0;
};
std::string AlertJson(const AlertRecord& a);

struct DeadLetterRecord {
  std::string id;
  const RejectedItem* item = nullptr;
  std::string_view event_id;   // "" when unknown
  std::string_view worker_id;  // "" when unknown
  std::string_view source_topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  TimeMs emitted_at = 0;
};
std::string DeadLetterJson(const DeadLetterRecord& d);

// Dead-letter payloads are cut to this many bytes (the rest is not needed to repair).
constexpr std::size_t kDeadLetterPayloadLimit = 64 * 1024;

}  // namespace careloop::engine

namespace careloop::engine {

// Who or what a workflow record is about.
struct InstanceRef {
  std::string_view instance_kind;  // "case" | "exam" | "petition"
  std::string_view instance_id;
  std::string_view worker_id;  // may be empty for petitions
  std::string_view workflow;   // the escalations' `workflow` name
  std::string_view stage;      // the instance's state now
  std::string_view condition;  // cases
  Tier tier = Tier::kNone;     // cases
};

struct NotificationRecord {
  std::string id;
  InstanceRef ref;
  std::string_view channel, template_name, priority;
  std::string_view cause_event_id;
  TimeMs emitted_at = 0;
};
// No test value, finding or diagnosis ever goes in here (health data stays out of SMS/WeChat).
std::string NotificationJson(const NotificationRecord& n);

struct EscalationRecord {
  std::string id;
  InstanceRef ref;
  std::string_view escalated_stage;  // the stage whose deadline was missed
  int level = 1;
  std::string_view reason;
  std::string_view responsible;
  TimeMs due_at = 0, scheduled_at = 0, fired_at = 0;
  std::string_view cause_event_id;
};
std::string EscalationJson(const EscalationRecord& e);

struct ReferralRecord {
  std::string id;
  std::string_view worker_id, case_id, condition, hospital, rules_version, cause_event_id;
  const std::vector<state::StoredResult>* findings = nullptr;    // those in a tier go in
  const std::vector<std::vector<std::string>>* loinc = nullptr;  // per finding: LOINC codes
  TimeMs emitted_at = 0;
};
// A FHIR R4 ServiceRequest in `resource`: patient by worker id, reason by LOINC code and
// value (contained Observations), priority urgent.
std::string ReferralJson(const ReferralRecord& r);

}  // namespace careloop::engine
