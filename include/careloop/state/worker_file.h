// The worker file (一人一档, "one file per person"): everything careloop knows about one
// worker, as one value stored under one key.
//
// Per condition: the latest final/corrected result of each test (with exam id, time and
// the tier it had), the latest preliminary result of each test (stored, never alerted),
// and the condition's cases, each with its tier, green-channel flag and full history.
// The engine owns the logic; state/ only encodes and stores this value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "careloop/model.h"
#include "careloop/status.h"
#include "careloop/time.h"

namespace careloop::state {

struct StoredResult {
  Measurement m;  // canonical value; m.obs.exam_id set
  std::string event_id;
  TimeMs occurred_at = 0;
  Tier tier = Tier::kNone;  // as evaluated by the rules when it was stored
  std::string rule_id;
};

// One line of a case's history: what happened, when, caused by which event, the state
// before and after, and who acted. `what` is e.g. "tier", "stage", "contact", "note".
struct CaseEvent {
  TimeMs at = 0;
  std::string event_id;
  std::string what;
  std::string from;
  std::string to;
  std::string who;
  std::string note;
};

struct CaseRecord {
  std::string case_id;
  std::string condition;
  Tier tier = Tier::kNone;
  bool green_channel = false;
  bool critical = false;
  bool open = true;
  TimeMs opened_at = 0;
  TimeMs closed_at = 0;
  std::string stage;            // workflow stage ("alerted", …); "" before workflows
  std::string rules_version;    // of the last evaluation
  std::vector<std::string> rule_ids;  // rules that gave the current tier
  std::vector<CaseEvent> history;
};

struct ConditionFile {
  std::string condition;
  std::vector<StoredResult> latest;       // at most one per test
  std::vector<StoredResult> preliminary;  // at most one per test
  std::uint32_t case_seq = 0;             // cases opened so far
  std::vector<CaseRecord> cases;          // in opening order; at most one open
};

struct WorkerFile {
  std::string worker_id;
  TimeMs first_seen = 0;
  TimeMs last_seen = 0;
  std::uint64_t events = 0;           // applied input events
  std::vector<ConditionFile> conditions;
  std::vector<CaseEvent> log;         // events not attached to a case

  ConditionFile* FindCondition(std::string_view condition);
  const ConditionFile* FindCondition(std::string_view condition) const;
};

// Compact, versioned binary encoding (LevelDB-style varints and length prefixes).
std::string EncodeWorkerFile(const WorkerFile& file);
Result<WorkerFile> DecodeWorkerFile(std::string_view bytes);

}  // namespace careloop::state
