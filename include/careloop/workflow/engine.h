// The workflow engine: pure logic over an instance's state and a clock. It knows
// nothing of Kafka, RocksDB or health data: the host (engine/) feeds it events and turns
// its effects into output records, durable timers and history lines.
//
// Thread-safety: stateless functions; an Instance is a value owned by the caller.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "careloop/time.h"
#include "careloop/workflow/definition.h"

namespace careloop::workflow {

struct ActiveDeadline {
  std::string name;
  TimeMs started_at = 0;
  int next_step = 0;  // index of the step that fires next
  TimeMs next_due = 0;
};

// One instance of a workflow (a case, an exam, a petition).
struct Instance {
  std::string state;
  std::vector<ActiveDeadline> deadlines;
  std::map<std::string, int> counters;       // per handler index, since the last state change
  std::map<std::string, std::string> attrs;  // tier, weight, responsible, …
  bool started = false;
};

// Event fields and instance attributes a guard may look at (event fields win).
using Fields = std::map<std::string, std::string, std::less<>>;

struct Effect {
  enum class Kind {
    kTransition,   // from -> to
    kNotify,       // notify (one effect per channel: notify.channels has one entry)
    kEscalate,     // stage, level, due_at, scheduled_at, fired_at, reason
    kEmit,         // emit_kind (e.g. "referral")
    kTimerSet,     // deadline, step, due
    kTimerCancel,  // deadline, step, due
    kAttr,         // attr = value
    kIgnored,      // no handler matched: note says why (kept in the history)
    kNote,         // informational (e.g. set_once kept the first value)
  };
  Kind kind = Kind::kNote;
  std::string from, to;
  Notify notify;
  std::string stage;
  int level = 0;
  std::string reason;
  TimeMs due_at = 0, scheduled_at = 0, fired_at = 0;
  std::string emit_kind;
  std::string deadline;
  int step = 0;
  TimeMs due = 0;
  std::string attr, value;
  std::string note;
};

// Puts a fresh instance in the initial state (no effects besides attributes).
void Begin(const Definition& def, Instance* inst);

// Handles one event at `now`. Returns true when a handler matched.
bool Handle(const Definition& def, Instance* inst, std::string_view event, const Fields& fields,
            TimeMs now, std::vector<Effect>* effects);

// Fires step `step` of deadline `name`, scheduled for `scheduled_at`, at `now`
// (now > scheduled_at when it fires late, e.g. after a restart). A timer that no longer
// matches the instance (the deadline was cancelled or moved on) does nothing and
// returns false: timers never fire stale.
bool Fire(const Definition& def, Instance* inst, std::string_view name, int step,
          TimeMs scheduled_at, TimeMs now, std::vector<Effect>* effects);

}  // namespace careloop::workflow
