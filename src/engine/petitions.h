// Applying petition events (contract.md `petition`) to petition files: the petition or
// hardship workflow by category, first receiver responsible, the worker told of each
// stage change, and the figures dashboards need (kept in state).
//
// Ownership: borrows the workflows and host. Thread-safety: one thread.
#pragma once

#include "careloop/engine/txn.h"
#include "careloop/engine/workflow_set.h"
#include "careloop/model.h"
#include "careloop/state/worker_file.h"
#include "workflow_host.h"

namespace careloop::engine {

class Petitions {
 public:
  static const char* const kStatsKey;  // meta key of the PetitionStats
  Petitions(const WorkflowSet& workflows, const WorkflowHost& host)
      : workflows_(workflows), host_(host) {}

  // Returns non-OK only when state could not be read.
  Status Apply(const Petition& p, TimeMs now, std::int32_t partition, Txn& txn) const;

  Subject PetitionSubject(std::int32_t partition, state::PetitionFile* file) const;

  // Keeps the dashboard figures (PetitionStats) right after a stage change or a
  // deadline: `before` is the stage before, `escalations` how many level-1 escalations.
  Status UpdateStats(const state::PetitionFile& file, const std::string& before, TimeMs now,
                     int level1_escalations, Txn& txn) const;

 private:
  const WorkflowSet& workflows_;
  const WorkflowHost& host_;
};

}  // namespace careloop::engine
