// WorkflowSet: the workflow definitions in force (topologies/*.yaml), by name. The
// processor needs four: health_followup (cases), exam_results (the results promise),
// petition, hardship.
//
// Ownership: owns the definitions. Thread-safety: immutable after loading.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "careloop/status.h"
#include "careloop/workflow/definition.h"

namespace careloop::engine {

class WorkflowSet {
 public:
  // Loads every definition in `dir` and checks the four the processor uses exist, with
  // the subject each needs.
  static Result<WorkflowSet> LoadDir(const std::string& dir);
  static Result<WorkflowSet> FromDefinitions(std::vector<workflow::Definition> defs);

  const workflow::Definition* Find(std::string_view name) const;
  const workflow::Definition& health() const { return *Find("health_followup"); }
  const workflow::Definition& exam() const { return *Find("exam_results"); }
  const workflow::Definition& petition() const { return *Find("petition"); }
  const workflow::Definition& hardship() const { return *Find("hardship"); }
  const std::vector<workflow::Definition>& all() const { return defs_; }

 private:
  std::vector<workflow::Definition> defs_;
};

}  // namespace careloop::engine
