#include "records.h"

#include <simdjson.h>

#include "record_json.h"

namespace careloop::engine {
namespace {

using Writer = JsonWriter;

void Str(Writer& w, std::string_view s) { JsonString(w, s); }
void StrOrNull(Writer& w, std::string_view s) {
  if (s.empty()) {
    w.Null();
  } else {
    Str(w, s);
  }
}

void Base64(std::string_view in, std::string* out) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  out->clear();
  out->reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out->push_back(kAlphabet[(v >> 18) & 63]);
    out->push_back(kAlphabet[(v >> 12) & 63]);
    out->push_back(kAlphabet[(v >> 6) & 63]);
    out->push_back(kAlphabet[v & 63]);
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out->push_back(kAlphabet[(v >> 18) & 63]);
    out->push_back(kAlphabet[(v >> 12) & 63]);
    out->push_back(i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out->push_back('=');
  }
}

void Finding(Writer& w, const state::StoredResult& r) {
  w.StartObject();
  JsonKey(w, "test");
  Str(w, r.m.obs.test);
  if (r.m.obs.qualitative) {
    JsonKey(w, "finding");
    Str(w, r.m.obs.finding);
    if (!r.m.obs.hpv.empty()) {
      JsonKey(w, "hpv");
      Str(w, r.m.obs.hpv);
    }
  } else {
    JsonKey(w, "value");
    w.Double(r.m.obs.value);
    JsonKey(w, "unit");
    Str(w, r.m.unit);
  }
  JsonKey(w, "tier");
  Str(w, TierName(r.tier));
  JsonKey(w, "rule_id");
  StrOrNull(w, r.rule_id);
  JsonKey(w, "exam_id");
  Str(w, r.m.obs.exam_id);
  JsonKey(w, "status");
  Str(w, ResultStatusName(r.m.status));
  JsonKey(w, "occurred_at");
  JsonTime(w, r.occurred_at);
  w.EndObject();
}

}  // namespace

std::string AlertJson(const AlertRecord& a) {
  Writer& w = StartRecord();
  const state::CaseRecord& c = *a.kase;
  w.StartObject();
  JsonKey(w, "id");
  Str(w, a.id);
  JsonKey(w, "kind");
  Str(w, "alert");
  JsonKey(w, "worker_id");
  Str(w, a.worker_id);
  JsonKey(w, "case_id");
  Str(w, c.case_id);
  JsonKey(w, "condition");
  Str(w, c.condition);
  JsonKey(w, "tier");
  Str(w, TierName(c.tier));
  JsonKey(w, "previous_tier");
  Str(w, TierName(a.previous_tier));
  JsonKey(w, "green_channel");
  w.Bool(c.green_channel);
  JsonKey(w, "previous_green_channel");
  w.Bool(a.previous_green_channel);
  JsonKey(w, "urgency");
  if (c.tier == Tier::kRed) {
    Str(w, c.critical ? "critical" : "high");
  } else {
    w.Null();
  }
  JsonKey(w, "case_status");
  Str(w, c.open ? "open" : "closed");
  JsonKey(w, "worker_tier");
  Str(w, TierName(a.worker_tier));
  JsonKey(w, "findings");
  w.StartArray();
  for (const auto& r : *a.findings) Finding(w, r);
  w.EndArray();
  JsonKey(w, "rule_ids");
  w.StartArray();
  for (const auto& id : c.rule_ids) Str(w, id);
  w.EndArray();
  JsonKey(w, "actions");
  w.StartArray();
  for (const auto& act : a.policy->actions) Str(w, act);
  w.EndArray();
  JsonKey(w, "due_at");
  if (a.policy->due_after > 0) {
    JsonTime(w, a.emitted_at + a.policy->due_after);
  } else {
    w.Null();
  }
  JsonKey(w, "rules_version");
  Str(w, a.rules_version);
  JsonKey(w, "cause_event_id");
  Str(w, a.cause_event_id);
  JsonKey(w, "emitted_at");
  JsonTime(w, a.emitted_at);
  w.EndObject();
  return FinishRecord();
}

std::string DeadLetterJson(const DeadLetterRecord& d) {
  Writer& w = StartRecord();
  const RejectedItem& item = *d.item;
  w.StartObject();
  JsonKey(w, "id");
  Str(w, d.id);
  JsonKey(w, "kind");
  Str(w, "dead_letter");
  JsonKey(w, "reason_code");
  Str(w, item.reason_code);
  JsonKey(w, "reason");
  Str(w, item.reason);
  JsonKey(w, "source_topic");
  Str(w, d.source_topic);
  JsonKey(w, "partition");
  w.Int(d.partition);
  JsonKey(w, "offset");
  w.Int64(d.offset);
  JsonKey(w, "worker_id");
  StrOrNull(w, d.worker_id);
  JsonKey(w, "cause_event_id");
  StrOrNull(w, d.event_id);
  JsonKey(w, "item_index");
  if (item.index >= 0) {
    w.Int(item.index);
  } else {
    w.Null();
  }
  std::string_view payload = item.payload;
  bool truncated = payload.size() > kDeadLetterPayloadLimit;
  if (truncated) payload = payload.substr(0, kDeadLetterPayloadLimit);
  if (simdjson::validate_utf8(payload.data(), payload.size())) {
    JsonKey(w, "payload");
    Str(w, payload);
  } else {
    std::string b64;
    Base64(payload, &b64);
    JsonKey(w, "payload_base64");
    Str(w, b64);
  }
  JsonKey(w, "payload_bytes");
  w.Uint64(item.payload.size());
  JsonKey(w, "payload_truncated");
  w.Bool(truncated);
  JsonKey(w, "emitted_at");
  JsonTime(w, d.emitted_at);
  w.EndObject();
  return FinishRecord();
}

}  // namespace careloop::engine
