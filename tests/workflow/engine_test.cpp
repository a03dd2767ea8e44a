// The workflow engine over the shipped health follow-up definition, with a plain clock.
#include "careloop/workflow/engine.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace careloop;
using namespace careloop::workflow;

namespace {

const Definition& Health() {
  static const Definition def = [] {
    auto d =
        LoadDefinitionFile(std::string(CARELOOP_SOURCE_DIR) + "/topologies/health_followup.yaml");
    INFO(d.status().ToString());
    REQUIRE(d.ok());
    return std::move(d).value();
  }();
  return def;
}

std::vector<Effect> Of(const std::vector<Effect>& v, Effect::Kind k) {
  std::vector<Effect> out;
  std::copy_if(v.begin(), v.end(), std::back_inserter(out),
               [&](const Effect& e) { return e.kind == k; });
  return out;
}

Fields Tier(const char* tier, bool gc = false, bool critical = false) {
  return {{"tier", tier},
          {"green_channel", gc ? "true" : "false"},
          {"critical", critical ? "true" : "false"}};
}

// Fires every timer due at or before `until`, in due order, like the host does.
std::vector<Effect> RunTimers(const Definition& def, Instance* inst, TimeMs until) {
  std::vector<Effect> all;
  while (true) {
    const ActiveDeadline* next = nullptr;
    for (const auto& d : inst->deadlines) {
      if (d.next_due <= until && (next == nullptr || d.next_due < next->next_due)) next = &d;
    }
    if (next == nullptr) return all;
    std::string name = next->name;
    int step = next->next_step;
    TimeMs due = next->next_due;
    REQUIRE(Fire(def, inst, name, step, due, due, &all));
  }
}

}  // namespace

TEST_CASE("Red case: phone at once; level 1 at 60 min with SMS and WeChat; level 2 at 4 h",
          "[unit]") {
  Instance inst;
  std::vector<Effect> fx;
  REQUIRE(Handle(Health(), &inst, "opened", Tier("red"), 0, &fx));
  auto notes = Of(fx, Effect::Kind::kNotify);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].notify.template_name == "red_contact");
  CHECK(notes[0].notify.channels == std::vector<std::string>{"phone"});
  auto timers = Of(fx, Effect::Kind::kTimerSet);
  REQUIRE(timers.size() == 1);
  CHECK(timers[0].due == 60 * kMinute);

  auto fired = RunTimers(Health(), &inst, 5 * kHour);
  auto esc = Of(fired, Effect::Kind::kEscalate);
  REQUIRE(esc.size() == 2);
  CHECK(esc[0].level == 1);
  CHECK(esc[0].stage == "first_contact");
  CHECK(esc[0].fired_at == 60 * kMinute);
  CHECK(esc[0].due_at == 60 * kMinute);
  CHECK(esc[1].level == 2);
  CHECK(esc[1].fired_at == 4 * kHour);
  CHECK(esc[1].due_at == 60 * kMinute);
  auto reminders = Of(fired, Effect::Kind::kNotify);
  REQUIRE(reminders.size() == 2);
  CHECK(reminders[0].notify.channels[0] == "sms");
  CHECK(reminders[1].notify.channels[0] == "wechat");
  CHECK(inst.deadlines.empty());
}

TEST_CASE("Critical red: 30 min and 2 h", "[unit]") {
  Instance inst;
  std::vector<Effect> fx;
  Handle(Health(), &inst, "opened", Tier("red", false, true), 0, &fx);
  auto fired = RunTimers(Health(), &inst, 3 * kHour);
  auto esc = Of(fired, Effect::Kind::kEscalate);
  REQUIRE(esc.size() == 2);
  CHECK(esc[0].fired_at == 30 * kMinute);
  CHECK(esc[1].fired_at == 2 * kHour);
}

