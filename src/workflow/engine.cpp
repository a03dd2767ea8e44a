#include "careloop/workflow/engine.h"

#include <algorithm>

#include <fmt/format.h>

namespace careloop::workflow {
namespace {

// Entering states through `enter:` handlers may chain; a definition that loops is cut.
constexpr int kMaxChain = 8;

std::string_view Lookup(const Instance& inst, const Fields& fields, const std::string& key) {
  auto f = fields.find(key);
  if (f != fields.end()) return f->second;
  auto a = inst.attrs.find(key);
  if (a != inst.attrs.end()) return a->second;
  if (key == "state") return inst.state;
  return {};
}

bool GuardHolds(const Guard& g, const Instance& inst, const Fields& fields) {
  for (const auto& [key, values] : g.equals) {
    std::string_view v = Lookup(inst, fields, key);
    if (std::find(values.begin(), values.end(), v) == values.end()) return false;
  }
  return true;
}

bool FromHolds(const Definition& def, const Handler& h, const std::string& state) {
  if (h.from.empty()) return !def.IsTerminal(state);
  return std::find(h.from.begin(), h.from.end(), state) != h.from.end();
}

class Runner {
 public:
  Runner(const Definition& def, Instance* inst, const Fields& fields, TimeMs now,
         std::vector<Effect>* effects)
      : def_(def), inst_(*inst), fields_(fields), now_(now), out_(*effects) {}

  bool Dispatch(std::string_view event, int depth) {
    // Count every handler whose event, state and guard match (for `count:` handlers).
    for (size_t i = 0; i < def_.handlers.size(); ++i) {
      const Handler& h = def_.handlers[i];
      if (h.count <= 0 || !Matches(h, event)) continue;
      inst_.counters[std::to_string(i)]++;
    }
    for (size_t i = 0; i < def_.handlers.size(); ++i) {
      const Handler& h = def_.handlers[i];
      if (!Matches(h, event)) continue;
      if (h.count > 0 && inst_.counters[std::to_string(i)] < h.count) continue;
      Run(h.actions, depth);
      return true;
    }
    return false;
  }

  void Run(const std::vector<Action>& actions, int depth) {
    for (const Action& a : actions) {
      switch (a.kind) {
        case Action::Kind::kGoto:
          Goto(a.target, depth);
          break;
        case Action::Kind::kNotify:
          Notify(a.notify);
          break;
        case Action::Kind::kStart:
          Start(a.target);
          break;
        case Action::Kind::kCancel:
          Cancel(a.target);
          break;
        case Action::Kind::kEscalate: {
          Effect e;
          e.kind = Effect::Kind::kEscalate;
          e.stage = a.stage;
          e.level = a.level;
          e.reason = a.reason;
          e.due_at = now_;
          e.scheduled_at = now_;
          e.fired_at = now_;
          out_.push_back(std::move(e));
          break;
        }
        case Action::Kind::kEmit: {
          Effect e;
          e.kind = Effect::Kind::kEmit;
          e.emit_kind = a.target;
          out_.push_back(std::move(e));
          break;
        }
        case Action::Kind::kSet:
        case Action::Kind::kSetOnce:
          Set(a);
          break;
      }
    }
  }

  void Notify(const workflow::Notify& n) {
    for (const auto& ch : n.channels) {
      Effect e;
      e.kind = Effect::Kind::kNotify;
      e.notify = n;
      e.notify.channels = {ch};
      out_.push_back(std::move(e));
    }
  }

  void Goto(const std::string& state, int depth) {
    std::string from = inst_.state;
    inst_.state = state;
    inst_.counters.clear();
    Effect t;
    t.kind = Effect::Kind::kTransition;
    t.from = from;
    t.to = state;
    out_.push_back(std::move(t));
    if (def_.notify_on_transition && from != state) Notify(*def_.notify_on_transition);
    // Deadlines that only run in other states end here; a terminal state ends them all.
    bool terminal = def_.IsTerminal(state);
    for (size_t i = 0; i < inst_.deadlines.size();) {
      const Deadline* d = def_.FindDeadline(inst_.deadlines[i].name);
      bool keep = !terminal && d != nullptr &&
                  (d->while_in.empty() ||
                   std::find(d->while_in.begin(), d->while_in.end(), state) != d->while_in.end());
      if (keep) {
        ++i;
      } else {
        CancelAt(i);
      }
    }
    if (depth < kMaxChain) Dispatch("enter:" + state, depth + 1);
  }

  void Start(const std::string& name) {
    const Deadline* d = def_.FindDeadline(name);
    if (d == nullptr || d->steps.empty()) return;  // validated at load
    Cancel(name);
    ActiveDeadline ad;
    ad.name = name;
    ad.started_at = now_;
    ad.next_step = 0;
    ad.next_due = now_ + d->steps[0].after;
    Effect e;
    e.kind = Effect::Kind::kTimerSet;
    e.deadline = name;
    e.step = 0;
    e.due = ad.next_due;
    out_.push_back(std::move(e));
    inst_.deadlines.push_back(std::move(ad));
  }

