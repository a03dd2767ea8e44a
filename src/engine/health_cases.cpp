#include "health_cases.h"

#include <algorithm>

#include <fmt/format.h>

#include "careloop/ids.h"
#include "records.h"

namespace careloop::engine {
namespace {

state::StoredResult* FindTest(state::LazyList<state::StoredResult>& v, std::string_view test) {
  for (auto& r : v) {
    if (r.m.obs.test == test) return &r;
  }
  return nullptr;
}

state::CaseRecord* OpenCase(state::ConditionFile* cond) {
  if (!cond->cases.empty() && cond->cases.back().open) return &cond->cases.back();
  return nullptr;
}

std::string JoinRuleIds(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    if (!out.empty()) out += ',';
    out += id;
  }
  return out;
}

}  // namespace

Tier WorkerTier(const state::WorkerFile& file) {
  Tier t = Tier::kNone;
  for (const auto& cond : file.conditions) {
    for (const auto& c : cond.cases) {
      if (c.open && c.tier > t) t = c.tier;
    }
  }
  return t;
}

bool HealthCases::Store(const LabResult& lab, const Measurement& m,
                        state::ConditionFile* cond) const {
  // Written over the stored result in place where there is one (its strings keep their
  // buffers), not built aside and moved in.
  auto put = [&](state::StoredResult* r) {
    r->m = m;
    r->event_id = lab.event_id;
    r->occurred_at = lab.occurred_at;
    r->tier = Tier::kNone;  // until the rules evaluate it
    r->rule_id.clear();
  };
  if (m.status == ResultStatus::kPreliminary) {
    // Stored for the worker file; a preliminary result raises no alert.
    state::StoredResult* p = FindTest(cond->preliminary, m.obs.test);
    put(p != nullptr ? p : &cond->preliminary.emplace_back());
    return false;
  }
  // A final or corrected result supersedes a preliminary one of the same exam.
  std::erase_if(cond->preliminary.items(), [&](const state::StoredResult& p) {
    return p.m.obs.test == m.obs.test && p.m.obs.exam_id == m.obs.exam_id;
  });
  state::StoredResult* cur = FindTest(cond->latest, m.obs.test);
  if (cur == nullptr) {
    put(&cond->latest.emplace_back());
    return true;
  }
  // Same exam: a correction (or re-send) replaces it. Another exam: the later one wins;
  // a result from an exam older than the one held is kept out of the tier.
  bool same_exam = cur->m.obs.exam_id == m.obs.exam_id;
  if (!same_exam && lab.occurred_at < cur->occurred_at) return false;
  put(cur);
  return true;
}

void HealthCases::Apply(const LabResult& lab, TimeMs now, std::int32_t partition,
                        state::WorkerFile* file, Txn& txn) const {
  std::vector<std::string> touched;
  for (const Measurement& m : lab.results) {
    const decode::TestDef* def = catalog_.FindByCode(m.obs.test);
    if (def == nullptr) continue;  // the decoder only passes catalog tests
    state::ConditionFile* cond = file->FindCondition(def->condition);
    if (cond == nullptr) {
      file->conditions.push_back(state::ConditionFile{});
      cond = &file->conditions.back();
      cond->condition = def->condition;
    }
    if (Store(lab, m, cond) &&
        std::find(touched.begin(), touched.end(), def->condition) == touched.end()) {
      touched.push_back(def->condition);
    }
  }
  // Deterministic order: conditions in catalog order.
  for (const std::string& name : catalog_.conditions()) {
    if (std::find(touched.begin(), touched.end(), name) == touched.end()) continue;
    Evaluate(lab, now, partition, file, file->FindCondition(name), txn);
  }
  ExamResults(lab, now, partition, file, txn);
}

Subject HealthCases::CaseSubject(std::int32_t partition, state::WorkerFile* file,
                                 state::ConditionFile* cond, state::CaseRecord* kase) const {
  Subject s;
  s.def = &workflows_.health();
  s.stored = &kase->wf;
  s.history = &kase->history;
  s.entity_kind = 'W';
  s.partition = partition;
  s.entity_id = file->worker_id;
  s.instance_kind = 'c';
  s.instance_id = kase->case_id;
  s.worker_id = file->worker_id;
  s.key = file->worker_id;
  s.condition = cond->condition;
  s.tier = kase->tier;
  s.findings = &cond->latest;
  s.rules_version = kase->rules_version;
  return s;
}

Subject HealthCases::ExamSubject(std::int32_t partition, state::WorkerFile* file,
                                 state::ExamRecord* exam) const {
  Subject s;
  s.def = &workflows_.exam();
  s.stored = &exam->wf;
  s.history = &file->log;
  s.entity_kind = 'W';
  s.partition = partition;
  s.entity_id = file->worker_id;
  s.instance_kind = 'e';
  s.instance_id = exam->exam_id;
  s.worker_id = file->worker_id;
  s.key = file->worker_id;
  return s;
}

void HealthCases::ExamResults(const LabResult& lab, TimeMs now, std::int32_t partition,
                              state::WorkerFile* file, Txn& txn) const {
  state::ExamRecord* exam = file->FindOrAddExam(lab.exam_id);
  bool first = !exam->results_received;
  exam->results_received = true;
  if (first && !exam->wf.workflow.empty()) {
    Subject s = ExamSubject(partition, file, exam);
    Cause cause{lab.event_id, lab.source, now, ""};
    host_.Send(s, "result", {}, cause, txn);
  }
}

