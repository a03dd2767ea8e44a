#include "workflow_host.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include "careloop/ids.h"
#include "records.h"

namespace careloop::engine {
namespace {

constexpr char kSep = '\x1f';
// Effects of one event or deadline: a notification per channel, a transition, timers and
// attributes; room for them up front, so that the vector's growth does not move these
// dozen-string structs two or three times over.
constexpr std::size_t kEffectsReserve = 8;

std::string_view Attr(const workflow::Instance& inst, const char* key) {
  auto it = inst.attrs.find(key);
  return it == inst.attrs.end() ? std::string_view() : std::string_view(it->second);
}

std::string_view InstanceKindName(char k) {
  return k == 'c' ? "case" : k == 'e' ? "exam" : "petition";
}

}  // namespace

std::string TimerId(const Subject& s, std::string_view deadline, int step) {
  std::string id;
  id += s.entity_kind;
  id += kSep;
  id += s.entity_id;
  id += kSep;
  id += s.instance_kind;
  id += kSep;
  id += s.instance_id;
  id += kSep;
  id += deadline;
  id += kSep;
  id += std::to_string(step);
  return id;
}

bool ParseTimerId(std::string_view id, TimerRef* out) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= id.size(); ++i) {
    if (i == id.size() || id[i] == kSep) {
      parts.push_back(id.substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts.size() != 6 || parts[0].size() != 1 || parts[2].size() != 1) return false;
  out->entity_kind = parts[0][0];
  out->entity_id = parts[1];
  out->instance_kind = parts[2][0];
  out->instance_id = parts[3];
  out->deadline = parts[4];
  out->step = 0;
  for (char c : parts[5]) {
    if (c < '0' || c > '9') return false;
    out->step = out->step * 10 + (c - '0');
  }
  return true;
}

workflow::Instance ToInstance(const state::WorkflowState& s) {
  workflow::Instance inst;
  inst.started = !s.workflow.empty();
  inst.state = s.state;
  for (const auto& d : s.deadlines)
    inst.deadlines.push_back({d.name, d.started_at, d.next_step, d.next_due});
  for (const auto& [k, v] : s.counters) inst.counters[k] = v;
  for (const auto& [k, v] : s.attrs) inst.attrs[k] = v;
  return inst;
}

void FromInstance(const workflow::Instance& inst, state::WorkflowState* s) {
  s->state = inst.state;
  s->deadlines.clear();
  for (const auto& d : inst.deadlines)
    s->deadlines.push_back({d.name, d.started_at, d.next_step, d.next_due});
  s->counters.assign(inst.counters.begin(), inst.counters.end());
  s->attrs.assign(inst.attrs.begin(), inst.attrs.end());
}

namespace {

// A deadline cancelled because its stage was done in time, before any escalation, was
// met. Not when the instance was closed or found unreachable (a withdrawal, a timeout, three
// failed contacts are no success; `received` results are), when a tier event moved the
// follow-up (opened, tier_*: the case starts again), or when the same change escalated.
bool DeadlineMet(const workflow::Definition& def, const workflow::Effect& cancel, TimeMs now,
                 const workflow::Instance& inst, const std::vector<workflow::Effect>& fx,
                 std::string_view why) {
  const workflow::Deadline* d = def.FindDeadline(cancel.deadline);
  if (d == nullptr || cancel.step < 0 || cancel.step >= static_cast<int>(d->steps.size())) {
    return false;
  }
  if (inst.state == "closed" || inst.state == "unreachable") return false;
  if (why == "opened" || why.substr(0, 5) == "tier_") return false;
  for (const auto& e : fx) {
    if (e.kind == workflow::Effect::Kind::kEscalate) return false;
  }
  if (workflow::EscalatedBefore(*d, cancel.step)) return false;
  const TimeMs started = cancel.due - d->steps[static_cast<std::size_t>(cancel.step)].after;
  return now <= workflow::DeadlineDue(*d, started);
}

}  // namespace

bool WorkflowHost::Send(Subject& s, std::string_view event, const workflow::Fields& fields,
                        const Cause& cause, Txn& txn) const {
  workflow::Instance inst = ToInstance(*s.stored);
  if (!inst.started) {
    workflow::Begin(*s.def, &inst);
    s.stored->workflow = s.def->name;
  }
  std::vector<workflow::Effect> fx;
  fx.reserve(kEffectsReserve);
  std::string before = inst.state;
  bool matched = workflow::Handle(*s.def, &inst, event, fields, cause.now, &fx);
  bool moved = false;
  for (const auto& e : fx) moved = moved || e.kind == workflow::Effect::Kind::kTransition;
  if (matched && !moved) {
    state::CaseEvent e;  // an event that changed no stage is still part of the history
    e.at = cause.now;
    e.event_id = cause.event_id;
    e.what = std::string(event);
    e.from = before;
    e.to = inst.state;
    e.who = cause.who;
    s.history->push_back(std::move(e));
  }
  Apply(s, fx, cause, inst, txn, event);
  return matched;
}

bool WorkflowHost::Fire(Subject& s, const TimerRef& t, TimeMs scheduled_at, TimeMs now, Txn& txn,
                        int* escalations) const {
  workflow::Instance inst = ToInstance(*s.stored);
  std::vector<workflow::Effect> fx;
  fx.reserve(kEffectsReserve);
  if (!workflow::Fire(*s.def, &inst, t.deadline, t.step, scheduled_at, now, &fx)) return false;
  if (escalations) {
    *escalations = 0;
    for (const auto& e : fx) *escalations += e.kind == workflow::Effect::Kind::kEscalate ? 1 : 0;
  }
  Cause cause;
  // Every deadline fired formats these two: the due time once, compiled format strings.
  char due_text[kRfc3339MaxSize];
  const std::string_view due(
      due_text, static_cast<std::size_t>(FormatRfc3339To(scheduled_at, due_text) - due_text));
  cause.event_id = fmt::format(FMT_COMPILE("timer:{}#{}@{}"), t.deadline, t.step, due);
  cause.now = now;
  state::CaseEvent e;
  e.at = now;
  e.event_id = cause.event_id;
  e.what = "deadline";
  e.to = inst.state;
  e.note = now > scheduled_at
               ? fmt::format(FMT_COMPILE("{} step {} due {}, fired {} s late"), t.deadline,
                             t.step + 1, due, (now - scheduled_at) / 1000)
               : fmt::format(FMT_COMPILE("{} step {} due {}"), t.deadline, t.step + 1, due);
  s.history->push_back(std::move(e));
  Apply(s, fx, cause, inst, txn, t.deadline);
  return true;
}

void WorkflowHost::Apply(Subject& s, const std::vector<workflow::Effect>& fx, const Cause& cause,
                         workflow::Instance& inst, Txn& txn, std::string_view why) const {
  using K = workflow::Effect::Kind;
  InstanceRef ref;
  ref.instance_kind = InstanceKindName(s.instance_kind);
  ref.instance_id = s.instance_id;
  ref.worker_id = s.worker_id;
  ref.workflow = s.def->reports_as;
  ref.condition = s.condition;
  ref.tier = s.tier;
  std::string stage_now = inst.state;
  ref.stage = stage_now;
  for (const auto& e : fx) {
    switch (e.kind) {
      case K::kTransition: {
        state::CaseEvent h;
        h.at = cause.now;
        h.event_id = cause.event_id;
        h.what = "stage";
        h.from = e.from;
        h.to = e.to;
        h.who = cause.who;
        h.note = std::string(why);
        s.history->push_back(std::move(h));
        break;
      }
      case K::kNotify: {
        if (s.worker_id.empty()) break;  // nobody to tell (a petition without a worker)
        NotificationRecord n;
        n.ref = ref;
        n.channel = e.notify.channels[0];
        n.template_name = e.notify.template_name;
        n.priority = e.notify.priority;
        n.cause_event_id = cause.event_id;
        n.emitted_at = cause.now;
        n.id = MakeId("nt-", {cause.event_id, s.instance_id, n.template_name, n.channel});
        txn.Emit(topics_.notifications, s.worker_id, NotificationJson(n), n.id);
        break;
      }
      case K::kEscalate: {
        EscalationRecord r;
        r.ref = ref;
        r.escalated_stage = e.stage;
        r.level = e.level;
        r.reason =
            e.reason.empty() ? std::string_view("deadline missed") : std::string_view(e.reason);
        std::string_view responsible = Attr(inst, "responsible");
        if (responsible.empty()) responsible = Attr(inst, "staff");
        r.responsible = responsible;
        r.due_at = e.due_at;
        r.scheduled_at = e.scheduled_at;
        r.fired_at = e.fired_at;
        r.cause_event_id = cause.event_id;
        r.id = MakeId("es-", {s.instance_id, e.stage, std::to_string(e.level),
                              std::to_string(e.scheduled_at), r.reason});
        txn.Emit(topics_.escalations, s.key, EscalationJson(r), r.id);
        if (metrics_)
          metrics_->DeadlineMissed(s.def->reports_as, e.stage, e.level,
                                   e.fired_at - e.scheduled_at);
        break;
      }
      case K::kEmit: {
        if (e.emit_kind != "referral" || s.findings == nullptr) break;
        const std::vector<state::StoredResult>& findings = s.findings->items();
        std::vector<std::vector<std::string>> loinc;
        for (const auto& f : findings) {
          const decode::TestDef* def = catalog_.FindByCode(f.m.obs.test);
          loinc.push_back(def ? def->loinc : std::vector<std::string>{});
        }
        ReferralRecord r;
        r.worker_id = s.worker_id;
        r.case_id = s.instance_id;
        r.condition = s.condition;
        r.hospital = cause.hospital;
        r.rules_version = s.rules_version;
        r.cause_event_id = cause.event_id;
        r.findings = &findings;
        r.loinc = &loinc;
        r.emitted_at = cause.now;
        r.id = MakeId("rf-", {cause.event_id, s.instance_id});
        txn.Emit(topics_.referrals, s.key, ReferralJson(r), r.id);
        break;
      }
      case K::kTimerSet: {
        state::Timer t;
        t.due = e.due;
        t.timer_id = TimerId(s, e.deadline, e.step);
        t.partition = s.partition;
        txn.SetTimer(std::move(t));
        break;
      }
      case K::kTimerCancel:
        txn.RemoveTimer(e.due, TimerId(s, e.deadline, e.step));
        if (metrics_ && DeadlineMet(*s.def, e, cause.now, inst, fx, why)) {
          metrics_->DeadlineMet(s.def->reports_as, s.def->FindDeadline(e.deadline)->stage);
        }
        break;
      case K::kAttr:
      case K::kIgnored:
      case K::kNote: {
        state::CaseEvent h;
        h.at = cause.now;
        h.event_id = cause.event_id;
        h.what = e.kind == K::kIgnored ? "ignored" : "note";
        h.who = cause.who;
        h.note = e.kind == K::kAttr ? fmt::format("{} = {}", e.attr, e.value) : e.note;
        s.history->push_back(std::move(h));
        break;
      }
    }
  }
  FromInstance(inst, s.stored);
}

}  // namespace careloop::engine
