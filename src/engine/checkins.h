// Applying check-ins (contract.md `checkin`) to a worker file: exam arrivals and exams
// done (the results promise), and the follow-up milestones of a case — by `case_id`,
// else the worker's most urgent open case, else only recorded in the worker's file.
//
// Ownership: borrows the HealthCases and host. Thread-safety: one thread.
#pragma once

#include "careloop/engine/txn.h"
#include "careloop/model.h"
#include "careloop/state/worker_file.h"
#include "health_cases.h"
#include "workflow_host.h"

namespace careloop::engine {

class Checkins {
 public:
  Checkins(const HealthCases& cases, const WorkflowHost& host) : cases_(cases), host_(host) {}

  void Apply(const Checkin& c, TimeMs now, std::int32_t partition, state::WorkerFile* file,
             Txn& txn) const;

 private:
  const HealthCases& cases_;
  const WorkflowHost& host_;
};

// The open case staff would act on first: red before yellow before green, the green
// channel and critical first within red, then the oldest. nullptr when none is open.
state::CaseRecord* MostUrgentOpenCase(state::WorkerFile* file, state::ConditionFile** cond);

}  // namespace careloop::engine
