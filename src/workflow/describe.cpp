#include <fmt/format.h>

#include "careloop/workflow/definition.h"

namespace careloop::workflow {
namespace {

std::string Join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string NotifyText(const Notify& n) {
  return fmt::format("notify {} via {} ({})", n.template_name, Join(n.channels, "+"), n.priority);
}

std::string ActionText(const Action& a) {
  switch (a.kind) {
    case Action::Kind::kGoto:
      return "goto " + a.target;
    case Action::Kind::kNotify:
      return NotifyText(a.notify);
    case Action::Kind::kStart:
      return "start " + a.target;
    case Action::Kind::kCancel:
      return "cancel " + a.target;
    case Action::Kind::kEscalate:
      return fmt::format("escalate {} level {}{}", a.stage, a.level,
                         a.reason.empty() ? "" : " (" + a.reason + ")");
    case Action::Kind::kEmit:
      return "emit " + a.target;
    case Action::Kind::kSet:
      return fmt::format("set {}={}", a.target, a.value);
    case Action::Kind::kSetOnce:
      return fmt::format("set_once {}={}", a.target, a.value);
  }
  return "";
}

}  // namespace

std::string Definition::Describe() const {
  std::string out = fmt::format("workflow {} (subject: {}, escalations as '{}', from {})\n", name,
                                subject, reports_as, source);
  std::vector<std::string> st;
  for (const auto& s : states) st.push_back(IsTerminal(s) ? s + " (terminal)" : s);
  out += fmt::format("  states: {}; initial {}\n", Join(st), initial);
  if (notify_on_transition)
    out += "  on every stage change: " + NotifyText(*notify_on_transition) + "\n";
  out += "  deadlines:\n";
  for (const auto& d : deadlines) {
    out += fmt::format("    {:<24} stage {:<16} while {}\n", d.name, d.stage,
                       d.while_in.empty() ? "any state" : Join(d.while_in));
    for (const auto& s : d.steps) {
      std::vector<std::string> what;
      if (s.escalate_level > 0) what.push_back(fmt::format("escalate level {}", s.escalate_level));
      if (s.notify) what.push_back(NotifyText(*s.notify));
      for (const auto& a : s.actions) what.push_back(ActionText(a));
      out += fmt::format("      at +{:<6} {}\n", FormatDuration(s.after), Join(what, "; "));
    }
  }
  out += "  handlers (first match wins):\n";
  for (const auto& h : handlers) {
    std::vector<std::string> guard;
    for (const auto& [k, v] : h.when.equals) guard.push_back(k + "=" + Join(v, "|"));
    std::vector<std::string> acts;
    for (const auto& a : h.actions) acts.push_back(ActionText(a));
    out += fmt::format("    on {:<28} from {:<34} {}{}-> {}\n", Join(h.on, "|"),
                       h.from.empty() ? "any open state" : Join(h.from, "|"),
                       guard.empty() ? "" : "when " + Join(guard, " ") + " ",
                       h.count > 0 ? fmt::format("(#{}) ", h.count) : "", Join(acts, "; "));
  }
  return out;
}

}  // namespace careloop::workflow
