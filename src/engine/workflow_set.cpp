#include "careloop/engine/workflow_set.h"

#include <fmt/format.h>

namespace careloop::engine {

Result<WorkflowSet> WorkflowSet::FromDefinitions(std::vector<workflow::Definition> defs) {
  WorkflowSet set;
  set.defs_ = std::move(defs);
  const std::pair<const char*, const char*> needed[] = {{"health_followup", "case"},
                                                        {"exam_results", "exam"},
                                                        {"petition", "petition"},
                                                        {"hardship", "petition"}};
  for (const auto& [name, subject] : needed) {
    const workflow::Definition* d = set.Find(name);
    if (d == nullptr) {
      return Status::InvalidArgument(fmt::format("workflow '{}' is not defined", name));
    }
    if (d->subject != subject) {
      return Status::InvalidArgument(
          fmt::format("{}: workflow '{}' must have subject {}", d->source, name, subject));
    }
  }
  return set;
}

Result<WorkflowSet> WorkflowSet::LoadDir(const std::string& dir) {
  auto defs = workflow::LoadDefinitionDir(dir);
  if (!defs.ok()) return defs.status();
  return FromDefinitions(std::move(defs).value());
}

const workflow::Definition* WorkflowSet::Find(std::string_view name) const {
  for (const auto& d : defs_) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

}  // namespace careloop::engine