TEST_CASE("Reaching the worker in time stops the clock: no escalation", "[unit]") {
  Instance inst;
  std::vector<Effect> fx;
  Handle(Health(), &inst, "opened", Tier("red"), 0, &fx);
  fx.clear();
  REQUIRE(Handle(Health(), &inst, "contact", {{"outcome", "reached"}}, 20 * kMinute, &fx));
  CHECK(inst.state == "contacted");
  CHECK(Of(fx, Effect::Kind::kTimerCancel).size() == 1);
  CHECK(inst.deadlines.empty());
  // A timer that was already in the store when the case moved on fires stale: nothing.
  std::vector<Effect> late;
  CHECK_FALSE(Fire(Health(), &inst, "first_contact", 0, 60 * kMinute, 60 * kMinute, &late));
  CHECK(late.empty());
}

TEST_CASE("Three unreachable contacts move the case to unreachable and escalate", "[unit]") {
  Instance inst;
  std::vector<Effect> fx;
  Handle(Health(), &inst, "opened", Tier("red"), 0, &fx);
  for (int i = 1; i <= 2; ++i) {
    fx.clear();
    REQUIRE(Handle(Health(), &inst, "contact", {{"outcome", "unreachable"}}, i * kMinute, &fx));
    CHECK(inst.state == "alerted");
    CHECK(Of(fx, Effect::Kind::kEscalate).empty());
  }
  fx.clear();
  REQUIRE(Handle(Health(), &inst, "contact", {{"outcome", "unreachable"}}, 3 * kMinute, &fx));
  CHECK(inst.state == "unreachable");
  auto esc = Of(fx, Effect::Kind::kEscalate);
  REQUIRE(esc.size() == 1);
  CHECK(esc[0].reason == "unreachable");
  CHECK(inst.deadlines.empty());  // the first-contact clock runs only while alerted
  fx.clear();
  REQUIRE(Handle(Health(), &inst, "contact", {{"outcome", "reached"}}, 10 * kMinute, &fx));
  CHECK(inst.state == "contacted");
}

TEST_CASE("Green channel: three channels at once; referral on acceptance; visit within 7 days",
          "[unit]") {
  Instance inst;
  std::vector<Effect> fx;
  Handle(Health(), &inst, "opened", Tier("red", true), 0, &fx);
  auto notes = Of(fx, Effect::Kind::kNotify);
  REQUIRE(notes.size() == 3);
  CHECK(notes[0].notify.template_name == "green_channel");
  CHECK(Of(fx, Effect::Kind::kEmit).empty());  // no referral before the worker accepts
  Handle(Health(), &inst, "contact", {{"outcome", "reached"}}, 10 * kMinute, &fx);
  fx.clear();
  REQUIRE(Handle(Health(), &inst, "referral_accepted", {{"hospital", "H1"}}, kHour, &fx));
  auto emits = Of(fx, Effect::Kind::kEmit);
  REQUIRE(emits.size() == 1);
  CHECK(emits[0].emit_kind == "referral");
  CHECK(inst.state == "referred");
  auto fired = RunTimers(Health(), &inst, kHour + 8 * kDay);
  auto esc = Of(fired, Effect::Kind::kEscalate);
  REQUIRE(esc.size() == 1);
  CHECK(esc[0].stage == "hospital_visit");
  CHECK(esc[0].fired_at == kHour + 7 * kDay);
  fx.clear();
  REQUIRE(
      Handle(Health(), &inst, "hospital_visit", {{"outcome", "confirmed"}}, kHour + 9 * kDay, &fx));
  CHECK(inst.state == "treatment");
  CHECK(inst.deadlines.empty());
  Handle(Health(), &inst, "treatment_completed", {}, 30 * kDay, &fx);
  CHECK(inst.state == "monitoring");
}

