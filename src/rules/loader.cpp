// RuleSet::LoadFile / LoadString: reads rules.yaml (`tiers:` and `rules:`), checks the
// whole set (unique ids, evaluation order per test) and computes the version.
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "careloop/ids.h"
#include "rules/load_context.h"

namespace careloop::rules {
namespace {

// Within one test: red rules, then yellow, then green (first match wins), and ★ rules
// before the plain red ones so a wider plain red rule cannot hide them.
Status CheckOrder(const LoadContext& c, const RuleTable& impl) {
  struct Seen {
    Tier last = Tier::kRed;
    const SingleRule* plain_red = nullptr;
  };
  std::unordered_map<std::string, Seen> seen;
  auto bad = [&](const SingleRule& r, std::string_view what) {
    return Status::InvalidArgument(fmt::format("{}:{}: rule {}: {}", c.origin, r.line, r.id, what));
  };
  for (const SingleRule& r : impl.singles) {
    Seen& s = seen[r.test];
    if (r.tier > s.last) {
      return bad(r, fmt::format("a {} rule of {} comes after a {} one; write each test's rules "
                                "red, then yellow, then green (the first that holds wins)",
                                TierName(r.tier), r.test, TierName(s.last)));
    }
    if (r.green_channel && s.plain_red != nullptr) {
      return bad(r, fmt::format("a green_channel (★) rule of {} comes after the plain red rule {} "
                                "(line {}); write ★ rules first",
                                r.test, s.plain_red->id, s.plain_red->line));
    }
    if (r.tier == Tier::kRed && !r.green_channel && s.plain_red == nullptr) s.plain_red = &r;
    s.last = r.tier;
  }
  return Status::Ok();
}

Status CheckUniqueIds(const LoadContext& c, const RuleTable& impl) {
  std::unordered_map<std::string, int> lines;
  std::vector<std::pair<std::string, int>> all;
  for (const SingleRule& r : impl.singles) all.emplace_back(r.id, r.line);
  for (const ComboRule& r : impl.combos) all.emplace_back(r.id, r.line);
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a.second < b.second; });
  for (const auto& [id, line] : all) {
    auto [it, fresh] = lines.emplace(id, line);
    if (!fresh) {
      return Status::InvalidArgument(fmt::format("{}:{}: duplicate rule id '{}' (first at line {})",
                                                 c.origin, line, id, it->second));
    }
  }
  return Status::Ok();
}

Status Parse(const LoadContext& c, const YAML::Node& root, RuleTable* impl) {
  if (!root.IsMap()) return c.Bad(root, "rules file must be a map with tiers: and rules:");
  // Plain YAML::Node members would merge on assignment: keep the pairs found.
  std::optional<std::pair<YAML::Node, YAML::Node>> tiers, rules;
  for (const auto& kv : root) {
    std::string key = kv.first.as<std::string>();
    if ((key == "tiers" && tiers) || (key == "rules" && rules)) {
      return c.Bad(kv.first, fmt::format("{} is given twice", key));
    }
    if (key == "tiers") {
      tiers.emplace(kv.first, kv.second);
    } else if (key == "rules") {
      rules.emplace(kv.first, kv.second);
    } else {
      return c.Bad(kv.first, fmt::format("unknown key '{}' (expected tiers, rules)", key));
    }
  }
  if (!tiers) return c.Bad(root, "missing the tiers: section");
  CARELOOP_RETURN_IF_ERROR(LoadTiers(c, tiers->first, tiers->second, impl));
  if (!rules) return c.Bad(root, "missing the rules: list");
  if (!rules->second.IsSequence()) {
    return c.Bad(rules->second, rules->first, "rules must be a list of rules");
  }
  for (const auto& r : rules->second) CARELOOP_RETURN_IF_ERROR(LoadRule(c, r, impl));
  CARELOOP_RETURN_IF_ERROR(CheckUniqueIds(c, *impl));
  CARELOOP_RETURN_IF_ERROR(CheckOrder(c, *impl));
  for (size_t i = 0; i < impl->singles.size(); ++i) {
    impl->by_test[impl->singles[i].test].push_back(i);
  }
  impl->version = MakeId("r-", {CanonicalText(*impl)});
  return Status::Ok();
}

}  // namespace

Result<RuleSet> RuleSet::LoadString(std::string_view yaml, std::string_view origin,
                                    const decode::Catalog& catalog) {
  LoadContext c{std::string(origin), catalog};
  RuleSet set;
  auto error = [&](const YAML::Exception& e, std::string_view what) {
    if (e.mark.is_null())
      return Status::InvalidArgument(fmt::format("{}: {}{}", origin, what, e.msg));
    return Status::InvalidArgument(
        fmt::format("{}:{}: {}{}", origin, e.mark.line + 1, what, e.msg));
  };
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return error(e, "not valid YAML: ");
  }
  try {
    CARELOOP_RETURN_IF_ERROR(Parse(c, root, set.impl_.get()));
  } catch (const YAML::Exception& e) {
    // A conversion the loader did not check first: still an error, never a throw.
    return error(e, "");
  }
  return set;
}

Result<RuleSet> RuleSet::LoadFile(const std::string& path, const decode::Catalog& catalog) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument(fmt::format("{}: cannot read the rules file", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::IoError(fmt::format("{}: read failed", path));
  return LoadString(text.str(), path, catalog);
}

}  // namespace careloop::rules
