// CaseSummary: what the HTTP API's index keeps of one worker file or petition file, and
// how it is derived. Pure functions over decoded files and the workflow definitions.
//
//  - OpenCase: one open case as the worklist shows it, with the due time of the stage in
//    progress. A case's due time is that of its running deadline (started + the
//    deadline's `due`), or, when every step of a deadline that escalates has already
//    fired and the case has not moved on, that deadline's due time (still overdue).
//  - InstanceSnapshot: the running deadlines of each workflow instance (case, exam,
//    petition), to tell later which were met (see transitions.h).
//  - Red first contact: for a red case, when it turned red and when it first left
//    `alerted` / `unreachable` for a stage other than `closed` (reached, referred…).
//
// Thread-safety: values; the functions are pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "careloop/engine/workflow_set.h"
#include "careloop/model.h"
#include "careloop/state/worker_file.h"
#include "careloop/time.h"

namespace careloop::api {

struct OpenCase {
  std::string case_id;
  std::string worker_id;
  std::int32_t partition = 0;
  std::string condition;
  Tier tier = Tier::kNone;
  bool green_channel = false;
  bool critical = false;
  std::string stage;
  std::string responsible;  // first staff member who acted, if any
  TimeMs opened_at = 0;
  TimeMs tier_since = 0;   // when the case took its current tier
  TimeMs due_at = 0;       // due time of the stage in progress; 0 = nothing due
  std::string due_stage;   // the deadline's stage name, e.g. first_contact, recheck
  bool escalated = false;  // an escalation of that deadline already fired

  bool overdue(TimeMs now) const { return due_at != 0 && due_at <= now; }
};

struct DeadlineSnapshot {
  std::string name;
  TimeMs started_at = 0;
  std::int32_t next_step = 0;
};

struct InstanceSnapshot {
  char kind = 'c';       // c case, e exam, p petition
  std::string id;        // case id, exam id, petition id
  std::string workflow;  // definition name
  std::string state;
  Tier tier = Tier::kNone;  // cases
  bool open = true;         // cases: open; others: not in a terminal state
  TimeMs last_change = 0;   // time of its latest history line (exams: the file's last_seen)
  std::vector<DeadlineSnapshot> deadlines;
  // Red cases: when the red pace started and when the worker was first reached (0: not yet).
  TimeMs red_since = 0;
  TimeMs first_contact_at = 0;
  bool critical = false;
};

struct WorkerSummary {
  std::string worker_id;
  std::int32_t partition = 0;
  Tier tier = Tier::kNone;  // of the most urgent open case
  std::vector<OpenCase> cases;
  std::vector<InstanceSnapshot> instances;  // every case and exam with a workflow

  // Worth keeping in memory: open cases or running deadlines.
  bool interesting() const;
};

struct PetitionSummary {
  std::string petition_id;
  std::int32_t partition = 0;
  InstanceSnapshot instance;
};

WorkerSummary SummarizeWorker(const state::WorkerFile& file, std::int32_t partition,
                              const engine::WorkflowSet& workflows);
PetitionSummary SummarizePetition(const state::PetitionFile& file, std::int32_t partition,
                                  const engine::WorkflowSet& workflows);

// The due time of `d` started at `started_at`: its `due`, or its first step's `after`.
using workflow::DeadlineDue;

}  // namespace careloop::api
