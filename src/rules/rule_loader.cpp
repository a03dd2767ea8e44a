// One entry of `rules:` in rules.yaml: a single-test rule or an `all:` combination rule,
// checked against the catalog.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "rules/load_context.h"

namespace careloop::rules {
namespace {

// A rule being read: its id (once known) prefixes every message.
struct RuleCtx {
  const LoadContext& c;
  const YAML::Node& rule;
  std::string label = "rule";  // "rule lipids.tg.red" once the id is read

  Status Bad(const YAML::Node& n, std::string_view what) const {
    return c.Bad(n, rule, fmt::format("{}: {}", label, what));
  }
};

bool IsIn(const std::vector<std::string>& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

std::string Allowed(const std::vector<std::string>& list) {
  return fmt::format("{}", fmt::join(list, " "));
}

// `when` / `finding` / `hpv` of `holder` (a rule or a part of `all:`) for test `def`.
Result<Predicate> LoadPredicate(const RuleCtx& r, const YAML::Node& holder,
                                const decode::TestDef& def) {
  Predicate p;
  p.qualitative = def.qualitative;
  const YAML::Node when = holder["when"];
  const YAML::Node finding = holder["finding"];
  const YAML::Node hpv = holder["hpv"];
  if (!def.qualitative) {
    if (finding || hpv) {
      return r.Bad(finding ? finding : hpv,
                   fmt::format("test {} is numeric: use when, not finding or hpv", def.code));
    }
    if (!when) return r.Bad(holder, fmt::format("test {} needs when: \">= 5.65\"", def.code));
    auto texts = ScalarList(r.c, when, r.label + ": when");
    if (!texts.ok()) return texts.status();
    if (texts->empty()) return r.Bad(when, "when is an empty list");
    size_t i = 0;
    for (const std::string& t : *texts) {
      auto cmp = ParseComparison(t);
      if (!cmp.ok()) return r.Bad(when.IsSequence() ? when[i] : when, cmp.status().message());
      p.any.push_back(*cmp);
      ++i;
    }
    return p;
  }
  if (when) {
    return r.Bad(when,
                 fmt::format("test {} is qualitative: use finding (or hpv), not when", def.code));
  }
  if (!finding && !hpv) return r.Bad(holder, fmt::format("test {} needs finding", def.code));
  if (finding) {
    auto f = ScalarList(r.c, finding, r.label + ": finding");
    if (!f.ok()) return f.status();
    for (const std::string& x : *f) {
      if (!IsIn(def.findings, x)) {
        return r.Bad(finding, fmt::format("unknown finding '{}' for {} (allowed: {})", x, def.code,
                                          Allowed(def.findings)));
      }
    }
    p.findings = std::move(f).value();
  }
  if (hpv) {
    if (def.hpv.empty()) return r.Bad(hpv, fmt::format("test {} has no hpv field", def.code));
    auto h = ScalarList(r.c, hpv, r.label + ": hpv");
    if (!h.ok()) return h.status();
    for (const std::string& x : *h) {
      if (!IsIn(def.hpv, x)) {
        return r.Bad(hpv, fmt::format("unknown hpv value '{}' for {} (allowed: {})", x, def.code,
                                      Allowed(def.hpv)));
      }
    }
    p.hpv = std::move(h).value();
  }
  if (p.findings.empty() && p.hpv.empty()) return r.Bad(holder, "finding is an empty list");
  return p;
}

Result<const decode::TestDef*> FindTest(const RuleCtx& r, const YAML::Node& n) {
  if (!n) return r.Bad(r.rule, "missing test");
  if (!n.IsScalar()) return r.Bad(n, "test must be a test code");
  std::string code = n.as<std::string>();
  const decode::TestDef* def = r.c.catalog.FindByCode(code);
  if (def == nullptr) return r.Bad(n, fmt::format("unknown test '{}'", code));
  return def;
}

Status CheckKeys(const RuleCtx& r, bool combination) {
  static const std::set<std::string> kSingle = {"id",      "test", "tier",          "when",
                                                "finding", "hpv",  "green_channel", "urgency"};
  static const std::set<std::string> kCombo = {"id",        "tier",          "all",
                                               "same_exam", "green_channel", "urgency"};
  const auto& allowed = combination ? kCombo : kSingle;
  for (const auto& kv : r.rule) {
    std::string key = kv.first.as<std::string>();
    if (allowed.count(key) == 0) {
      if (combination && (key == "test" || key == "when" || key == "finding" || key == "hpv")) {
        return r.Bad(kv.first, fmt::format("a combination rule (all:) names its tests inside all, "
                                           "not with '{}'",
                                           key));
      }
      return r.Bad(kv.first,
                   fmt::format("unknown key '{}' (expected {})", key, fmt::join(allowed, ", ")));
    }
  }
  return Status::Ok();
}

// id, tier, green_channel, urgency: common to both kinds.
struct Common {
  std::string id;
  Tier tier = Tier::kNone;
  bool green_channel = false;
  bool critical = false;
};

Status LoadId(RuleCtx* r, Common* out) {
  const YAML::Node id = r->rule["id"];
  if (!id) return r->Bad(r->rule, "missing id");
  if (!id.IsScalar() || id.as<std::string>().empty()) return r->Bad(id, "id must be a name");
  out->id = id.as<std::string>();
  if (std::any_of(out->id.begin(), out->id.end(),
                  [](char ch) { return static_cast<unsigned char>(ch) <= ' '; })) {
    return r->Bad(id, fmt::format("id '{}' has blanks or control characters", out->id));
  }
  r->label = "rule " + out->id;
  return Status::Ok();
}

Status LoadCommon(RuleCtx* r, Common* out) {
  const YAML::Node tier = r->rule["tier"];
  if (!tier) return r->Bad(r->rule, "missing tier (red, yellow or green)");
  std::string tier_name = tier.IsScalar() ? tier.as<std::string>() : "";
  std::optional<Tier> t = ParseTier(tier_name);
  if (!t || *t == Tier::kNone) {
    return r->Bad(tier,
                  fmt::format("unknown tier '{}' (expected red, yellow or green)", tier_name));
  }
  out->tier = *t;

  if (const YAML::Node gc = r->rule["green_channel"]) {
    auto v = Bool(r->c, gc, r->label + ": green_channel");
    if (!v.ok()) return v.status();
    if (*v && out->tier != Tier::kRed) {
      return r->Bad(
          gc, fmt::format("green_channel (★) is only for red rules, not {}", TierName(out->tier)));
    }
    out->green_channel = *v;
  }
  if (const YAML::Node u = r->rule["urgency"]) {
    if (!u.IsScalar() || u.as<std::string>() != "critical") {
      return r->Bad(u, "urgency must be critical (or left out)");
    }
    if (out->tier != Tier::kRed) {
      return r->Bad(
          u, fmt::format("urgency: critical is only for red rules, not {}", TierName(out->tier)));
    }
    out->critical = true;
  }
  return Status::Ok();
}

Status LoadCombination(const RuleCtx& r, const Common& common, RuleTable* impl) {
  ComboRule rule;
  rule.id = common.id;
  rule.tier = common.tier;
  rule.green_channel = common.green_channel;
  rule.critical = common.critical;
  rule.line = LineOf(r.rule);
  const YAML::Node all = r.rule["all"];
  if (!all.IsSequence() || all.size() < 2) {
    return r.Bad(all, "all must be a list of two or more {test, when} parts");
  }
  const decode::TestDef* first = nullptr;
  for (const auto& part : all) {
    if (!part.IsMap()) return r.Bad(part, "each part of all is a map {test, when}");
    for (const auto& kv : part) {
      std::string key = kv.first.as<std::string>();
      if (key != "test" && key != "when" && key != "finding" && key != "hpv") {
        return r.Bad(kv.first, fmt::format("unknown key '{}' in a part of all "
                                           "(expected test, when, finding, hpv)",
                                           key));
      }
    }
    auto def = FindTest(r, part["test"]);
    if (!def.ok()) return def.status();
    const decode::TestDef& d = **def;
    if (first == nullptr) first = &d;
    if (d.condition != first->condition) {
      return r.Bad(part["test"], fmt::format("combination over tests of different conditions: "
                                             "{} ({}) and {} ({})",
                                             first->code, first->condition, d.code, d.condition));
    }
    for (const ComboPart& p : rule.all) {
      if (p.test == d.code) return r.Bad(part["test"], fmt::format("test {} twice in all", d.code));
    }
    auto pred = LoadPredicate(r, part, d);
    if (!pred.ok()) return pred.status();
    rule.all.push_back(ComboPart{d.code, std::move(pred).value()});
  }
  rule.condition = first->condition;
  if (const YAML::Node same = r.rule["same_exam"]) {
    auto v = Bool(r.c, same, r.label + ": same_exam");
    if (!v.ok()) return v.status();
    rule.same_exam = *v;
  }
  impl->combos.push_back(std::move(rule));
  return Status::Ok();
}

}  // namespace

Status LoadRule(const LoadContext& c, const YAML::Node& n, RuleTable* impl) {
  RuleCtx r{c, n};
  if (!n.IsMap()) return c.Bad(n, "a rule is a map {id, test, tier, when | finding}");
  const bool combination = static_cast<bool>(n["all"]);
  if (combination && n["test"]) return r.Bad(n["test"], "a rule has either test or all, not both");
  Common common;
  CARELOOP_RETURN_IF_ERROR(LoadId(&r, &common));
  CARELOOP_RETURN_IF_ERROR(CheckKeys(r, combination));
  CARELOOP_RETURN_IF_ERROR(LoadCommon(&r, &common));
  if (combination) return LoadCombination(r, common, impl);

  auto def = FindTest(r, n["test"]);
  if (!def.ok()) return def.status();
  auto pred = LoadPredicate(r, n, **def);
  if (!pred.ok()) return pred.status();
  SingleRule rule;
  rule.id = common.id;
  rule.test = (*def)->code;
  rule.condition = (*def)->condition;
  rule.tier = common.tier;
  rule.when = std::move(pred).value();
  rule.green_channel = common.green_channel;
  rule.critical = common.critical;
  rule.line = LineOf(n);
  impl->singles.push_back(std::move(rule));
  return Status::Ok();
}

}  // namespace careloop::rules
