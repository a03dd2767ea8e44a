#include "checkins.h"

#include <fmt/format.h>

namespace careloop::engine {
namespace {

void Log(state::WorkerFile* file, const Checkin& c, TimeMs now, std::string note) {
  state::CaseEvent e;
  e.at = now;
  e.event_id = c.event_id;
  e.what = c.kind;
  e.to = c.exam_id;
  e.who = c.staff_id.empty() ? c.source : c.staff_id;
  e.note = std::move(note);
  file->log.push_back(std::move(e));
}

workflow::Fields FieldsOf(const Checkin& c) {
  workflow::Fields f;
  auto put = [&](const char* k, const std::string& v) {
    if (!v.empty()) f.emplace(k, v);
  };
  put("outcome", c.outcome);
  put("channel", c.channel);
  put("staff_id", c.staff_id);
  put("hospital", c.hospital);
  put("plan", c.plan);
  put("status", c.status);
  return f;
}

}  // namespace

state::CaseRecord* MostUrgentOpenCase(state::WorkerFile* file, state::ConditionFile** cond) {
  state::CaseRecord* best = nullptr;
  auto rank = [](const state::CaseRecord& k) {
    return std::make_tuple(static_cast<int>(k.tier), k.green_channel, k.critical, -k.opened_at);
  };
  for (auto& cf : file->conditions) {
    for (auto& k : cf.cases) {
      if (!k.open) continue;
      if (best == nullptr || rank(k) > rank(*best)) {
        best = &k;
        *cond = &cf;
      }
    }
  }
  return best;
}

void Checkins::Apply(const Checkin& c, TimeMs now, std::int32_t partition, state::WorkerFile* file,
                     Txn& txn) const {
  if (c.kind == "exam_arrival") {
    Log(file, c, now, "");
    return;
  }
  if (c.kind == "exam_done") {
    state::ExamRecord* exam = file->FindOrAddExam(c.exam_id);
    if (exam->done_at != 0) {
      Log(file, c, now, "exam already checked out: recorded only");
      return;
    }
    exam->done_at = now;
    if (exam->results_received) {
      Log(file, c, now, "results already received");
      return;
    }
    Subject s = cases_.ExamSubject(partition, file, exam);
    host_.Send(s, "exam_done", FieldsOf(c), Cause{c.event_id, c.staff_id, now, ""}, txn);
    return;
  }
  // A follow-up milestone: find its case.
  state::ConditionFile* cond = nullptr;
  state::CaseRecord* kase = nullptr;
  if (!c.case_id.empty()) {
    for (auto& cf : file->conditions) {
      for (auto& k : cf.cases) {
        if (k.case_id == c.case_id) {
          kase = &k;
          cond = &cf;
        }
      }
    }
    if (kase == nullptr) {
      Log(file, c, now, fmt::format("case {} is not this worker's: recorded only", c.case_id));
      return;
    }
  } else {
    kase = MostUrgentOpenCase(file, &cond);
    if (kase == nullptr) {
      Log(file, c, now, "no open case: recorded only");
      return;
    }
  }
  // The first staff member to act on a case holds it (named in escalations).
  if (!c.staff_id.empty()) {
    bool has = false;
    for (const auto& [k, v] : kase->wf.attrs) has = has || (k == "staff" && !v.empty());
    if (!has) kase->wf.attrs.emplace_back("staff", c.staff_id);
  }
  Subject s = cases_.CaseSubject(partition, file, cond, kase);
  Cause cause{c.event_id, c.staff_id.empty() ? c.source : c.staff_id, now, c.hospital};
  host_.Send(s, c.kind, FieldsOf(c), cause, txn);
  kase->stage = kase->wf.state;
}

}  // namespace careloop::engine
