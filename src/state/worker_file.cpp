#include "careloop/state/worker_file.h"

#include <algorithm>

namespace careloop::state {

ConditionFile* WorkerFile::FindCondition(std::string_view condition) {
  auto it = std::find_if(conditions.begin(), conditions.end(),
                         [&](const ConditionFile& c) { return c.condition == condition; });
  return it == conditions.end() ? nullptr : &*it;
}

ExamRecord* WorkerFile::FindOrAddExam(std::string_view exam_id, bool* created) {
  for (auto& e : exams) {
    if (e.exam_id == exam_id) {
      if (created) *created = false;
      return &e;
    }
  }
  if (created) *created = true;
  auto it =
      std::lower_bound(exams.begin(), exams.end(), exam_id,
                       [](const ExamRecord& e, std::string_view id) { return e.exam_id < id; });
  it = exams.insert(it, ExamRecord{});
  it->exam_id = std::string(exam_id);
  return &*it;
}

const ConditionFile* WorkerFile::FindCondition(std::string_view condition) const {
  return const_cast<WorkerFile*>(this)->FindCondition(condition);
}

}  // namespace careloop::state
