// libFuzzer target: RuleSet::LoadString on arbitrary bytes, with the shipped catalog.
// A rule set that loads is then exercised: Describe, and every test of the catalog
// evaluated alone and per condition, and every tier's policy. Errors must be values
// (no exception escapes, no crash) and every error must say what is wrong.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "careloop/decode/catalog.h"
#include "careloop/model.h"
#include "careloop/rules/rule_set.h"

namespace {

using careloop::Observation;
using careloop::Tier;
using careloop::decode::Catalog;
using careloop::rules::RuleSet;

const Catalog& ShippedCatalog() {
  static const Catalog* catalog = [] {
    auto r = Catalog::LoadFile(std::string(CARELOOP_SOURCE_DIR) + "/config/tests.yaml");
    if (!r.ok()) {
      std::fprintf(stderr, "fuzz_rules_yaml: %s\n", r.status().ToString().c_str());
      std::abort();
    }
    return new Catalog(std::move(r).value());
  }();
  return *catalog;
}

// One observation per catalog test: a mid-range value, or the test's first finding.
const std::vector<Observation>& Observations() {
  static const std::vector<Observation>* obs = [] {
    auto* v = new std::vector<Observation>();
    for (const auto& t : ShippedCatalog().tests()) {
      Observation o;
      o.test = t.code;
      o.qualitative = t.qualitative;
      o.value = (t.min.value_or(0) + t.max.value_or(100)) / 2;
      if (!t.findings.empty()) o.finding = t.findings.back();
      if (!t.hpv.empty()) o.hpv = t.hpv.back();
      o.exam_id = "x";
      v->push_back(std::move(o));
    }
    return v;
  }();
  return *obs;
}

void Exercise(const RuleSet& rs) {
  if (rs.version().empty() || rs.Describe().empty()) __builtin_trap();
  std::vector<const Observation*> latest;
  for (const Observation& o : Observations()) {
    (void)rs.Evaluate(o);
    latest.push_back(&o);
  }
  for (const std::string& condition : ShippedCatalog().conditions()) {
    (void)rs.EvaluateCondition(condition, latest);
  }
  for (Tier t : {Tier::kNone, Tier::kGreen, Tier::kYellow, Tier::kRed}) {
    for (bool star : {false, true}) {
      for (bool critical : {false, true}) (void)rs.Policy(t, star, critical);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  auto rs = RuleSet::LoadString(yaml, "fuzz.yaml", ShippedCatalog());
  if (rs.ok()) {
    Exercise(rs.value());
  } else if (rs.status().message().empty()) {
    __builtin_trap();  // an error must say what is wrong
  }
  return 0;
}
