// JSON of the workflow records: notifications, escalations, referrals (FHIR R4).
#include "records.h"

#include "record_json.h"

namespace careloop::engine {
namespace {

using Writer = JsonWriter;

template <std::size_t N>
void S(Writer& w, const char (&k)[N], std::string_view v) {
  JsonKey(w, k);
  JsonString(w, v);
}
template <std::size_t N>
void SN(Writer& w, const char (&k)[N], std::string_view v) {
  JsonKey(w, k);
  if (v.empty()) {
    w.Null();
  } else {
    JsonString(w, v);
  }
}
// A key and an RFC 3339 time.
template <std::size_t N>
void T(Writer& w, const char (&k)[N], TimeMs t) {
  JsonKey(w, k);
  JsonTime(w, t);
}

void Ref(Writer& w, const InstanceRef& r) {
  SN(w, "worker_id", r.worker_id);
  if (r.instance_kind == "case") {
    S(w, "case_id", r.instance_id);
  } else if (r.instance_kind == "exam") {
    S(w, "exam_id", r.instance_id);
  } else {
    S(w, "petition_id", r.instance_id);
  }
  S(w, "workflow", r.workflow);
  if (!r.condition.empty()) {
    S(w, "condition", r.condition);
    S(w, "tier", TierName(r.tier));
  }
}

}  // namespace

std::string NotificationJson(const NotificationRecord& n) {
  Writer& w = StartRecord();
  w.StartObject();
  S(w, "id", n.id);
  S(w, "kind", "notification");
  Ref(w, n.ref);
  S(w, "stage", n.ref.stage);
  S(w, "channel", n.channel);
  S(w, "template", n.template_name);
  S(w, "priority", n.priority);
  S(w, "cause_event_id", n.cause_event_id);
  T(w, "emitted_at", n.emitted_at);
  w.EndObject();
  return FinishRecord();
}

std::string EscalationJson(const EscalationRecord& e) {
  Writer& w = StartRecord();
  w.StartObject();
  S(w, "id", e.id);
  S(w, "kind", "escalation");
  Ref(w, e.ref);
  S(w, "stage", e.escalated_stage);
  S(w, "current_stage", e.ref.stage);
  JsonKey(w, "level");
  w.Int(e.level);
  T(w, "due_at", e.due_at);
  JsonKey(w, "overdue_seconds");
  w.Int64((e.fired_at - e.due_at) / 1000);
  JsonKey(w, "lateness_seconds");  // how late the timer fired (after a restart, say)
  w.Int64((e.fired_at - e.scheduled_at) / 1000);
  SN(w, "responsible", e.responsible);
  SN(w, "reason", e.reason);
  S(w, "cause_event_id", e.cause_event_id);
  T(w, "emitted_at", e.fired_at);
  w.EndObject();
  return FinishRecord();
}

std::string ReferralJson(const ReferralRecord& r) {
  Writer& w = StartRecord();
  w.StartObject();
  S(w, "id", r.id);
  S(w, "kind", "referral");
  S(w, "worker_id", r.worker_id);
  S(w, "case_id", r.case_id);
  S(w, "condition", r.condition);
  SN(w, "hospital", r.hospital);
  S(w, "rules_version", r.rules_version);
  S(w, "cause_event_id", r.cause_event_id);
  T(w, "emitted_at", r.emitted_at);
  JsonKey(w, "resource");
  w.StartObject();
  S(w, "resourceType", "ServiceRequest");
  S(w, "id", r.id);
  JsonKey(w, "identifier");
  w.StartArray();
  w.StartObject();
  S(w, "system", "urn:careloop:case");
  S(w, "value", r.case_id);
  w.EndObject();
  w.EndArray();
  S(w, "status", "active");
  S(w, "intent", "order");
  S(w, "priority", "urgent");
  JsonKey(w, "category");
  w.StartArray();
  w.StartObject();
  JsonKey(w, "coding");
  w.StartArray();
  w.StartObject();
  S(w, "system", "http://snomed.info/sct");
  S(w, "code", "3457005");
  S(w, "display", "Patient referral");
  w.EndObject();
  w.EndArray();
  w.EndObject();
  w.EndArray();
  JsonKey(w, "code");
  w.StartObject();
  S(w, "text", "Green-channel referral to a partner hospital");
  w.EndObject();
  JsonKey(w, "subject");
  w.StartObject();
  JsonKey(w, "identifier");
  w.StartObject();
  S(w, "system", "urn:careloop:worker");
  S(w, "value", r.worker_id);
  w.EndObject();
  w.EndObject();
  T(w, "authoredOn", r.emitted_at);
  if (!r.hospital.empty()) {
    JsonKey(w, "performer");
    w.StartArray();
    w.StartObject();
    S(w, "display", r.hospital);
    w.EndObject();
    w.EndArray();
  }
  // The findings that put the case in its tier, as contained Observations (LOINC code
  // and value), referenced as the reason.
  std::vector<size_t> used;
  for (size_t i = 0; r.findings && i < r.findings->size(); ++i) {
    if ((*r.findings)[i].tier != Tier::kNone) used.push_back(i);
  }
  auto loinc_of = [&](size_t i) -> std::string_view {
    if (r.loinc && i < r.loinc->size() && !(*r.loinc)[i].empty()) return (*r.loinc)[i][0];
    return {};
  };
  JsonKey(w, "reasonCode");
  w.StartArray();
  for (size_t i : used) {
    const auto& f = (*r.findings)[i];
    w.StartObject();
    if (!loinc_of(i).empty()) {
      JsonKey(w, "coding");
      w.StartArray();
      w.StartObject();
      S(w, "system", "http://loinc.org");
      S(w, "code", loinc_of(i));
      S(w, "display", f.m.obs.test);
      w.EndObject();
      w.EndArray();
    }
    S(w, "text", f.m.obs.test);
    w.EndObject();
  }
  w.EndArray();
  JsonKey(w, "reasonReference");
  w.StartArray();
  for (size_t n = 0; n < used.size(); ++n) {
    w.StartObject();
    S(w, "reference", "#obs" + std::to_string(n + 1));
    w.EndObject();
  }
  w.EndArray();
  JsonKey(w, "contained");
  w.StartArray();
  for (size_t n = 0; n < used.size(); ++n) {
    const auto& f = (*r.findings)[used[n]];
    w.StartObject();
    S(w, "resourceType", "Observation");
    S(w, "id", "obs" + std::to_string(n + 1));
    S(w, "status", f.m.status == ResultStatus::kCorrected ? "corrected" : "final");
    JsonKey(w, "code");
    w.StartObject();
    if (!loinc_of(used[n]).empty()) {
      JsonKey(w, "coding");
      w.StartArray();
      w.StartObject();
      S(w, "system", "http://loinc.org");
      S(w, "code", loinc_of(used[n]));
      w.EndObject();
      w.EndArray();
    }
    S(w, "text", f.m.obs.test);
    w.EndObject();
    JsonKey(w, "subject");
    w.StartObject();
    JsonKey(w, "identifier");
    w.StartObject();
    S(w, "system", "urn:careloop:worker");
    S(w, "value", r.worker_id);
    w.EndObject();
    w.EndObject();
    T(w, "effectiveDateTime", f.occurred_at);
    if (f.m.obs.qualitative) {
      S(w, "valueString",
        f.m.obs.hpv.empty() ? f.m.obs.finding : f.m.obs.finding + " hpv " + f.m.obs.hpv);
    } else {
      JsonKey(w, "valueQuantity");
      w.StartObject();
      JsonKey(w, "value");
      w.Double(f.m.obs.value);
      if (!f.m.unit.empty()) {
        S(w, "unit", f.m.unit);
        S(w, "system", "http://unitsofmeasure.org");
        S(w, "code", f.m.unit);
      }
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return FinishRecord();
}

}  // namespace careloop::engine