  void Cancel(const std::string& name) {
    for (size_t i = 0; i < inst_.deadlines.size();) {
      if (name == "*" || inst_.deadlines[i].name == name) {
        CancelAt(i);
      } else {
        ++i;
      }
    }
  }

  void CancelAt(size_t i) {
    const ActiveDeadline& ad = inst_.deadlines[i];
    Effect e;
    e.kind = Effect::Kind::kTimerCancel;
    e.deadline = ad.name;
    e.step = ad.next_step;
    e.due = ad.next_due;
    out_.push_back(std::move(e));
    inst_.deadlines.erase(inst_.deadlines.begin() + static_cast<std::ptrdiff_t>(i));
  }

  void Set(const Action& a) {
    std::string value = a.value;
    if (!value.empty() && value[0] == '$')
      value = std::string(Lookup(inst_, fields_, value.substr(1)));
    auto it = inst_.attrs.find(a.target);
    if (a.kind == Action::Kind::kSetOnce && it != inst_.attrs.end() && !it->second.empty()) {
      if (it->second != value) {
        Effect n;
        n.kind = Effect::Kind::kNote;
        n.note =
            fmt::format("{} stays {} (first one holds; {} recorded)", a.target, it->second, value);
        out_.push_back(std::move(n));
      }
      return;
    }
    inst_.attrs[a.target] = value;
    Effect e;
    e.kind = Effect::Kind::kAttr;
    e.attr = a.target;
    e.value = value;
    out_.push_back(std::move(e));
  }

 private:
  bool Matches(const Handler& h, std::string_view event) const {
    if (std::find(h.on.begin(), h.on.end(), event) == h.on.end()) return false;
    if (!FromHolds(def_, h, inst_.state)) return false;
    return GuardHolds(h.when, inst_, fields_);
  }

  const Definition& def_;
  Instance& inst_;
  const Fields& fields_;
  TimeMs now_;
  std::vector<Effect>& out_;
};

}  // namespace

void Begin(const Definition& def, Instance* inst) {
  inst->state = def.initial;
  inst->deadlines.clear();
  inst->counters.clear();
  inst->started = true;
}

bool Handle(const Definition& def, Instance* inst, std::string_view event, const Fields& fields,
            TimeMs now, std::vector<Effect>* effects) {
  if (!inst->started) Begin(def, inst);
  Runner r(def, inst, fields, now, effects);
  if (r.Dispatch(event, 0)) return true;
  Effect e;
  e.kind = Effect::Kind::kIgnored;
  e.note =
      fmt::format("'{}' does not apply in state '{}': recorded, no transition", event, inst->state);
  effects->push_back(std::move(e));
  return false;
}

bool Fire(const Definition& def, Instance* inst, std::string_view name, int step,
          TimeMs scheduled_at, TimeMs now, std::vector<Effect>* effects) {
  auto it = std::find_if(inst->deadlines.begin(), inst->deadlines.end(),
                         [&](const ActiveDeadline& d) { return d.name == name; });
  const Deadline* d = def.FindDeadline(name);
  if (it == inst->deadlines.end() || d == nullptr || it->next_step != step ||
      it->next_due != scheduled_at || step >= static_cast<int>(d->steps.size())) {
    return false;  // stale: the instance moved on
  }
  const DeadlineStep& s = d->steps[static_cast<size_t>(step)];
  const TimeMs started = it->started_at;
  // Advance (or finish) the deadline before running actions, which may cancel it.
  if (step + 1 < static_cast<int>(d->steps.size())) {
    it->next_step = step + 1;
    it->next_due = started + d->steps[static_cast<size_t>(step) + 1].after;
    Effect t;
    t.kind = Effect::Kind::kTimerSet;
    t.deadline = d->name;
    t.step = it->next_step;
    t.due = it->next_due;
    effects->push_back(std::move(t));
  } else {
    inst->deadlines.erase(it);
  }
  Fields none;
  Runner r(def, inst, none, now, effects);
  if (s.escalate_level > 0) {
    Effect e;
    e.kind = Effect::Kind::kEscalate;
    e.stage = d->stage;
    e.level = s.escalate_level;
    e.due_at = started + (d->due > 0 ? d->due : d->steps[0].after);
    e.scheduled_at = scheduled_at;
    e.fired_at = now;
    e.deadline = d->name;
    e.step = step;
    effects->push_back(std::move(e));
  }
  if (s.notify) r.Notify(*s.notify);
  r.Run(s.actions, 0);
  return true;
}

}  // namespace careloop::workflow
