// WorkflowHost: runs workflow instances stored in worker and petition files, and turns
// the engine's effects into outbound records (notifications, escalations, referrals),
// durable timers and history lines — all through the Txn, so they commit with the state.
//
// Ownership: borrows topics, catalog and metrics. Thread-safety: one thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "careloop/decode/catalog.h"
#include "careloop/engine/topics.h"
#include "careloop/engine/txn.h"
#include "careloop/metrics/metrics.h"
#include "careloop/state/worker_file.h"
#include "careloop/workflow/engine.h"

namespace careloop::engine {

// One instance and where it lives.
struct Subject {
  const workflow::Definition* def = nullptr;
  state::WorkflowState* stored = nullptr;
  state::LazyList<state::CaseEvent>* history = nullptr;  // appended to, not read
  char entity_kind = 'W';                                // 'W' worker file, 'P' petition file
  std::int32_t partition = 0;
  std::string entity_id;     // worker_id or petition_id
  char instance_kind = 'c';  // 'c' case, 'e' exam, 'p' petition
  std::string instance_id;   // case_id, exam_id or petition_id
  std::string worker_id;     // "" when unknown (petitions)
  std::string key;           // Kafka key of the outputs
  // Cases only:
  std::string condition;
  Tier tier = Tier::kNone;
  const state::LazyList<state::StoredResult>* findings = nullptr;  // decoded if used
  std::string rules_version;
};

struct Cause {
  std::string event_id;  // the input event, or "timer:…" for a deadline
  std::string who;       // staff / handler, when known
  TimeMs now = 0;
  std::string hospital;  // referral_accepted
};

// A parsed timer id: which instance's which deadline step.
struct TimerRef {
  char entity_kind = 'W';
  std::string entity_id;
  char instance_kind = 'c';
  std::string instance_id;
  std::string deadline;
  int step = 0;
};
std::string TimerId(const Subject& s, std::string_view deadline, int step);
bool ParseTimerId(std::string_view id, TimerRef* out);

workflow::Instance ToInstance(const state::WorkflowState& s);
void FromInstance(const workflow::Instance& inst, state::WorkflowState* s);

class WorkflowHost {
 public:
  WorkflowHost(const Topics& topics, const decode::Catalog& catalog, metrics::Metrics* metrics)
      : topics_(topics), catalog_(catalog), metrics_(metrics) {}

  // Sends an event to the subject's instance (starting it when new). Returns whether a
  // handler matched; either way the history says what happened.
  bool Send(Subject& s, std::string_view event, const workflow::Fields& fields, const Cause& cause,
            Txn& txn) const;

  // Fires one timer step. Returns false when it was stale (nothing emitted).
  // `*escalations` (optional) receives how many escalations it emitted.
  bool Fire(Subject& s, const TimerRef& t, TimeMs scheduled_at, TimeMs now, Txn& txn,
            int* escalations = nullptr) const;

 private:
  void Apply(Subject& s, const std::vector<workflow::Effect>& fx, const Cause& cause,
             workflow::Instance& inst, Txn& txn, std::string_view why) const;

  const Topics& topics_;
  const decode::Catalog& catalog_;
  metrics::Metrics* metrics_;
};

}  // namespace careloop::engine
