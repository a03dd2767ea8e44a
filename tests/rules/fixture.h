// Shared helpers of the rules tests: the shipped catalog and rules (loaded once from the
// project root), and observation builders.
#pragma once

#include <stdexcept>
#include <string>

#include "careloop/decode/catalog.h"
#include "careloop/rules/rule_set.h"

namespace careloop::rules::testing {

inline std::string SourcePath(const std::string& rel) {
  return std::string(CARELOOP_SOURCE_DIR) + "/" + rel;
}

// config/tests.yaml. Throws (a test failure with the message) when it does not load.
inline const decode::Catalog& ShippedCatalog() {
  static const decode::Catalog catalog = [] {
    auto c = decode::Catalog::LoadFile(SourcePath("config/tests.yaml"));
    if (!c.ok()) throw std::runtime_error(c.status().ToString());
    return std::move(c).value();
  }();
  return catalog;
}

// config/rules.yaml over config/tests.yaml.
inline const RuleSet& ShippedRules() {
  static const RuleSet rules = [] {
    auto r = RuleSet::LoadFile(SourcePath("config/rules.yaml"), ShippedCatalog());
    if (!r.ok()) throw std::runtime_error(r.status().ToString());
    return std::move(r).value();
  }();
  return rules;
}

inline Observation Num(std::string test, double value, std::string exam = "X1") {
  Observation o;
  o.test = std::move(test);
  o.value = value;
  o.exam_id = std::move(exam);
  return o;
}

inline Observation Qual(std::string test, std::string finding, std::string hpv = "",
                        std::string exam = "X1") {
  Observation o;
  o.test = std::move(test);
  o.qualitative = true;
  o.finding = std::move(finding);
  o.hpv = std::move(hpv);
  o.exam_id = std::move(exam);
  return o;
}

}  // namespace careloop::rules::testing
