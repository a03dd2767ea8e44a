// Transitions: what changed between two summaries of the same file, as the metrics that
// count it — red cases first reached, once per red pace (see case_summary.h). Deadlines
// met are counted by the engine itself as they are cancelled (workflow_host.cpp): a
// comparison of stored versions misses a deadline started and met within one commit.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "api/case_summary.h"
#include "careloop/engine/workflow_set.h"

namespace careloop::api {

struct Transition {
  enum class Kind { kRedFirstContact };
  Kind kind = Kind::kRedFirstContact;
  std::string urgency;  // first contact: critical | high
  double seconds = 0;   // first contact: from red to reached
};

// `before` may be empty (the file was not indexed, or is new).
std::vector<Transition> Compare(const std::vector<InstanceSnapshot>& before,
                                const std::vector<InstanceSnapshot>& after,
                                const engine::WorkflowSet& workflows);

}  // namespace careloop::api
