// RuleSet: the tier rules (rules-defaults.md), loaded from `config/rules.yaml`.
//
// A value's tier: test the red rules of its test first, then yellow, then green; the
// first rule that holds gives the tier and its rule id; none holds: tier none. The one
// combination rule kind (`all:` over several tests "from one exam", the stomach rule)
// is evaluated over a condition's latest results. `rules_version` is a content hash
// of the effective rules, stamped on every alert.
//
// Ownership: reads the Catalog while loading and keeps what it needs (test codes and
// conditions), so the Catalog need not outlive it. Immutable after loading; a moved-from
// RuleSet may only be destroyed or assigned to.
// Thread-safety: const methods are safe from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "careloop/decode/catalog.h"
#include "careloop/model.h"
#include "careloop/status.h"

namespace careloop::rules {

struct Hit {
  Tier tier = Tier::kNone;
  std::string rule_id;         // "" when tier is none
  bool green_channel = false;  // a ★ rule matched (always red)
  bool critical = false;       // `urgency: critical`
};

struct ConditionEval {
  Tier tier = Tier::kNone;  // highest of all hits
  bool green_channel = false;
  bool critical = false;          // a red hit that is critical
  std::vector<Hit> per_test;      // aligned with the input observations
  std::vector<Hit> combinations;  // combination rules that held
};

// What a tier means for the people who act on it (the `tiers:` section).
struct TierPolicy {
  std::vector<std::string> actions;  // e.g. ["phone_now", "dedicated_followup"]
  TimeMs due_after = 0;              // due_at = alert time + this; 0 = no due time
};

class RuleSet {
 public:
  RuleSet();
  ~RuleSet();
  RuleSet(RuleSet&&) noexcept;
  RuleSet& operator=(RuleSet&&) noexcept;

  // Errors name the file, line and what is wrong, e.g.
  // "config/rules.yaml:31: rule TG-R: operator '=>' is not one of >= > <= < ==".
  static Result<RuleSet> LoadFile(const std::string& path, const decode::Catalog& catalog);
  static Result<RuleSet> LoadString(std::string_view yaml, std::string_view origin,
                                    const decode::Catalog& catalog);

  // The single-test rules for one observation.
  Hit Evaluate(const Observation& obs) const;

  // A condition's tier over the latest observation of each of its tests. Combination
  // rules of `condition` hold when every named test has an observation whose predicate
  // holds; with `same_exam`, all of one non-empty exam_id (so PG1 alone is tier none).
  ConditionEval EvaluateCondition(std::string_view condition,
                                  const std::vector<const Observation*>& latest) const;

  // Policy for a case in `tier` (green channel and critical refine red; red with both
  // gets the green-channel actions and the shorter due time). Tier none: close_case.
  const TierPolicy& Policy(Tier tier, bool green_channel, bool critical) const;

  const std::string& version() const;  // e.g. "r-5c1f0a9b3d2e7788"
  // The effective table, for `careloop rules show`: one line per rule, in order.
  std::string Describe() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace careloop::rules
