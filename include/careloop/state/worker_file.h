// The worker file (一人一档, "one file per person"): everything careloop knows about one
// worker, as one value stored under one key.
//
// Per condition: the latest final/corrected result of each test (with exam id, time and
// the tier it had), the latest preliminary result of each test (stored, never alerted),
// and the condition's cases, each with its tier, green-channel flag and full history.
// The engine owns the logic; state/ only encodes and stores this value.
//
// The stored results and the histories are LazyLists (lazy_list.h): a decoded file keeps
// them as their encoded bytes until something reads them, so that a deadline or a
// check-in that touches one case does not decode (or re-encode) the whole file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "careloop/model.h"
#include "careloop/state/lazy_list.h"
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

// The stored state of one workflow instance (a case, an exam, a petition): what
// workflow::Instance holds, as plain data. engine/ converts between the two.
struct WorkflowState {
  struct Deadline {
    std::string name;
    TimeMs started_at = 0;
    std::int32_t next_step = 0;
    TimeMs next_due = 0;
  };
  std::string workflow;  // definition name; "" = not started
  std::string state;
  std::vector<Deadline> deadlines;
  std::vector<std::pair<std::string, std::int32_t>> counters;
  std::vector<std::pair<std::string, std::string>> attrs;  // e.g. responsible, staff, weight
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
  std::string stage;                  // workflow stage ("alerted", …); "" before workflows
  std::string rules_version;          // of the last evaluation
  std::vector<std::string> rule_ids;  // rules that gave the current tier
  LazyList<CaseEvent> history;        // appended to; decoded only when read
  WorkflowState wf;                   // the health follow-up instance
};

// An exam seen for this worker (check-in exam_done, or results): the results promise.
struct ExamRecord {
  std::string exam_id;
  TimeMs done_at = 0;             // 0 = no exam_done check-in yet
  bool results_received = false;  // a lab_result of this exam arrived
  WorkflowState wf;
};

struct ConditionFile {
  std::string condition;
  LazyList<StoredResult> latest;       // at most one per test
  LazyList<StoredResult> preliminary;  // at most one per test
  std::uint32_t case_seq = 0;          // cases opened so far
  std::vector<CaseRecord> cases;       // in opening order; at most one open
};

struct WorkerFile {
  std::string worker_id;
  TimeMs first_seen = 0;
  TimeMs last_seen = 0;
  std::uint64_t events = 0;  // applied input events
  std::vector<ConditionFile> conditions;
  LazyList<CaseEvent> log;             // events not attached to a case
  std::vector<ExamRecord> exams;       // exams with a check-in or results, by exam_id
  std::vector<std::string> petitions;  // ids of this worker's petitions (their own files)

  ConditionFile* FindCondition(std::string_view condition);
  const ConditionFile* FindCondition(std::string_view condition) const;
  // The record of `exam_id`, added in exam_id order if new (`*created` says so): the
  // order of `exams` never depends on which topic's event arrived first. Invalidates
  // pointers into `exams` when it adds.
  ExamRecord* FindOrAddExam(std::string_view exam_id, bool* created = nullptr);
};

// One petition (or hardship case) file, stored under EntityKind::kPetition.
struct PetitionFile {
  std::string petition_id;
  std::string worker_id;  // "" when the petition names no worker
  std::string category;   // health facility wages social_insurance hardship childcare other
  std::string channel;    // app hotline web window station letter meeting
  std::string weight;     // routine | major
  std::string summary;    // free text, personal data: never in logs or notifications
  TimeMs submitted_at = 0;
  TimeMs accepted_at = 0;   // first acceptance
  TimeMs responded_at = 0;  // first response
  TimeMs closed_at = 0;
  WorkflowState wf;  // petition or hardship workflow
  LazyList<CaseEvent> history;
};

std::string EncodePetitionFile(const PetitionFile& file);
Result<PetitionFile> DecodePetitionFile(std::string_view bytes);

// Compact, versioned binary encoding (LevelDB-style varints and length prefixes).
std::string EncodeWorkerFile(const WorkerFile& file);
Result<WorkerFile> DecodeWorkerFile(std::string_view bytes);

}  // namespace careloop::state
