#include "api/worker_view.h"

#include <fmt/format.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

namespace careloop::api {

std::string DescribeResult(const state::StoredResult& r) {
  const Observation& o = r.m.obs;
  // A converted value to 4 significant digits (GLU 19.28 mmol/L, not 19.2778), followed
  // by the value as the lab reported it when its unit differed.
  std::string what = o.qualitative ? fmt::format("{} {}{}", o.test, o.finding,
                                                 o.hpv.empty() ? "" : " hpv " + o.hpv)
                                   : fmt::format("{} {:.4g} {}", o.test, o.value, r.m.unit);
  if (!o.qualitative && !r.m.reported_unit.empty() && r.m.reported_unit != r.m.unit) {
    what += fmt::format(", reported {:g} {}", r.m.reported_value, r.m.reported_unit);
  }
  if (r.tier == Tier::kNone) return what;
  return fmt::format("{} ({}, {})", what, TierName(r.tier), r.rule_id);
}

void PrintWorkerFile(const state::WorkerFile& f, std::ostream& os) {
  os << fmt::format("worker {}  first seen {}  last seen {}  events {}\n", f.worker_id,
                    FormatRfc3339(f.first_seen), FormatRfc3339(f.last_seen), f.events);
  for (const auto& c : f.conditions) {
    os << fmt::format("  condition {}\n", c.condition);
    for (const auto& r : c.latest) {
      os << fmt::format("    latest  {}  exam {} at {} [{}]\n", DescribeResult(r), r.m.obs.exam_id,
                        FormatRfc3339(r.occurred_at), ResultStatusName(r.m.status));
    }
    for (const auto& r : c.preliminary) {
      os << fmt::format("    prelim  {}  exam {} at {}\n", DescribeResult(r), r.m.obs.exam_id,
                        FormatRfc3339(r.occurred_at));
    }
    for (const auto& k : c.cases) {
      os << fmt::format(
          "    case {}  {}  tier {}{}{}  opened {}{}\n", k.case_id, k.open ? "open" : "closed",
          TierName(k.tier), k.green_channel ? " green-channel" : "",
          k.tier == Tier::kRed && k.critical ? " critical" : "", FormatRfc3339(k.opened_at),
          k.open ? "" : "  closed " + FormatRfc3339(k.closed_at));
      if (!k.wf.state.empty()) {
        os << fmt::format("      stage {}", k.wf.state);
        for (const auto& [a, v] : k.wf.attrs) os << fmt::format("  {} {}", a, v);
        os << "\n";
        for (const auto& d : k.wf.deadlines) {
          os << fmt::format("      deadline {} step {} due {}\n", d.name, d.next_step + 1,
                            FormatRfc3339(d.next_due));
        }
      }
      for (const auto& e : k.history) {
        os << fmt::format("      {}  {} {} -> {}  event {}{}{}\n", FormatRfc3339(e.at), e.what,
                          e.from, e.to, e.event_id, e.who.empty() ? "" : "  by " + e.who,
                          e.note.empty() ? "" : "  " + e.note);
      }
    }
  }
  for (const auto& x : f.exams) {
    os << fmt::format("  exam {}  {}{}{}\n", x.exam_id,
                      x.done_at ? "done " + FormatRfc3339(x.done_at) : "no exam_done check-in",
                      x.results_received ? ", results received" : ", results pending",
                      x.wf.deadlines.empty()
                          ? ""
                          : ", results deadline " + FormatRfc3339(x.wf.deadlines[0].next_due));
  }
  for (const auto& p : f.petitions) os << fmt::format("  petition {}\n", p);
  for (const auto& e : f.log) {
    os << fmt::format("  log {}  {} {}  event {}{}{}\n", FormatRfc3339(e.at), e.what, e.to,
                      e.event_id, e.who.empty() ? "" : "  by " + e.who,
                      e.note.empty() ? "" : "  " + e.note);
  }
}

void PrintPetitionFile(const state::PetitionFile& p, std::ostream& os) {
  os << fmt::format("petition {}  worker {}  category {}  channel {}  weight {}\n", p.petition_id,
                    p.worker_id.empty() ? "-" : p.worker_id, p.category, p.channel, p.weight);
  os << fmt::format("  workflow {}  stage {}\n", p.wf.workflow, p.wf.state);
  for (const auto& [a, v] : p.wf.attrs) os << fmt::format("  {} {}\n", a, v);
  auto t = [](TimeMs ms) { return ms ? FormatRfc3339(ms) : std::string("-"); };
  os << fmt::format("  submitted {}  accepted {}  responded {}  closed {}\n", t(p.submitted_at),
                    t(p.accepted_at), t(p.responded_at), t(p.closed_at));
  for (const auto& d : p.wf.deadlines) {
    os << fmt::format("  deadline {} step {} due {}\n", d.name, d.next_step + 1,
                      FormatRfc3339(d.next_due));
  }
  for (const auto& e : p.history) {
    os << fmt::format("    {}  {} {}{}  event {}{}{}\n", FormatRfc3339(e.at), e.what, e.from,
                      e.to.empty() ? "" : " -> " + e.to, e.event_id,
                      e.who.empty() ? "" : "  by " + e.who, e.note.empty() ? "" : "  " + e.note);
  }
}

namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void S(Writer& w, const char* k, std::string_view v) {
  w.Key(k);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

void Event(Writer& w, const state::CaseEvent& e) {
  w.StartObject();
  S(w, "at", FormatRfc3339(e.at));
  S(w, "event_id", e.event_id);
  S(w, "what", e.what);
  S(w, "from", e.from);
  S(w, "to", e.to);
  S(w, "who", e.who);
  S(w, "note", e.note);
  w.EndObject();
}

// Attributes (responsible, staff, weight…) and running deadlines of a workflow instance.
void Wf(Writer& w, const state::WorkflowState& wf) {
  w.Key("attributes");
  w.StartObject();
  for (const auto& [k, v] : wf.attrs) S(w, k.c_str(), v);
  w.EndObject();
  w.Key("deadlines");
  w.StartArray();
  for (const auto& d : wf.deadlines) {
    w.StartObject();
    S(w, "name", d.name);
    w.Key("step");
    w.Int(d.next_step + 1);
    S(w, "due", FormatRfc3339(d.next_due));
    w.EndObject();
  }
  w.EndArray();
}

void Result(Writer& w, const state::StoredResult& r) {
  w.StartObject();
  S(w, "test", r.m.obs.test);
  if (r.m.obs.qualitative) {
    S(w, "finding", r.m.obs.finding);
    if (!r.m.obs.hpv.empty()) S(w, "hpv", r.m.obs.hpv);
  } else {
    w.Key("value");
    w.Double(r.m.obs.value);
    S(w, "unit", r.m.unit);
  }
  S(w, "tier", TierName(r.tier));
  S(w, "rule_id", r.rule_id);
  S(w, "exam_id", r.m.obs.exam_id);
  S(w, "status", ResultStatusName(r.m.status));
  S(w, "event_id", r.event_id);
  S(w, "occurred_at", FormatRfc3339(r.occurred_at));
  w.EndObject();
}

}  // namespace

std::string WorkerFileJson(const state::WorkerFile& f) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  S(w, "worker_id", f.worker_id);
  S(w, "first_seen", FormatRfc3339(f.first_seen));
  S(w, "last_seen", FormatRfc3339(f.last_seen));
  w.Key("events");
  w.Uint64(f.events);
  w.Key("conditions");
  w.StartArray();
  for (const auto& c : f.conditions) {
    w.StartObject();
    S(w, "condition", c.condition);
    w.Key("latest");
    w.StartArray();
    for (const auto& r : c.latest) Result(w, r);
    w.EndArray();
    w.Key("preliminary");
    w.StartArray();
    for (const auto& r : c.preliminary) Result(w, r);
    w.EndArray();
    w.Key("cases");
    w.StartArray();
    for (const auto& k : c.cases) {
      w.StartObject();
      S(w, "case_id", k.case_id);
      S(w, "status", k.open ? "open" : "closed");
      S(w, "tier", TierName(k.tier));
      w.Key("green_channel");
      w.Bool(k.green_channel);
      w.Key("critical");
      w.Bool(k.critical);
      S(w, "stage", k.wf.state);
      Wf(w, k.wf);
      S(w, "opened_at", FormatRfc3339(k.opened_at));
      if (!k.open) S(w, "closed_at", FormatRfc3339(k.closed_at));
      S(w, "rules_version", k.rules_version);
      w.Key("rule_ids");
      w.StartArray();
      for (const auto& id : k.rule_ids) w.String(id.c_str());
      w.EndArray();
      w.Key("history");
      w.StartArray();
      for (const auto& e : k.history) Event(w, e);
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("exams");
  w.StartArray();
  for (const auto& x : f.exams) {
    w.StartObject();
    S(w, "exam_id", x.exam_id);
    if (x.done_at) S(w, "done_at", FormatRfc3339(x.done_at));
    w.Key("results_received");
    w.Bool(x.results_received);
    Wf(w, x.wf);
    w.EndObject();
  }
  w.EndArray();
  w.Key("petitions");
  w.StartArray();
  for (const auto& p : f.petitions) w.String(p.c_str());
  w.EndArray();
  w.Key("log");
  w.StartArray();
  for (const auto& e : f.log) Event(w, e);
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string PetitionFileJson(const state::PetitionFile& p) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  auto t = [&](const char* k, TimeMs ms) {
    w.Key(k);
    if (ms) {
      std::string s = FormatRfc3339(ms);
      w.String(s.c_str());
    } else {
      w.Null();
    }
  };
  w.StartObject();
  S(w, "petition_id", p.petition_id);
  S(w, "worker_id", p.worker_id);
  S(w, "category", p.category);
  S(w, "channel", p.channel);
  S(w, "weight", p.weight);
  S(w, "workflow", p.wf.workflow);
  S(w, "stage", p.wf.state);
  Wf(w, p.wf);
  t("submitted_at", p.submitted_at);
  t("accepted_at", p.accepted_at);
  t("responded_at", p.responded_at);
  t("closed_at", p.closed_at);
  w.Key("history");
  w.StartArray();
  for (const auto& e : p.history) Event(w, e);
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace careloop::api
