// Transitions: what changed between two summaries of the same file, as the metrics that
// count it — deadlines met, and red cases first reached.
//
// A deadline was met when it left its instance (or restarted, e.g. a yellow case's
// re-check clock after a new result) by its due time, before any of its escalations
// fired, without the case changing tier or closing, and not into `closed` or
// `unreachable` (a withdrawal, a timeout or three failed contacts are not success).
// A red case is counted as first reached once per red pace (see case_summary.h).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "api/case_summary.h"
#include "careloop/engine/workflow_set.h"

namespace careloop::api {

struct Transition {
  enum class Kind { kDeadlineMet, kRedFirstContact };
  Kind kind = Kind::kDeadlineMet;
  std::string workflow;  // deadline met: the workflow's reported name
  std::string stage;     // deadline met: the deadline's stage
  std::string urgency;   // first contact: critical | high
  double seconds = 0;    // first contact: from red to reached
};

// `before` may be empty (the file was not indexed, or is new).
std::vector<Transition> Compare(const std::vector<InstanceSnapshot>& before,
                                const std::vector<InstanceSnapshot>& after,
                                const engine::WorkflowSet& workflows);

}  // namespace careloop::api