TEST_CASE("Yellow: invitation at once, reminder at 90 days, escalation at 104 unless a result came",
          "[unit]") {
  Instance inst;
  std::vector<Effect> fx;
  Handle(Health(), &inst, "opened", Tier("yellow"), 0, &fx);
  REQUIRE(Of(fx, Effect::Kind::kNotify).size() == 1);
  CHECK(Of(fx, Effect::Kind::kNotify)[0].notify.template_name == "recheck_invitation");
  auto fired = RunTimers(Health(), &inst, 200 * kDay);
  auto notes = Of(fired, Effect::Kind::kNotify);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].notify.template_name == "recheck_reminder");
  auto esc = Of(fired, Effect::Kind::kEscalate);
  REQUIRE(esc.size() == 1);
  CHECK(esc[0].stage == "recheck");
  CHECK(esc[0].fired_at == 104 * kDay);
  CHECK(esc[0].due_at == 90 * kDay);

  Instance other;
  fx.clear();
  Handle(Health(), &other, "opened", Tier("yellow"), 0, &fx);
  Handle(Health(), &other, "result", Tier("yellow"), 80 * kDay, &fx);  // re-check done in time
  auto later = RunTimers(Health(), &other, 104 * kDay);
  CHECK(Of(later, Effect::Kind::kEscalate).empty());
  CHECK(Of(later, Effect::Kind::kNotify).empty());
}

TEST_CASE("Green: education once, re-exam reminder at 365 days", "[unit]") {
  Instance inst;
  std::vector<Effect> fx;
  Handle(Health(), &inst, "opened", Tier("green"), 0, &fx);
  CHECK(Of(fx, Effect::Kind::kNotify)[0].notify.template_name == "education");
  auto fired = RunTimers(Health(), &inst, 400 * kDay);
  REQUIRE(Of(fired, Effect::Kind::kNotify).size() == 1);
  CHECK(Of(fired, Effect::Kind::kNotify)[0].notify.template_name == "reexam_reminder");
  CHECK(Of(fired, Effect::Kind::kEscalate).empty());
}

TEST_CASE("Upgrade restarts the red pace; downgrade relaxes it; tier none closes", "[unit]") {
  Instance inst;
  std::vector<Effect> fx;
  Handle(Health(), &inst, "opened", Tier("yellow"), 0, &fx);
  Handle(Health(), &inst, "tier_up", Tier("red"), kDay, &fx);
  CHECK(inst.state == "alerted");
  REQUIRE(inst.deadlines.size() == 1);
  CHECK(inst.deadlines[0].name == "first_contact");
  Handle(Health(), &inst, "contact", {{"outcome", "reached"}}, kDay + kMinute, &fx);
  Handle(Health(), &inst, "tier_down", Tier("yellow"), 2 * kDay, &fx);
  CHECK(inst.state == "contacted");  // the stage stays; the pace is yellow's
  REQUIRE(inst.deadlines.size() == 1);
  CHECK(inst.deadlines[0].name == "recheck");
  fx.clear();
  Handle(Health(), &inst, "tier_none", {}, 3 * kDay, &fx);
  CHECK(inst.state == "closed");
  CHECK(inst.deadlines.empty());
  CHECK(Of(fx, Effect::Kind::kTimerCancel).size() == 1);
}

TEST_CASE("An event that does not apply is kept as ignored, never crashes", "[unit]") {
  Instance inst;
  std::vector<Effect> fx;
  Handle(Health(), &inst, "opened", Tier("red"), 0, &fx);
  fx.clear();
  CHECK_FALSE(Handle(Health(), &inst, "treatment_completed", {}, kMinute, &fx));
  REQUIRE(fx.size() == 1);
  CHECK(fx[0].kind == Effect::Kind::kIgnored);
  CHECK(inst.state == "alerted");
}

TEST_CASE("A timer fired late (after a restart) records how late it was", "[unit]") {
  Instance inst;
  std::vector<Effect> fx;
  Handle(Health(), &inst, "opened", Tier("red"), 0, &fx);
  fx.clear();
  REQUIRE(Fire(Health(), &inst, "first_contact", 0, 60 * kMinute, 75 * kMinute, &fx));
  auto esc = Of(fx, Effect::Kind::kEscalate);
  REQUIRE(esc.size() == 1);
  CHECK(esc[0].scheduled_at == 60 * kMinute);
  CHECK(esc[0].fired_at == 75 * kMinute);
}
