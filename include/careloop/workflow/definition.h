// Workflow definitions: declarative state machines with deadlines, loaded from
// `topologies/*.yaml`. The engine (engine.h) runs them; nothing about a particular
// workflow (health follow-up, petitions, hardship assistance) is in code.
//
// A definition has states (some terminal), deadlines (named timers of one or more
// steps, each step firing at `after` from the deadline's start, escalating and/or
// notifying and/or running actions) and handlers: `on` an event (a check-in kind, a
// petition action, an engine event such as `opened` / `tier_up` / `result`, or
// `enter:<state>`), `from` some states, `when` guards hold, optionally on the `count`-th
// matching event since the last state change — `do` a list of actions. For each event
// the FIRST matching handler runs.
//
// Ownership: plain values. Thread-safety: immutable after loading.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "careloop/status.h"
#include "careloop/time.h"

namespace careloop::workflow {

// attribute -> accepted values ("true"/"false" for flags). All must hold.
struct Guard {
  std::vector<std::pair<std::string, std::vector<std::string>>> equals;
  bool empty() const { return equals.empty(); }
};

struct Notify {
  std::string template_name;          // contract.md: red_contact, green_channel, …
  std::vector<std::string> channels;  // phone sms wechat
  std::string priority = "normal";    // urgent | normal
};

struct Action {
  enum class Kind { kGoto, kNotify, kStart, kCancel, kEscalate, kEmit, kSet, kSetOnce };
  Kind kind = Kind::kGoto;
  std::string
      target;         // goto: state; start/cancel: deadline ("*" = all); emit: kind; set: attribute
  std::string value;  // set / set_once: a literal, or "$field" from the event
  Notify notify;      // notify
  std::string stage;  // escalate
  int level = 1;      // escalate
  std::string reason;  // escalate
};

struct Handler {
  std::vector<std::string> on;    // event names
  std::vector<std::string> from;  // states; empty = any non-terminal state
  Guard when;
  int count = 0;  // > 0: matches on the count-th matching event since the last state change
  std::vector<Action> actions;
  int line = 0;  // in the source file, for messages
};

struct DeadlineStep {
  TimeMs after = 0;        // from the deadline's start
  int escalate_level = 0;  // 0 = no escalation at this step
  std::optional<Notify> notify;
  std::vector<Action> actions;
};

struct Deadline {
  std::string name;
  std::string stage;                  // named in escalations
  std::vector<std::string> while_in;  // cancelled on entering any other state; empty = any
  TimeMs due = 0;                     // the stage's deadline; default: first step's `after`
  std::vector<DeadlineStep> steps;    // ascending `after`
};

// When a deadline started at `started_at` is due: its `due`, else its first step's.
TimeMs DeadlineDue(const Deadline& d, TimeMs started_at);
// True when one of the steps before `next_step` escalated (the stage was already late).
bool EscalatedBefore(const Deadline& d, std::int32_t next_step);

struct Definition {
  std::string name;        // "health_followup"
  std::string reports_as;  // escalations' `workflow` field; default: name
  std::string subject;     // what one instance follows: case | exam | petition
  std::string initial;
  std::vector<std::string> states;
  std::set<std::string> terminal;
  std::vector<Deadline> deadlines;
  std::vector<Handler> handlers;
  std::optional<Notify> notify_on_transition;  // e.g. petition_update to the worker
  std::string source;                          // file it came from

  const Deadline* FindDeadline(std::string_view name) const;
  bool HasState(std::string_view s) const;
  bool IsTerminal(std::string_view s) const { return terminal.count(std::string(s)) > 0; }
  // What `careloop workflows show` prints.
  std::string Describe() const;
};

// Errors name the file, the line and what is wrong.
Result<Definition> LoadDefinitionFile(const std::string& path);
Result<Definition> LoadDefinitionString(std::string_view yaml, std::string_view origin);

// Every *.yaml in `dir`, sorted by file name; names must be unique.
Result<std::vector<Definition>> LoadDefinitionDir(const std::string& dir);

// "90d" "4h" "30m" "45s" → milliseconds.
Result<TimeMs> ParseDuration(std::string_view text);
std::string FormatDuration(TimeMs ms);

}  // namespace careloop::workflow