void HealthCases::Evaluate(const LabResult& lab, TimeMs now, std::int32_t partition,
                           state::WorkerFile* file, state::ConditionFile* cond, Txn& txn) const {
  std::vector<state::StoredResult>& latest = cond->latest.items();
  std::vector<const Observation*> obs;
  obs.reserve(latest.size());
  for (const auto& r : latest) obs.push_back(&r.m.obs);
  rules::ConditionEval eval = rules_.EvaluateCondition(cond->condition, obs);
  std::vector<std::string> rule_ids;
  for (size_t i = 0; i < latest.size() && i < eval.per_test.size(); ++i) {
    latest[i].tier = eval.per_test[i].tier;
    latest[i].rule_id = eval.per_test[i].rule_id;
    if (eval.per_test[i].tier == eval.tier && eval.tier != Tier::kNone) {
      rule_ids.push_back(eval.per_test[i].rule_id);
    }
  }
  for (const auto& h : eval.combinations) {
    if (h.tier == eval.tier) rule_ids.push_back(h.rule_id);
  }
  std::sort(rule_ids.begin(), rule_ids.end());
  rule_ids.erase(std::unique(rule_ids.begin(), rule_ids.end()), rule_ids.end());

  state::CaseRecord* kase = OpenCase(cond);
  const bool opened = kase == nullptr;
  Tier previous = kase ? kase->tier : Tier::kNone;
  bool previous_gc = kase ? kase->green_channel : false;
  if (kase == nullptr && eval.tier == Tier::kNone) return;  // nothing open, nothing found
  if (kase == nullptr) {
    cond->case_seq++;
    state::CaseRecord c;
    c.case_id = MakeId("c-", {file->worker_id, cond->condition, std::to_string(cond->case_seq)});
    c.condition = cond->condition;
    c.opened_at = now;
    c.tier = Tier::kNone;
    cond->cases.push_back(std::move(c));
    kase = &cond->cases.back();
  }
  kase->rules_version = rules_.version();
  kase->critical = eval.critical;
  kase->rule_ids = rule_ids;
  const bool changed = eval.tier != previous || eval.green_channel != previous_gc;
  Cause cause{lab.event_id, lab.source, now, ""};
  if (!changed) {
    // Same tier and flag: a re-sent or unchanged result emits no alert, but a new result
    // of the condition is the re-check the workflow waits for.
    Subject s = CaseSubject(partition, file, cond, kase);
    workflow::Fields f{{"tier", std::string(TierName(kase->tier))},
                       {"green_channel", kase->green_channel ? "true" : "false"},
                       {"critical", kase->critical ? "true" : "false"}};
    host_.Send(s, "result", f, cause, txn);
    kase->stage = kase->wf.state;
    return;
  }

  kase->tier = eval.tier;
  kase->green_channel = eval.green_channel;
  state::CaseEvent ev;
  ev.at = now;
  ev.event_id = lab.event_id;
  ev.what = "tier";
  ev.from = std::string(TierName(previous)) + (previous_gc ? "*" : "");
  ev.to = std::string(TierName(eval.tier)) + (eval.green_channel ? "*" : "");
  ev.who = lab.source;
  ev.note = fmt::format("rules {} [{}]", rules_.version(), JoinRuleIds(rule_ids));
  kase->history.push_back(std::move(ev));
  if (eval.tier == Tier::kNone) {
    kase->open = false;
    kase->closed_at = now;
  }

  AlertRecord rec;
  rec.id = MakeId("al-", {lab.event_id, kase->case_id});
  rec.worker_id = file->worker_id;
  rec.kase = kase;
  rec.previous_tier = previous;
  rec.previous_green_channel = previous_gc;
  rec.worker_tier = WorkerTier(*file);
  rec.findings = &latest;
  rec.policy = &rules_.Policy(eval.tier, eval.green_channel, eval.critical);
  rec.rules_version = rules_.version();
  rec.cause_event_id = lab.event_id;
  rec.emitted_at = now;
  std::string json = AlertJson(rec);
  txn.Emit(topics_.alerts, file->worker_id, json, rec.id);
  if (eval.tier == Tier::kRed)
    txn.Emit(topics_.alerts_red, file->worker_id, std::move(json), rec.id);
  if (metrics_) {
    metrics_->Alert(TierName(eval.tier), cond->condition);
    if (eval.green_channel && !previous_gc) metrics_->GreenChannelOpened();
  }

  // The follow-up workflow: the tier sets the pace.
  const char* event = "tier_none";
  if (eval.tier != Tier::kNone) {
    if (opened) {
      event = "opened";
    } else if (eval.tier > previous || (eval.tier == previous && eval.green_channel)) {
      event = "tier_up";
    } else {
      event = "tier_down";
    }
  }
  Subject s = CaseSubject(partition, file, cond, kase);
  workflow::Fields f{{"tier", std::string(TierName(eval.tier))},
                     {"green_channel", eval.green_channel ? "true" : "false"},
                     {"critical", eval.critical ? "true" : "false"}};
  host_.Send(s, event, f, cause, txn);
  kase->stage = kase->wf.state;
}

}  // namespace careloop::engine
