// The parsed form of `config/rules.yaml`, private to the rules stage: predicates, single
// rules, combination rules, the tiers section, and RuleSet::Impl that holds them all.
//
// Ownership: plain values; RuleTable owns every rule. Thread-safety: immutable after
// loading, so const access is safe from any thread.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "careloop/decode/catalog.h"
#include "careloop/model.h"
#include "careloop/rules/rule_set.h"

namespace careloop::rules {

enum class Op : unsigned char { kGe, kGt, kLe, kLt, kEq };

// One numeric comparison: `value <op> threshold`.
struct Comparison {
  Op op = Op::kGe;
  double threshold = 0;
  std::string written;  // the number as written ("1.00"), for Describe() only
};

// What one rule (or one part of a combination rule) asks of one observation.
// Numeric tests: any comparison holds. Qualitative tests: the finding is one of
// `findings` or the hpv value is one of `hpv`.
struct Predicate {
  bool qualitative = false;
  std::vector<Comparison> any;        // numeric
  std::vector<std::string> findings;  // qualitative
  std::vector<std::string> hpv;       // qualitative, CERVICAL only

  bool Matches(const Observation& obs) const;
};

struct SingleRule {
  std::string id;
  std::string test;
  std::string condition;  // from the catalog
  Tier tier = Tier::kNone;
  Predicate when;
  bool green_channel = false;
  bool critical = false;
  int line = 0;  // 1-based line in the source file, for messages
};

struct ComboPart {
  std::string test;
  Predicate when;
};

// `all: [...]`: every part holds on the condition's latest results (with `same_exam`,
// all of one exam).
struct ComboRule {
  std::string id;
  std::string condition;
  Tier tier = Tier::kNone;
  std::vector<ComboPart> all;
  bool same_exam = false;
  bool green_channel = false;
  bool critical = false;
  int line = 0;
};

// The keys of the `tiers:` section, in the order Describe() prints them.
enum class PolicyKey : unsigned char {
  kRed,
  kRedCritical,
  kRedGreenChannel,
  kYellow,
  kGreen,
  kNone,
};
inline constexpr std::array<std::string_view, 6> kPolicyNames = {
    "red", "red_critical", "red_green_channel", "yellow", "green", "none"};

// Everything a RuleSet holds (RuleSet::Impl is this; free functions of the stage take
// it by this public name).
struct RuleTable {
  std::vector<SingleRule> singles;  // file order
  std::vector<ComboRule> combos;    // file order
  // test code -> indices into `singles`, in evaluation order (red, yellow, green).
  std::unordered_map<std::string, std::vector<size_t>> by_test;
  std::array<TierPolicy, 6> policies;
  // Red with both ★ and critical: the green-channel actions, the shorter due time.
  TierPolicy red_green_channel_critical;
  std::string version;
};

struct RuleSet::Impl : RuleTable {};

// Comparison text "<op> <number>", e.g. ">= 5.65". The number is parsed with
// std::from_chars (the same correctly rounded conversion as a decoded value), so a
// threshold "2.30" equals a value 2.30. Errors say what is wrong, without a location.
Result<Comparison> ParseComparison(std::string_view text);
std::string_view OpName(Op op);
// Text of a predicate, e.g. ">= 150 | <= 45", "finding in {mass}". Canonical (for the
// version): numbers in their shortest round-trip form, so "2.30" and "2.3" render the
// same. `as_written`: numbers as the file wrote them (for people).
std::string RenderPredicate(const Predicate& p, bool as_written = false);

// "30m", "4h", "90d" (also "s"); positive whole numbers only.
Result<TimeMs> ParseDuration(std::string_view text);
std::string FormatDuration(TimeMs ms);  // "" for 0

// The canonical rendering of the effective rules and tiers that version() hashes.
std::string CanonicalText(const RuleTable& impl);

}  // namespace careloop::rules
