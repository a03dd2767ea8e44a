#include "api/transitions.h"

namespace careloop::api {
namespace {

const InstanceSnapshot* Find(const std::vector<InstanceSnapshot>& v, char kind,
                             const std::string& id) {
  for (const auto& s : v) {
    if (s.kind == kind && s.id == id) return &s;
  }
  return nullptr;
}

const DeadlineSnapshot* FindDeadline(const InstanceSnapshot& s, const std::string& name) {
  for (const auto& d : s.deadlines) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

bool Escalated(const workflow::Deadline& d, std::int32_t next_step) {
  for (std::int32_t i = 0; i < next_step && i < static_cast<std::int32_t>(d.steps.size()); ++i) {
    if (d.steps[static_cast<size_t>(i)].escalate_level > 0) return true;
  }
  return false;
}

void MetDeadlines(const InstanceSnapshot& was, const InstanceSnapshot& now,
                  const engine::WorkflowSet& workflows, std::vector<Transition>* out) {
  if (was.kind == 'c' && (was.tier != now.tier || !now.open)) return;
  if (now.state == "closed" || now.state == "unreachable") return;
  const workflow::Definition* def = workflows.Find(was.workflow);
  if (def == nullptr) return;
  for (const auto& d : was.deadlines) {
    const DeadlineSnapshot* still = FindDeadline(now, d.name);
    if (still != nullptr && still->started_at == d.started_at) continue;  // running
    const workflow::Deadline* dd = def->FindDeadline(d.name);
    if (dd == nullptr || Escalated(*dd, d.next_step)) continue;
    if (now.last_change > DeadlineDue(*dd, d.started_at)) continue;  // done, but late
    Transition t;
    t.kind = Transition::Kind::kDeadlineMet;
    t.workflow = def->reports_as.empty() ? def->name : def->reports_as;
    t.stage = dd->stage;
    out->push_back(std::move(t));
  }
}

}  // namespace

std::vector<Transition> Compare(const std::vector<InstanceSnapshot>& before,
                                const std::vector<InstanceSnapshot>& after,
                                const engine::WorkflowSet& workflows) {
  std::vector<Transition> out;
  for (const auto& now : after) {
    const InstanceSnapshot* was = Find(before, now.kind, now.id);
    if (was != nullptr) MetDeadlines(*was, now, workflows, &out);
    if (now.kind != 'c' || now.first_contact_at == 0 || now.red_since == 0) continue;
    bool counted = was != nullptr && was->red_since == now.red_since && was->first_contact_at != 0;
    if (counted) continue;
    Transition t;
    t.kind = Transition::Kind::kRedFirstContact;
    t.urgency = now.critical ? "critical" : "high";
    t.seconds = static_cast<double>(now.first_contact_at - now.red_since) / 1000.0;
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace careloop::api
