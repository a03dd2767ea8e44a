#include "gen/render.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>

namespace careloop::gen {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr TimeMs kChinaOffset = 8 * kHour;

void Str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void Field(Writer& w, std::string_view key, std::string_view value) {
  Str(w, key);
  Str(w, value);
}

// Integers as integers ("140", not "140.0"); others in the shortest form ("2.91").
void Number(Writer& w, double v, int decimals) {
  if (decimals == 0 && std::fabs(v) < 1e15) {
    w.Int64(static_cast<std::int64_t>(v));
  } else {
    w.Double(v);
  }
}

void Header(Writer& w, std::string_view type, const EventHeader& h) {
  Field(w, "type", type);
  if (!h.event_id.empty()) Field(w, "event_id", h.event_id);
  if (!h.worker_id.empty()) Field(w, "worker_id", h.worker_id);
  Str(w, "occurred_at");
  if (h.occurred_at_as_number) {
    w.Int64(h.occurred_at_ms);
  } else {
    Str(w, h.occurred_at);
  }
  Field(w, "source", h.source);
  if (!h.exam_id.empty()) Field(w, "exam_id", h.exam_id);
}

void Result(Writer& w, const ReportedResult& r) {
  w.StartObject();
  if (r.loinc.empty()) {
    Field(w, "test", r.code);
  } else {
    Field(w, "loinc", r.loinc);
  }
  if (r.quantitative) {
    Str(w, "value");
    if (r.value_as_string) {
      // A number sent as text, as some exporters do.
      rapidjson::StringBuffer b;
      Writer inner(b);
      Number(inner, r.value, r.decimals);
      Str(w, std::string_view(b.GetString(), b.GetSize()));
    } else {
      Number(w, r.value, r.decimals);
    }
    if (!r.unit.empty()) Field(w, "unit", r.unit);
    if (r.has_reference) {
      Str(w, "ref_low");
      Number(w, r.ref_low, r.decimals);
      Str(w, "ref_high");
      Number(w, r.ref_high, r.decimals);
      Field(w, "flag", r.flag);
    }
  } else {
    Field(w, "finding", r.finding);
    if (!r.hpv.empty()) Field(w, "hpv", r.hpv);
  }
  if (!r.status.empty()) Field(w, "status", r.status);
  w.EndObject();
}

}  // namespace

std::string RenderLabResult(const EventHeader& h, std::span<const ReportedResult> results) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Header(w, "lab_result", h);
  Str(w, "results");
  w.StartArray();
  for (const ReportedResult& r : results) Result(w, r);
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string RenderCheckin(const EventHeader& h, const CheckinFields& f) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Header(w, "checkin", h);
  Field(w, "kind", f.kind);
  if (!f.channel.empty()) Field(w, "channel", f.channel);
  if (!f.outcome.empty()) Field(w, "outcome", f.outcome);
  if (!f.staff_id.empty()) Field(w, "staff_id", f.staff_id);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string LocalTime(TimeMs t) {
  std::string s = FormatRfc3339(t + kChinaOffset);  // "...Z", the UTC digits of local time
  s.pop_back();
  s += "+08:00";
  return s;
}

std::string LocalDate(TimeMs t) {
  const std::string s = FormatRfc3339(t + kChinaOffset);
  return s.substr(0, 4) + s.substr(5, 2) + s.substr(8, 2);
}

}  // namespace careloop::gen
