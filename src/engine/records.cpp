#include "records.h"

#include <simdjson.h>

#include "record_json.h"

namespace careloop::engine {
namespace {

using Writer = JsonWriter;

void Str(Writer& w, std::string_view s) { JsonString(w, s); }
template <std::size_t N>
void Key(Writer& w, const char (&k)[N]) {
  JsonKey(w, k);
}
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
  Key(w, "test");
  Str(w, r.m.obs.test);
  if (r.m.obs.qualitative) {
    Key(w, "finding");
    Str(w, r.m.obs.finding);
    if (!r.m.obs.hpv.empty()) {
      Key(w, "hpv");
      Str(w, r.m.obs.hpv);
    }
  } else {
    Key(w, "value");
    w.Double(r.m.obs.value);
    Key(w, "unit");
    Str(w, r.m.unit);
  }
  Key(w, "tier");
  Str(w, TierName(r.tier));
  Key(w, "rule_id");
  StrOrNull(w, r.rule_id);
  Key(w, "exam_id");
  Str(w, r.m.obs.exam_id);
  Key(w, "status");
  Str(w, ResultStatusName(r.m.status));
  Key(w, "occurred_at");
  JsonTime(w, r.occurred_at);
  w.EndObject();
}

}  // namespace

std::string AlertJson(const AlertRecord& a) {
  Writer& w = StartRecord();
  const state::CaseRecord& c = *a.kase;
  w.StartObject();
  Key(w, "id");
  Str(w, a.id);
  Key(w, "kind");
  Str(w, "alert");
  Key(w, "worker_id");
  Str(w, a.worker_id);
  Key(w, "case_id");
  Str(w, c.case_id);
  Key(w, "condition");
  Str(w, c.condition);
  Key(w, "tier");
  Str(w, TierName(c.tier));
  Key(w, "previous_tier");
  Str(w, TierName(a.previous_tier));
  Key(w, "green_channel");
  w.Bool(c.green_channel);
  Key(w, "previous_green_channel");
  w.Bool(a.previous_green_channel);
  Key(w, "urgency");
  if (c.tier == Tier::kRed) {
    Str(w, c.critical ? "critical" : "high");
  } else {
    w.Null();
  }
  Key(w, "case_status");
  Str(w, c.open ? "open" : "closed");
  Key(w, "worker_tier");
  Str(w, TierName(a.worker_tier));
  Key(w, "findings");
  w.StartArray();
  for (const auto& r : *a.findings) Finding(w, r);
  w.EndArray();
  Key(w, "rule_ids");
  w.StartArray();
  for (const auto& id : c.rule_ids) Str(w, id);
  w.EndArray();
  Key(w, "actions");
  w.StartArray();
  for (const auto& act : a.policy->actions) Str(w, act);
  w.EndArray();
  Key(w, "due_at");
  if (a.policy->due_after > 0) {
    JsonTime(w, a.emitted_at + a.policy->due_after);
  } else {
    w.Null();
  }
  Key(w, "rules_version");
  Str(w, a.rules_version);
  Key(w, "cause_event_id");
  Str(w, a.cause_event_id);
  Key(w, "emitted_at");
  JsonTime(w, a.emitted_at);
  w.EndObject();
  return FinishRecord();
}

std::string DeadLetterJson(const DeadLetterRecord& d) {
  Writer& w = StartRecord();
  const RejectedItem& item = *d.item;
  w.StartObject();
  Key(w, "id");
  Str(w, d.id);
  Key(w, "kind");
  Str(w, "dead_letter");
  Key(w, "reason_code");
  Str(w, item.reason_code);
  Key(w, "reason");
  Str(w, item.reason);
  Key(w, "source_topic");
  Str(w, d.source_topic);
  Key(w, "partition");
  w.Int(d.partition);
  Key(w, "offset");
  w.Int64(d.offset);
  Key(w, "worker_id");
  StrOrNull(w, d.worker_id);
  Key(w, "cause_event_id");
  StrOrNull(w, d.event_id);
  Key(w, "item_index");
  if (item.index >= 0) {
    w.Int(item.index);
  } else {
    w.Null();
  }
  std::string_view payload = item.payload;
  bool truncated = payload.size() > kDeadLetterPayloadLimit;
  if (truncated) payload = payload.substr(0, kDeadLetterPayloadLimit);
  if (simdjson::validate_utf8(payload.data(), payload.size())) {
    Key(w, "payload");
    Str(w, payload);
  } else {
    std::string b64;
    Base64(payload, &b64);
    Key(w, "payload_base64");
    Str(w, b64);
  }
  Key(w, "payload_bytes");
  w.Uint64(item.payload.size());
  Key(w, "payload_truncated");
  w.Bool(truncated);
  Key(w, "emitted_at");
  JsonTime(w, d.emitted_at);
  w.EndObject();
  return FinishRecord();
}

}  // namespace careloop::engine
