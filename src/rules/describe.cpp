// RuleSet::Describe (what `careloop rules show` prints) and the canonical rendering of
// the effective rules that the version hashes.
#include <fmt/format.h>

#include <algorithm>

#include "rules/rule.h"

namespace careloop::rules {
namespace {

// Columns are aligned by display width: UTF-8 continuation bytes take no column.
size_t Width(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
}

std::string RenderCombo(const ComboRule& r, bool as_written) {
  std::string out;
  for (const ComboPart& p : r.all) {
    if (!out.empty()) out += " & ";
    out += fmt::format("{} {}", p.test, RenderPredicate(p.when, as_written));
  }
  if (r.same_exam) out += " (same exam)";
  return out;
}

std::string ComboTests(const ComboRule& r) {
  std::string out;
  for (const ComboPart& p : r.all) out += (out.empty() ? "" : "+") + p.test;
  return out;
}

using Row = std::vector<std::string>;

std::string Table(const std::vector<Row>& rows) {
  std::vector<size_t> width;
  for (const Row& row : rows) {
    width.resize(std::max(width.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], Width(row[i]));
  }
  std::string out;
  for (const Row& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(width[i] - Width(row[i]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace

std::string CanonicalText(const RuleTable& impl) {
  // Single rules grouped by test (the order between tests changes nothing), each test's
  // rules in evaluation order; numbers in shortest round-trip form.
  std::vector<const SingleRule*> singles;
  for (const SingleRule& r : impl.singles) singles.push_back(&r);
  std::stable_sort(singles.begin(), singles.end(),
                   [](const SingleRule* a, const SingleRule* b) { return a->test < b->test; });
  std::string out;
  for (const SingleRule* r : singles) {
    out += fmt::format("rule\t{}\t{}\t{}\t{}\t{}\t{:d}\t{:d}\n", r->id, r->condition, r->test,
                       TierName(r->tier), RenderPredicate(r->when), r->green_channel, r->critical);
  }
  for (const ComboRule& r : impl.combos) {
    out += fmt::format("all\t{}\t{}\t{}\t{}\t{:d}\t{:d}\n", r.id, r.condition, TierName(r.tier),
                       RenderCombo(r, false), r.green_channel, r.critical);
  }
  for (size_t i = 0; i < impl.policies.size(); ++i) {
    const TierPolicy& p = impl.policies[i];
    out +=
        fmt::format("tier\t{}\t{}\t{}\n", kPolicyNames[i], fmt::join(p.actions, ","), p.due_after);
  }
  return out;
}

std::string RuleSet::Describe() const {
  struct Line {
    int line;
    Row row;
  };
  std::vector<Line> lines;
  for (const SingleRule& r : impl_->singles) {
    lines.push_back(
        {r.line,
         {r.id, r.condition, r.test, std::string(TierName(r.tier)), RenderPredicate(r.when, true),
          r.green_channel ? "★" : "", r.critical ? "critical" : ""}});
  }
  for (const ComboRule& r : impl_->combos) {
    lines.push_back(
        {r.line,
         {r.id, r.condition, ComboTests(r), std::string(TierName(r.tier)), RenderCombo(r, true),
          r.green_channel ? "★" : "", r.critical ? "critical" : ""}});
  }
  std::stable_sort(lines.begin(), lines.end(),
                   [](const Line& a, const Line& b) { return a.line < b.line; });
  std::vector<Row> rows = {{"id", "condition", "test", "tier", "when", "★", "urgency"}};
  for (Line& l : lines) rows.push_back(std::move(l.row));

  std::string out = fmt::format("rules {} ({} rules; per test the first that holds wins)\n",
                                impl_->version, lines.size());
  out += Table(rows);
  out += "\ntiers (actions and due time of an alert)\n";
  std::vector<Row> tiers;
  auto add = [&](std::string_view name, const TierPolicy& p) {
    std::string due = p.due_after == 0 ? "no due" : "due " + FormatDuration(p.due_after);
    tiers.push_back({"  " + std::string(name), due, fmt::format("{}", fmt::join(p.actions, ", "))});
  };
  for (size_t i = 0; i < impl_->policies.size(); ++i) add(kPolicyNames[i], impl_->policies[i]);
  add("red_green_channel+critical", impl_->red_green_channel_critical);
  out += Table(tiers);
  return out;
}

}  // namespace careloop::rules
