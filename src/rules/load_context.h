// Shared helpers of the rules.yaml loader: where we are (file name, catalog) and how an
// error names its place ("config/rules.yaml:31: rule lipids.tg.red: ...").
//
// Ownership: borrows the catalog for the duration of one load. Thread-safety: one thread.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <vector>

#include "rules/rule.h"

namespace careloop::rules {

struct LoadContext {
  std::string origin;  // file name, or what the caller named an in-memory text
  const decode::Catalog& catalog;

  // "<origin>:<line>: <what>" with the 1-based line of `n` (of `fallback` when `n` is
  // not in the file, e.g. a missing key).
  Status Bad(const YAML::Node& n, std::string_view what) const;
  Status Bad(const YAML::Node& n, const YAML::Node& fallback, std::string_view what) const;
};

// 1-based line of `n`, 0 when it is not in the file (a missing key: yaml-cpp's Mark()
// throws on such a node, so ask IsDefined() first).
inline int LineOf(const YAML::Node& n) {
  if (!n.IsDefined()) return 0;
  YAML::Mark m = n.Mark();
  return m.is_null() ? 0 : m.line + 1;
}

// A scalar or a list of scalars, as strings; an error names `what`.
Result<std::vector<std::string>> ScalarList(const LoadContext& c, const YAML::Node& n,
                                            std::string_view what);
// A YAML boolean (true/false, yes/no); an error names `what`.
Result<bool> Bool(const LoadContext& c, const YAML::Node& n, std::string_view what);

// The `tiers:` section (`key` is the `tiers` key, for messages about what is missing):
// all six policies must be there (kPolicyNames).
Status LoadTiers(const LoadContext& c, const YAML::Node& key, const YAML::Node& n, RuleTable* impl);

// One entry of `rules:`; appends to impl->singles or impl->combos.
Status LoadRule(const LoadContext& c, const YAML::Node& n, RuleTable* impl);

}  // namespace careloop::rules
