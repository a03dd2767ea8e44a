// RuleSet evaluation: one observation against its test's rules (first match wins), a
// condition's latest observations (single rules + combination rules), tier policies.
#include <algorithm>

#include "rules/rule.h"

namespace careloop::rules {
namespace {

Hit MakeHit(Tier tier, const std::string& id, bool green_channel, bool critical) {
  Hit h;
  h.tier = tier;
  h.rule_id = id;
  h.green_channel = green_channel;
  h.critical = critical;
  return h;
}

// Does `part` hold on some observation of its test (with `exam_id`, of that exam)?
bool PartHolds(const ComboPart& part, const std::vector<const Observation*>& latest,
               const std::string* exam_id) {
  for (const Observation* o : latest) {
    if (o == nullptr || o->test != part.test) continue;
    if (exam_id != nullptr && o->exam_id != *exam_id) continue;
    if (part.when.Matches(*o)) return true;
  }
  return false;
}

bool ComboHolds(const ComboRule& rule, const std::vector<const Observation*>& latest) {
  if (!rule.same_exam) {
    return std::all_of(rule.all.begin(), rule.all.end(),
                       [&](const ComboPart& p) { return PartHolds(p, latest, nullptr); });
  }
  // Try each exam that has a result of the first test; an empty exam id proves nothing.
  for (const Observation* o : latest) {
    if (o == nullptr || o->test != rule.all.front().test || o->exam_id.empty()) continue;
    if (std::all_of(rule.all.begin(), rule.all.end(),
                    [&](const ComboPart& p) { return PartHolds(p, latest, &o->exam_id); })) {
      return true;
    }
  }
  return false;
}

void Fold(const Hit& h, ConditionEval* out) {
  out->tier = std::max(out->tier, h.tier);
  out->green_channel = out->green_channel || h.green_channel;
  out->critical = out->critical || (h.tier == Tier::kRed && h.critical);
}

}  // namespace

RuleSet::RuleSet() : impl_(std::make_unique<Impl>()) {}
RuleSet::~RuleSet() = default;
RuleSet::RuleSet(RuleSet&&) noexcept = default;
RuleSet& RuleSet::operator=(RuleSet&&) noexcept = default;

Hit RuleSet::Evaluate(const Observation& obs) const {
  auto it = impl_->by_test.find(obs.test);
  if (it == impl_->by_test.end()) return Hit{};
  for (size_t i : it->second) {
    const SingleRule& r = impl_->singles[i];
    if (r.when.Matches(obs)) return MakeHit(r.tier, r.id, r.green_channel, r.critical);
  }
  return Hit{};
}

ConditionEval RuleSet::EvaluateCondition(std::string_view condition,
                                         const std::vector<const Observation*>& latest) const {
  ConditionEval out;
  out.per_test.reserve(latest.size());
  for (const Observation* o : latest) {
    out.per_test.push_back(o == nullptr ? Hit{} : Evaluate(*o));
    Fold(out.per_test.back(), &out);
  }
  for (const ComboRule& r : impl_->combos) {
    if (r.condition != condition || !ComboHolds(r, latest)) continue;
    out.combinations.push_back(MakeHit(r.tier, r.id, r.green_channel, r.critical));
    Fold(out.combinations.back(), &out);
  }
  return out;
}

const TierPolicy& RuleSet::Policy(Tier tier, bool green_channel, bool critical) const {
  auto at = [&](PolicyKey k) -> const TierPolicy& {
    return impl_->policies[static_cast<size_t>(k)];
  };
  switch (tier) {
    case Tier::kRed:
      if (green_channel && critical) return impl_->red_green_channel_critical;
      if (green_channel) return at(PolicyKey::kRedGreenChannel);
      if (critical) return at(PolicyKey::kRedCritical);
      return at(PolicyKey::kRed);
    case Tier::kYellow:
      return at(PolicyKey::kYellow);
    case Tier::kGreen:
      return at(PolicyKey::kGreen);
    case Tier::kNone:
      break;
  }
  return at(PolicyKey::kNone);
}

const std::string& RuleSet::version() const { return impl_->version; }

}  // namespace careloop::rules
