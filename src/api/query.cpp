#include "api/query.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "careloop/workflow/definition.h"

namespace careloop::api {
namespace {

std::vector<std::string> SplitList(const std::string& v) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= v.size()) {
    std::size_t comma = v.find(',', start);
    if (comma == std::string::npos) comma = v.size();
    if (comma > start) out.push_back(v.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

Status Bad(std::string_view param, std::string_view value, std::string_view accepts) {
  return Status::InvalidArgument(
      fmt::format("parameter '{}': '{}' is not accepted; expected {}", param, value, accepts));
}

Result<bool> Bool(std::string_view param, const std::string& v) {
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  return Bad(param, v, "true or false");
}

Result<std::size_t> Count(std::string_view param, const std::string& v, std::size_t max) {
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < 1 || n > max) {
    return Bad(param, v, fmt::format("a whole number from 1 to {}", max));
  }
  return n;
}

}  // namespace

Result<CaseQuery> ParseCaseQuery(const Params& params, const QueryVocabulary& vocab, TimeMs now) {
  CaseQuery q;
  for (const auto& [name, value] : params) {
    if (name == "tier") {
      for (const auto& t : SplitList(value)) {
        auto tier = ParseTier(t);
        if (!tier || *tier == Tier::kNone) return Bad(name, t, "red, yellow or green");
        q.tiers.push_back(*tier);
      }
    } else if (name == "stage") {
      for (const auto& s : SplitList(value)) {
        if (std::find(vocab.stages.begin(), vocab.stages.end(), s) == vocab.stages.end()) {
          return Bad(name, s, "one of: " + Join(vocab.stages));
        }
        q.stages.push_back(s);
      }
    } else if (name == "condition") {
      for (const auto& c : SplitList(value)) {
        if (std::find(vocab.conditions.begin(), vocab.conditions.end(), c) ==
            vocab.conditions.end()) {
          return Bad(name, c, "one of: " + Join(vocab.conditions));
        }
        q.conditions.push_back(c);
      }
    } else if (name == "overdue") {
      auto b = Bool(name, value);
      if (!b.ok()) return b.status();
      q.overdue = *b;
    } else if (name == "has_due") {
      auto b = Bool(name, value);
      if (!b.ok()) return b.status();
      q.has_due = *b;
    } else if (name == "due_within") {
      auto d = workflow::ParseDuration(value);
      if (!d.ok() || *d < 0) return Bad(name, value, "a duration such as 30m, 4h or 14d");
      TimeMs until = now + *d;
      q.due_before = q.due_before ? std::min(*q.due_before, until) : until;
    } else if (name == "due_before") {
      auto t = ParseRfc3339(value);
      if (!t.ok()) return Bad(name, value, "an RFC 3339 time such as 2026-04-12T09:00:00Z");
      q.due_before = q.due_before ? std::min(*q.due_before, *t) : *t;
    } else if (name == "page") {
      auto n = Count(name, value, 1'000'000'000);
      if (!n.ok()) return n.status();
      q.page = *n;
    } else if (name == "page_size") {
      auto n = Count(name, value, kMaxPageSize);
      if (!n.ok()) return n.status();
      q.page_size = *n;
    } else {
      return Status::InvalidArgument(
          fmt::format("unknown parameter '{}'; accepted: tier, stage, condition, overdue, has_due, "
                      "due_within, due_before, page, page_size",
                      name));
    }
  }
  return q;
}

}  // namespace careloop::api
