#include "careloop/workflow/definition.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>

namespace careloop::workflow {
namespace {

struct Ctx {
  std::string origin;
  Status Bad(const YAML::Node& n, const std::string& what) const {
    return Status::InvalidArgument(fmt::format("{}:{}: {}", origin, n.Mark().line + 1, what));
  }
};

// A scalar or a list of scalars, as strings.
Result<std::vector<std::string>> Strings(const Ctx& c, const YAML::Node& n, const char* what) {
  std::vector<std::string> out;
  if (n.IsScalar()) {
    out.push_back(n.as<std::string>());
  } else if (n.IsSequence()) {
    for (const auto& e : n) {
      if (!e.IsScalar()) return c.Bad(e, fmt::format("{} must be a list of names", what));
      out.push_back(e.as<std::string>());
    }
  } else {
    return c.Bad(n, fmt::format("{} must be a name or a list of names", what));
  }
  return out;
}

Result<Notify> ParseNotify(const Ctx& c, const YAML::Node& n) {
  if (!n.IsMap()) return c.Bad(n, "notify must be a map {template, channels, priority}");
  Notify out;
  for (const auto& kv : n) {
    std::string k = kv.first.as<std::string>();
    if (k == "template") {
      out.template_name = kv.second.as<std::string>();
    } else if (k == "channels") {
      auto ch = Strings(c, kv.second, "channels");
      if (!ch.ok()) return ch.status();
      for (const auto& x : *ch) {
        if (x != "phone" && x != "sms" && x != "wechat") {
          return c.Bad(kv.second, fmt::format("channel '{}' is not one of phone sms wechat", x));
        }
      }
      out.channels = *ch;
    } else if (k == "priority") {
      out.priority = kv.second.as<std::string>();
      if (out.priority != "urgent" && out.priority != "normal") {
        return c.Bad(kv.second, "priority must be urgent or normal");
      }
    } else {
      return c.Bad(kv.first, fmt::format("unknown notify key '{}'", k));
    }
  }
  if (out.template_name.empty()) return c.Bad(n, "notify needs a template");
  if (out.channels.empty()) return c.Bad(n, "notify needs at least one channel");
  return out;
}

Result<std::vector<Action>> ParseActions(const Ctx& c, const YAML::Node& n) {
  std::vector<Action> out;
  if (!n.IsSequence()) return c.Bad(n, "`do` must be a list of actions");
  for (const auto& item : n) {
    if (!item.IsMap() || item.size() != 1) {
      return c.Bad(item,
                   "an action is a map with one key: goto, notify, start, cancel, "
                   "escalate, emit, set, set_once");
    }
    auto kv = *item.begin();
    std::string k = kv.first.as<std::string>();
    Action a;
    if (k == "goto" || k == "start" || k == "cancel" || k == "emit") {
      if (!kv.second.IsScalar()) return c.Bad(kv.second, fmt::format("{} takes a name", k));
      a.kind = k == "goto"     ? Action::Kind::kGoto
               : k == "start"  ? Action::Kind::kStart
               : k == "cancel" ? Action::Kind::kCancel
                               : Action::Kind::kEmit;
      a.target = kv.second.as<std::string>();
    } else if (k == "notify") {
      auto nt = ParseNotify(c, kv.second);
      if (!nt.ok()) return nt.status();
      a.kind = Action::Kind::kNotify;
      a.notify = *nt;
    } else if (k == "escalate") {
      a.kind = Action::Kind::kEscalate;
      if (!kv.second.IsMap() || !kv.second["stage"]) {
        return c.Bad(kv.second, "escalate needs {stage, level, reason}");
      }
      a.stage = kv.second["stage"].as<std::string>();
      if (kv.second["level"]) a.level = kv.second["level"].as<int>();
      if (kv.second["reason"]) a.reason = kv.second["reason"].as<std::string>();
      if (a.level < 1) return c.Bad(kv.second, "escalation level must be >= 1");
    } else if (k == "set" || k == "set_once") {
      if (!kv.second.IsMap() || kv.second.size() != 1) {
        return c.Bad(kv.second, fmt::format("{} takes one {{attribute: value}}", k));
      }
      auto av = *kv.second.begin();
      a.kind = k == "set" ? Action::Kind::kSet : Action::Kind::kSetOnce;
      a.target = av.first.as<std::string>();
      a.value = av.second.as<std::string>();
    } else {
      return c.Bad(kv.first, fmt::format("unknown action '{}'", k));
    }
    out.push_back(std::move(a));
  }
  return out;
}

Result<Guard> ParseGuard(const Ctx& c, const YAML::Node& n) {
  Guard g;
  if (!n.IsMap()) return c.Bad(n, "`when` must be a map of attribute: value(s)");
  for (const auto& kv : n) {
    auto vals = Strings(c, kv.second, "a guard value");
    if (!vals.ok()) return vals.status();
    g.equals.emplace_back(kv.first.as<std::string>(), *vals);
  }
  return g;
}

Status Validate(const Ctx& c, const YAML::Node& root, const Definition& d) {
  auto has_state = [&](const std::string& s) { return d.HasState(s); };
  if (!has_state(d.initial))
    return c.Bad(root["initial"], fmt::format("initial state '{}' is not in states", d.initial));
  for (const auto& t : d.terminal) {
    if (!has_state(t))
      return c.Bad(root["terminal"], fmt::format("terminal state '{}' is not in states", t));
  }
  auto check_actions = [&](const std::vector<Action>& actions, const YAML::Node& where) -> Status {
    for (const Action& a : actions) {
      if (a.kind == Action::Kind::kGoto && !has_state(a.target)) {
        return c.Bad(where, fmt::format("goto '{}': no such state", a.target));
      }
      if ((a.kind == Action::Kind::kStart ||
           (a.kind == Action::Kind::kCancel && a.target != "*")) &&
          d.FindDeadline(a.target) == nullptr) {
        return c.Bad(where, fmt::format("deadline '{}' is not defined", a.target));
      }
    }
    return Status::Ok();
  };
  size_t i = 0;
  for (const auto& h : d.handlers) {
    const YAML::Node where = root["handlers"][i++];
    for (const auto& s : h.from) {
      if (!has_state(s)) return c.Bad(where, fmt::format("from state '{}' is not in states", s));
    }
    for (const auto& e : h.on) {
      if (e.rfind("enter:", 0) == 0 && !has_state(e.substr(6))) {
        return c.Bad(where, fmt::format("'{}': no such state", e));
      }
    }
    CARELOOP_RETURN_IF_ERROR(check_actions(h.actions, where));
  }
  for (const auto& dl : d.deadlines) {
    const YAML::Node where = root["deadlines"][dl.name];
    for (const auto& s : dl.while_in) {
      if (!has_state(s))
        return c.Bad(where, fmt::format("deadline {}: state '{}' is not in states", dl.name, s));
    }
    for (const auto& s : dl.steps) CARELOOP_RETURN_IF_ERROR(check_actions(s.actions, where));
  }
  return Status::Ok();
}

Result<Definition> Parse(const Ctx& c, const YAML::Node& root) {
  Definition d;
  d.source = c.origin;
  if (!root.IsMap()) return c.Bad(root, "a workflow definition is a map");
  static const std::set<std::string> kKeys = {"workflow",  "reports_as", "subject",
                                              "initial",   "states",     "terminal",
                                              "deadlines", "handlers",   "notify_on_transition"};
  for (const auto& kv : root) {
    if (!kKeys.count(kv.first.as<std::string>())) {
      return c.Bad(kv.first, fmt::format("unknown key '{}'", kv.first.as<std::string>()));
    }
  }
  for (const char* k : {"workflow", "subject", "initial", "states", "handlers"}) {
    if (!root[k]) return c.Bad(root, fmt::format("missing '{}'", k));
  }
  d.name = root["workflow"].as<std::string>();
  d.reports_as = root["reports_as"] ? root["reports_as"].as<std::string>() : d.name;
  d.subject = root["subject"].as<std::string>();
  if (d.subject != "case" && d.subject != "exam" && d.subject != "petition") {
    return c.Bad(root["subject"], "subject must be case, exam or petition");
  }
  d.initial = root["initial"].as<std::string>();
  auto states = Strings(c, root["states"], "states");
  if (!states.ok()) return states.status();
  d.states = *states;
  std::set<std::string> uniq(d.states.begin(), d.states.end());
  if (uniq.size() != d.states.size()) return c.Bad(root["states"], "states must be unique");
  if (root["terminal"]) {
    auto t = Strings(c, root["terminal"], "terminal");
    if (!t.ok()) return t.status();
    d.terminal.insert(t->begin(), t->end());
  }
  if (root["notify_on_transition"]) {
    auto nt = ParseNotify(c, root["notify_on_transition"]);
    if (!nt.ok()) return nt.status();
    d.notify_on_transition = *nt;
  }
  if (const auto& dls = root["deadlines"]) {
    if (!dls.IsMap()) return c.Bad(dls, "deadlines must be a map name: {stage, while, steps}");
    for (const auto& kv : dls) {
      Deadline dl;
      dl.name = kv.first.as<std::string>();
      const YAML::Node& n = kv.second;
      if (!n.IsMap() || !n["stage"] || !n["steps"]) {
        return c.Bad(n, fmt::format("deadline {} needs stage and steps", dl.name));
      }
      dl.stage = n["stage"].as<std::string>();
      if (n["while"]) {
        auto w = Strings(c, n["while"], "while");
        if (!w.ok()) return w.status();
        dl.while_in = *w;
      }
      if (n["due"]) {
        auto due = ParseDuration(n["due"].as<std::string>());
        if (!due.ok()) return c.Bad(n["due"], due.status().message());
        dl.due = *due;
      }
      if (!n["steps"].IsSequence() || n["steps"].size() == 0) {
        return c.Bad(n["steps"],
                     fmt::format("deadline {}: steps must be a non-empty list", dl.name));
      }
      TimeMs last = 0;
      for (const auto& sn : n["steps"]) {
        DeadlineStep s;
        if (!sn.IsMap() || !sn["after"]) return c.Bad(sn, "a step needs `after`");
        auto after = ParseDuration(sn["after"].as<std::string>());
        if (!after.ok()) return c.Bad(sn["after"], after.status().message());
        s.after = *after;
        if (s.after <= last)
          return c.Bad(sn["after"], "steps must come in increasing `after` order");
        last = s.after;
        for (const auto& skv : sn) {
          std::string k = skv.first.as<std::string>();
          if (k == "after") continue;
          if (k == "escalate") {
            s.escalate_level = skv.second.as<int>();
            if (s.escalate_level < 1) return c.Bad(skv.second, "escalate takes a level >= 1");
          } else if (k == "notify") {
            auto nt = ParseNotify(c, skv.second);
            if (!nt.ok()) return nt.status();
            s.notify = *nt;
          } else if (k == "do") {
            auto acts = ParseActions(c, skv.second);
            if (!acts.ok()) return acts.status();
            s.actions = *acts;
          } else {
            return c.Bad(skv.first, fmt::format("unknown step key '{}'", k));
          }
        }
        dl.steps.push_back(std::move(s));
      }
      d.deadlines.push_back(std::move(dl));
    }
  }
  if (!root["handlers"].IsSequence()) return c.Bad(root["handlers"], "handlers must be a list");
  for (const auto& hn : root["handlers"]) {
    Handler h;
    h.line = hn.Mark().line + 1;
    if (!hn.IsMap() || !hn["on"] || !hn["do"]) return c.Bad(hn, "a handler needs `on` and `do`");
    for (const auto& kv : hn) {
      std::string k = kv.first.as<std::string>();
      if (k == "on") {
        auto on = Strings(c, kv.second, "on");
        if (!on.ok()) return on.status();
        h.on = *on;
      } else if (k == "from") {
        auto from = Strings(c, kv.second, "from");
        if (!from.ok()) return from.status();
        h.from = *from;
      } else if (k == "when") {
        auto g = ParseGuard(c, kv.second);
        if (!g.ok()) return g.status();
        h.when = *g;
      } else if (k == "count") {
        h.count = kv.second.as<int>();
        if (h.count < 1) return c.Bad(kv.second, "count must be >= 1");
      } else if (k == "do") {
        auto acts = ParseActions(c, kv.second);
        if (!acts.ok()) return acts.status();
        h.actions = *acts;
      } else {
        return c.Bad(kv.first, fmt::format("unknown handler key '{}'", k));
      }
    }
    d.handlers.push_back(std::move(h));
  }
  CARELOOP_RETURN_IF_ERROR(Validate(c, root, d));
  return d;
}

}  // namespace

TimeMs DeadlineDue(const Deadline& d, TimeMs started_at) {
  return started_at + (d.due > 0 ? d.due : (d.steps.empty() ? 0 : d.steps.front().after));
}

bool EscalatedBefore(const Deadline& d, std::int32_t next_step) {
  for (std::int32_t i = 0; i < next_step && i < static_cast<std::int32_t>(d.steps.size()); ++i) {
    if (d.steps[static_cast<std::size_t>(i)].escalate_level > 0) return true;
  }
  return false;
}

const Deadline* Definition::FindDeadline(std::string_view n) const {
  for (const auto& d : deadlines) {
    if (d.name == n) return &d;
  }
  return nullptr;
}

bool Definition::HasState(std::string_view s) const {
  return std::find(states.begin(), states.end(), s) != states.end();
}

Result<TimeMs> ParseDuration(std::string_view t) {
  if (t.size() < 2)
    return Status::InvalidArgument(fmt::format("'{}' is not a duration like 30m, 4h, 90d", t));
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
      return Status::InvalidArgument(fmt::format("'{}' is not a duration like 30m, 4h, 90d", t));
  }
  TimeMs n = 0;
  for (char ch : t.substr(0, t.size() - 1)) {
    if (ch < '0' || ch > '9' || n > 1'000'000'000) {
      return Status::InvalidArgument(fmt::format("'{}' is not a duration like 30m, 4h, 90d", t));
    }
    n = n * 10 + (ch - '0');
  }
  if (n <= 0) return Status::InvalidArgument(fmt::format("duration '{}' must be positive", t));
  return n * unit;
}

