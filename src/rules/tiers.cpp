// The `tiers:` section of rules.yaml (what each tier means for the people who act on
// it), durations, and the small YAML helpers shared by the loader.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "rules/load_context.h"

namespace careloop::rules {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int PolicyIndex(std::string_view name) {
  for (size_t i = 0; i < kPolicyNames.size(); ++i) {
    if (kPolicyNames[i] == name) return static_cast<int>(i);
  }
  return -1;
}

Status LoadPolicy(const LoadContext& c, std::string_view name, const YAML::Node& n,
                  TierPolicy* out) {
  if (!n.IsMap()) {
    return c.Bad(n,
                 fmt::format("tiers: {} must be a map {{actions: [...], due_after: 60m}}", name));
  }
  bool has_actions = false;
  for (const auto& kv : n) {
    std::string key = kv.first.as<std::string>();
    if (key == "actions") {
      auto actions = ScalarList(c, kv.second, fmt::format("tiers: {}: actions", name));
      if (!actions.ok()) return actions.status();
      if (actions->empty()) return c.Bad(kv.second, fmt::format("tiers: {}: no actions", name));
      out->actions = std::move(actions).value();
      has_actions = true;
    } else if (key == "due_after") {
      if (name == "none") {
        return c.Bad(kv.first, "tiers: none closes the case: it has no due_after");
      }
      if (!kv.second.IsScalar()) {
        return c.Bad(kv.second,
                     fmt::format("tiers: {}: due_after must be like 30m, 4h, 90d", name));
      }
      auto due = ParseDuration(kv.second.as<std::string>());
      if (!due.ok())
        return c.Bad(kv.second, fmt::format("tiers: {}: {}", name, due.status().message()));
      out->due_after = *due;
    } else {
      return c.Bad(
          kv.first,
          fmt::format("tiers: {}: unknown key '{}' (expected actions, due_after)", name, key));
    }
  }
  if (!has_actions) return c.Bad(n, fmt::format("tiers: {} needs actions", name));
  if (name != "none" && out->due_after == 0) {
    return c.Bad(n, fmt::format("tiers: {} needs due_after (like 60m or 90d)", name));
  }
  return Status::Ok();
}

}  // namespace

Status LoadContext::Bad(const YAML::Node& n, std::string_view what) const {
  int line = LineOf(n);
  if (line == 0) return Status::InvalidArgument(fmt::format("{}: {}", origin, what));
  return Status::InvalidArgument(fmt::format("{}:{}: {}", origin, line, what));
}

Status LoadContext::Bad(const YAML::Node& n, const YAML::Node& fallback,
                        std::string_view what) const {
  return Bad(LineOf(n) > 0 ? n : fallback, what);
}

Result<std::vector<std::string>> ScalarList(const LoadContext& c, const YAML::Node& n,
                                            std::string_view what) {
  std::vector<std::string> out;
  if (n.IsScalar()) {
    out.push_back(n.as<std::string>());
  } else if (n.IsSequence()) {
    for (const auto& e : n) {
      if (!e.IsScalar()) return c.Bad(e, fmt::format("{} must be a list of values", what));
      out.push_back(e.as<std::string>());
    }
  } else {
    return c.Bad(n, fmt::format("{} must be a value or a list of values", what));
  }
  return out;
}

Result<bool> Bool(const LoadContext& c, const YAML::Node& n, std::string_view what) {
  bool v = false;
  if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) {
    return c.Bad(n, fmt::format("{} must be true or false", what));
  }
  return v;
}

Status LoadTiers(const LoadContext& c, const YAML::Node& key, const YAML::Node& n,
                 RuleTable* impl) {
  if (!n.IsMap()) return c.Bad(n, key, "tiers must be a map: red, red_critical, ... -> policy");
  std::array<bool, kPolicyNames.size()> seen{};
  for (const auto& kv : n) {
    std::string name = kv.first.as<std::string>();
    int i = PolicyIndex(name);
    if (i < 0) {
      return c.Bad(kv.first, fmt::format("tiers: unknown tier '{}' (expected {})", name,
                                         fmt::join(kPolicyNames, ", ")));
    }
    if (seen[i]) return c.Bad(kv.first, fmt::format("tiers: {} is given twice", name));
    seen[i] = true;
    CARELOOP_RETURN_IF_ERROR(LoadPolicy(c, name, kv.second, &impl->policies[i]));
  }
  for (size_t i = 0; i < seen.size(); ++i) {
    if (!seen[i]) return c.Bad(key, fmt::format("tiers: missing {}", kPolicyNames[i]));
  }
  // Red with both ★ and critical: reach by every channel, by the shorter deadline.
  const TierPolicy& gc = impl->policies[static_cast<size_t>(PolicyKey::kRedGreenChannel)];
  const TierPolicy& crit = impl->policies[static_cast<size_t>(PolicyKey::kRedCritical)];
  impl->red_green_channel_critical = gc;
  impl->red_green_channel_critical.due_after = std::min(gc.due_after, crit.due_after);
  return Status::Ok();
}

Result<TimeMs> ParseDuration(std::string_view text) {
  std::string_view t = Trim(text);
  auto bad = [&] {
    return Status::InvalidArgument(fmt::format(
        "'{}' is not a duration: write a whole number and s, m, h or d (30m, 90d)", text));
  };
  if (t.size() < 2) return bad();
  TimeMs unit = 0;
  switch (t.back()) {
    case 's':
      unit = 1000;
      break;
    case 'm':
      unit = kMinute;
      break;
    case 'h':
      unit = kHour;
      break;
    case 'd':
      unit = kDay;
      break;
    default:
      return bad();
  }
  std::string_view digits = t.substr(0, t.size() - 1);
  TimeMs n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size()) return bad();
  if (n <= 0 || n > 100'000'000) {
    return Status::InvalidArgument(fmt::format("duration '{}' must be positive and sane", text));
  }
  return n * unit;
}

std::string FormatDuration(TimeMs ms) {
  if (ms == 0) return "";
  if (ms % kDay == 0) return fmt::format("{}d", ms / kDay);
  if (ms % kHour == 0) return fmt::format("{}h", ms / kHour);
  if (ms % kMinute == 0) return fmt::format("{}m", ms / kMinute);
  return fmt::format("{}s", ms / 1000);
}

}  // namespace careloop::rules
