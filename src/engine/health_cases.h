// Applying a decoded lab result to a worker file: the latest result of each test, the
// case of each touched condition, its tier (rules-defaults.md), the alert of every tier
// or green-channel change, and the health follow-up workflow's events (opened, tier_up,
// tier_down, tier_none, result) — plus the results promise of the exam.
//
// Ownership: borrows the catalog, rules, workflows, host and metrics.
// Thread-safety: one thread.
#pragma once

#include <string>

#include "careloop/decode/catalog.h"
#include "careloop/engine/topics.h"
#include "careloop/engine/txn.h"
#include "careloop/engine/workflow_set.h"
#include "careloop/metrics/metrics.h"
#include "careloop/model.h"
#include "careloop/rules/rule_set.h"
#include "careloop/state/worker_file.h"
#include "workflow_host.h"

namespace careloop::engine {

class HealthCases {
 public:
  HealthCases(const decode::Catalog& catalog, const rules::RuleSet& rules,
              const WorkflowSet& workflows, const WorkflowHost& host, const Topics& topics,
              metrics::Metrics* metrics)
      : catalog_(catalog),
        rules_(rules),
        workflows_(workflows),
        host_(host),
        topics_(topics),
        metrics_(metrics) {}

  // Applies `lab` to `file` at clock `now`; outputs go into `txn`.
  void Apply(const LabResult& lab, TimeMs now, std::int32_t partition, state::WorkerFile* file,
             Txn& txn) const;

  // The case's workflow subject (for check-ins and timers).
  Subject CaseSubject(std::int32_t partition, state::WorkerFile* file, state::ConditionFile* cond,
                      state::CaseRecord* kase) const;
  Subject ExamSubject(std::int32_t partition, state::WorkerFile* file,
                      state::ExamRecord* exam) const;

 private:
  // Stores one result; returns false when it does not change the latest results.
  bool Store(const LabResult& lab, const Measurement& m, state::ConditionFile* cond) const;
  void Evaluate(const LabResult& lab, TimeMs now, std::int32_t partition, state::WorkerFile* file,
                state::ConditionFile* cond, Txn& txn) const;
  void ExamResults(const LabResult& lab, TimeMs now, std::int32_t partition,
                   state::WorkerFile* file, Txn& txn) const;

  const decode::Catalog& catalog_;
  const rules::RuleSet& rules_;
  const WorkflowSet& workflows_;
  const WorkflowHost& host_;
  const Topics& topics_;
  metrics::Metrics* metrics_;
};

// The highest tier among the worker's open cases.
Tier WorkerTier(const state::WorkerFile& file);

}  // namespace careloop::engine
