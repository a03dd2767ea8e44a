#include "api/case_summary.h"

#include <algorithm>
#include <charconv>

namespace careloop::api {
namespace {

bool StartsWithRed(std::string_view tier) { return tier.substr(0, 3) == "red"; }

bool AwaitingContact(std::string_view stage) {
  return stage == "alerted" || stage == "unreachable";
}

std::string_view Attr(const state::WorkflowState& wf, std::string_view key) {
  for (const auto& [k, v] : wf.attrs) {
    if (k == key) return v;
  }
  return {};
}

bool EscalatesBefore(const workflow::Deadline& d, std::int32_t step_limit) {
  for (std::int32_t i = 0; i < step_limit && i < static_cast<std::int32_t>(d.steps.size()); ++i) {
    if (d.steps[static_cast<size_t>(i)].escalate_level > 0) return true;
  }
  return false;
}

// "timer:<deadline>#<step>@<RFC 3339>" (the cause id of a fired deadline's history line).
bool ParseTimerCause(std::string_view id, std::string_view* deadline, int* step,
                     TimeMs* scheduled) {
  constexpr std::string_view kPrefix = "timer:";
  if (id.substr(0, kPrefix.size()) != kPrefix) return false;
  id.remove_prefix(kPrefix.size());
  auto hash = id.find('#');
  auto at = id.find('@', hash == std::string_view::npos ? 0 : hash);
  if (hash == std::string_view::npos || at == std::string_view::npos) return false;
  *deadline = id.substr(0, hash);
  std::string_view digits = id.substr(hash + 1, at - hash - 1);
  if (std::from_chars(digits.data(), digits.data() + digits.size(), *step).ec != std::errc()) {
    return false;
  }
  auto t = ParseRfc3339(id.substr(at + 1));
  if (!t.ok()) return false;
  *scheduled = *t;
  return true;
}

TimeMs LastChange(const std::vector<state::CaseEvent>& history) {
  return history.empty() ? 0 : history.back().at;
}

InstanceSnapshot Snapshot(char kind, std::string id, const state::WorkflowState& wf,
                          const engine::WorkflowSet& workflows) {
  InstanceSnapshot s;
  s.kind = kind;
  s.id = std::move(id);
  s.workflow = wf.workflow;
  s.state = wf.state;
  const workflow::Definition* def = workflows.Find(wf.workflow);
  s.open = def == nullptr || !def->IsTerminal(wf.state);
  for (const auto& d : wf.deadlines) s.deadlines.push_back({d.name, d.started_at, d.next_step});
  return s;
}

// Due time, stage and escalation of the case's stage in progress.
void CaseDue(const state::CaseRecord& c, const workflow::Definition* def, OpenCase* out) {
  if (def == nullptr) return;
  for (const auto& d : c.wf.deadlines) {
    const workflow::Deadline* dd = def->FindDeadline(d.name);
    if (dd == nullptr) continue;
    TimeMs due = DeadlineDue(*dd, d.started_at);
    if (out->due_at == 0 || due < out->due_at) {
      out->due_at = due;
      out->due_stage = dd->stage;
      out->escalated = EscalatesBefore(*dd, d.next_step);
    }
  }
  if (out->due_at != 0) return;
  // No deadline running: one that escalated may have fired all its steps while the case
  // stayed in its stage. The history since the last change tells.
  for (auto it = c.history.rbegin(); it != c.history.rend(); ++it) {
    if (it->what == "stage" || it->what == "tier") return;
    if (it->what != "deadline") continue;
    std::string_view name;
    int step = 0;
    TimeMs scheduled = 0;
    if (!ParseTimerCause(it->event_id, &name, &step, &scheduled)) continue;
    const workflow::Deadline* dd = def->FindDeadline(name);
    if (dd == nullptr || step < 0 || step >= static_cast<int>(dd->steps.size())) continue;
    if (step + 1 != static_cast<int>(dd->steps.size()) || !EscalatesBefore(*dd, step + 1)) {
      return;
    }
    out->due_at = DeadlineDue(*dd, scheduled - dd->steps[static_cast<size_t>(step)].after);
    out->due_stage = dd->stage;
    out->escalated = true;
    return;
  }
}

// When the current tier started; for red cases, when the red pace started and when the
// worker was first reached after that.
void TierTimes(const state::CaseRecord& c, TimeMs* tier_since, TimeMs* red_since,
               TimeMs* first_contact_at) {
  size_t red_index = c.history.size();
  for (size_t i = 0; i < c.history.size(); ++i) {
    const state::CaseEvent& e = c.history[i];
    if (e.what != "tier") continue;
    *tier_since = e.at;
    bool red_now = StartsWithRed(e.to);
    bool relaxed_star = e.from == "red*" && e.to == "red";  // the pace in force stays
    if (red_now && !relaxed_star) {
      *red_since = e.at;
      red_index = i;
    } else if (!red_now) {
      *red_since = 0;
      red_index = c.history.size();
    }
  }
  *first_contact_at = 0;
  for (size_t i = red_index; i < c.history.size(); ++i) {
    const state::CaseEvent& e = c.history[i];
    if (e.what == "stage" && AwaitingContact(e.from) && !AwaitingContact(e.to) &&
        e.to != "closed") {
      *first_contact_at = e.at;
      return;
    }
  }
}

}  // namespace

bool WorkerSummary::interesting() const {
  if (!cases.empty()) return true;
  for (const auto& i : instances) {
    if (!i.deadlines.empty()) return true;
  }
  return false;
}

WorkerSummary SummarizeWorker(const state::WorkerFile& file, std::int32_t partition,
                              const engine::WorkflowSet& workflows) {
  WorkerSummary s;
  s.worker_id = file.worker_id;
  s.partition = partition;
  for (const auto& cond : file.conditions) {
    for (const auto& c : cond.cases) {
      const workflow::Definition* def = workflows.Find(c.wf.workflow);
      TimeMs tier_since = c.opened_at, red_since = 0, first_contact = 0;
      TierTimes(c, &tier_since, &red_since, &first_contact);
      if (!c.wf.workflow.empty()) {
        InstanceSnapshot snap = Snapshot('c', c.case_id, c.wf, workflows);
        snap.tier = c.tier;
        snap.open = c.open;
        snap.last_change = LastChange(c.history.items());
        snap.critical = c.critical;
        if (c.tier == Tier::kRed) {
          snap.red_since = red_since;
          snap.first_contact_at = first_contact;
        }
        s.instances.push_back(std::move(snap));
      }
      if (!c.open) continue;
      OpenCase oc;
      oc.case_id = c.case_id;
      oc.worker_id = file.worker_id;
      oc.partition = partition;
      oc.condition = cond.condition;
      oc.tier = c.tier;
      oc.green_channel = c.green_channel;
      oc.critical = c.critical;
      oc.stage = c.wf.state.empty() ? c.stage : c.wf.state;
      oc.responsible = std::string(Attr(c.wf, "responsible"));
      if (oc.responsible.empty()) oc.responsible = std::string(Attr(c.wf, "staff"));
      oc.opened_at = c.opened_at;
      oc.tier_since = tier_since;
      CaseDue(c, def, &oc);
      s.tier = std::max(s.tier, c.tier);
      s.cases.push_back(std::move(oc));
    }
  }
  for (const auto& x : file.exams) {
    if (x.wf.workflow.empty()) continue;
    InstanceSnapshot snap = Snapshot('e', x.exam_id, x.wf, workflows);
    snap.last_change = file.last_seen;
    s.instances.push_back(std::move(snap));
  }
  return s;
}

PetitionSummary SummarizePetition(const state::PetitionFile& file, std::int32_t partition,
                                  const engine::WorkflowSet& workflows) {
  PetitionSummary s;
  s.petition_id = file.petition_id;
  s.partition = partition;
  s.instance = Snapshot('p', file.petition_id, file.wf, workflows);
  s.instance.last_change = LastChange(file.history.items());
  return s;
}

}  // namespace careloop::api