std::string FormatDuration(TimeMs ms) {
  if (ms % kDay == 0) return fmt::format("{}d", ms / kDay);
  if (ms % kHour == 0) return fmt::format("{}h", ms / kHour);
  if (ms % kMinute == 0) return fmt::format("{}m", ms / kMinute);
  return fmt::format("{}s", ms / 1000);
}

Result<Definition> LoadDefinitionString(std::string_view yaml, std::string_view origin) {
  Ctx c{std::string(origin)};
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    return Parse(c, root);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(fmt::format("{}:{}: {}", origin, e.mark.line + 1, e.msg));
  }
}

Result<Definition> LoadDefinitionFile(const std::string& path) {
  try {
    YAML::Node root = YAML::LoadFile(path);
    return Parse(Ctx{path}, root);
  } catch (const YAML::BadFile&) {
    return Status::InvalidArgument(fmt::format("{}: cannot read the file", path));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(fmt::format("{}:{}: {}", path, e.mark.line + 1, e.msg));
  }
}

Result<std::vector<Definition>> LoadDefinitionDir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::InvalidArgument(fmt::format("{}: no such workflow directory", dir));
  }
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".yaml") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<Definition> out;
  for (const auto& f : files) {
    auto d = LoadDefinitionFile(f);
    if (!d.ok()) return d.status();
    for (const auto& o : out) {
      if (o.name == d->name) {
        return Status::InvalidArgument(
            fmt::format("{}: workflow '{}' is also defined in {}", f, d->name, o.source));
      }
    }
    out.push_back(std::move(d).value());
  }
  return out;
}

}  // namespace careloop::workflow
