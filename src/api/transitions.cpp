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

}  // namespace

std::vector<Transition> Compare(const std::vector<InstanceSnapshot>& before,
                                const std::vector<InstanceSnapshot>& after,
                                const engine::WorkflowSet& workflows) {
  std::vector<Transition> out;
  for (const auto& now : after) {
    const InstanceSnapshot* was = Find(before, now.kind, now.id);
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
