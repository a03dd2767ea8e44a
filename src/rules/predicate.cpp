// Predicates: parsing "<op> <number>", matching an observation, canonical rendering.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "rules/rule.h"

namespace careloop::rules {
namespace {

constexpr std::string_view kOps = ">= > <= < ==";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool Contains(const std::vector<std::string>& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

bool Holds(const Comparison& c, double v) {
  switch (c.op) {
    case Op::kGe:
      return v >= c.threshold;
    case Op::kGt:
      return v > c.threshold;
    case Op::kLe:
      return v <= c.threshold;
    case Op::kLt:
      return v < c.threshold;
    case Op::kEq:
      return v == c.threshold;
  }
  return false;
}

std::string JoinSet(const std::vector<std::string>& items) {
  return fmt::format("{{{}}}", fmt::join(items, ", "));
}

}  // namespace

std::string_view OpName(Op op) {
  switch (op) {
    case Op::kGe:
      return ">=";
    case Op::kGt:
      return ">";
    case Op::kLe:
      return "<=";
    case Op::kLt:
      return "<";
    case Op::kEq:
      return "==";
  }
  return "?";
}

Result<Comparison> ParseComparison(std::string_view text) {
  std::string_view s = Trim(text);
  size_t op_len = 0;
  while (op_len < s.size() && std::string_view("<>=!").find(s[op_len]) != std::string_view::npos) {
    ++op_len;
  }
  std::string_view op = s.substr(0, op_len);
  if (op.empty()) {
    return Status::InvalidArgument(
        fmt::format("'{}' has no operator: write one of {} before the number", text, kOps));
  }
  Comparison c;
  if (op == ">=") {
    c.op = Op::kGe;
  } else if (op == ">") {
    c.op = Op::kGt;
  } else if (op == "<=") {
    c.op = Op::kLe;
  } else if (op == "<") {
    c.op = Op::kLt;
  } else if (op == "==") {
    c.op = Op::kEq;
  } else {
    return Status::InvalidArgument(fmt::format("operator '{}' is not one of {}", op, kOps));
  }
  std::string_view num = Trim(s.substr(op_len));
  double v = 0;
  auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
  if (num.empty() || ec != std::errc() || end != num.data() + num.size() || !std::isfinite(v)) {
    return Status::InvalidArgument(fmt::format("'{}' is not a number (in '{}')", num, text));
  }
  c.threshold = v;
  c.written = std::string(num);
  return c;
}

bool Predicate::Matches(const Observation& obs) const {
  if (obs.qualitative != qualitative) return false;
  if (!qualitative) {
    return std::any_of(any.begin(), any.end(),
                       [&](const Comparison& c) { return Holds(c, obs.value); });
  }
  if (Contains(findings, obs.finding)) return true;
  return !obs.hpv.empty() && Contains(hpv, obs.hpv);
}

std::string RenderPredicate(const Predicate& p, bool as_written) {
  if (!p.qualitative) {
    std::string out;
    for (const Comparison& c : p.any) {
      if (!out.empty()) out += " | ";
      // {} is the shortest text that reads back as the same double: "2.30" -> "2.3".
      if (as_written && !c.written.empty()) {
        out += fmt::format("{} {}", OpName(c.op), c.written);
      } else {
        out += fmt::format("{} {}", OpName(c.op), c.threshold);
      }
    }
    return out;
  }
  std::string out;
  if (!p.findings.empty()) out = "finding in " + JoinSet(p.findings);
  if (!p.hpv.empty()) {
    if (!out.empty()) out += " | ";
    out += "hpv in " + JoinSet(p.hpv);
  }
  return out;
}

}  // namespace careloop::rules
