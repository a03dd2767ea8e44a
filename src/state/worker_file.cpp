#include "careloop/state/worker_file.h"

#include <algorithm>

namespace careloop::state {

ConditionFile* WorkerFile::FindCondition(std::string_view condition) {
  auto it = std::find_if(conditions.begin(), conditions.end(),
                         [&](const ConditionFile& c) { return c.condition == condition; });
  return it == conditions.end() ? nullptr : &*it;
}

const ConditionFile* WorkerFile::FindCondition(std::string_view condition) const {
  return const_cast<WorkerFile*>(this)->FindCondition(condition);
}

}  // namespace careloop::state
