#include "api/views.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "careloop/engine/petition_stats.h"

namespace careloop::api {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, std::string_view v) {
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}
void Key(Writer& w, std::string_view k) {
  w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
}
void Time(Writer& w, std::string_view k, TimeMs t) {
  Key(w, k);
  if (t == 0) {
    w.Null();
  } else {
    Str(w, FormatRfc3339(t));
  }
}

void Case(Writer& w, const OpenCase& c, TimeMs now) {
  w.StartObject();
  Key(w, "case_id");
  Str(w, c.case_id);
  Key(w, "worker_id");
  Str(w, c.worker_id);
  Key(w, "condition");
  Str(w, c.condition);
  Key(w, "tier");
  Str(w, TierName(c.tier));
  Key(w, "green_channel");
  w.Bool(c.green_channel);
  Key(w, "critical");
  w.Bool(c.critical);
  Key(w, "stage");
  Str(w, c.stage);
  Key(w, "responsible");
  Str(w, c.responsible);
  Time(w, "opened_at", c.opened_at);
  Time(w, "tier_since", c.tier_since);
  Time(w, "due_at", c.due_at);
  Key(w, "due_stage");
  Str(w, c.due_stage);
  Key(w, "overdue");
  w.Bool(c.overdue(now));
  Key(w, "overdue_seconds");
  w.Int64(c.overdue(now) ? (now - c.due_at) / 1000 : 0);
  Key(w, "escalated");
  w.Bool(c.escalated);
  w.EndObject();
}

void TierCounts(Writer& w, std::string_view key, const std::array<std::uint64_t, 4>& counts,
                bool with_none) {
  Key(w, key);
  w.StartObject();
  for (Tier t : {Tier::kRed, Tier::kYellow, Tier::kGreen, Tier::kNone}) {
    if (t == Tier::kNone && !with_none) continue;
    Key(w, TierName(t));
    w.Uint64(counts[static_cast<size_t>(t)]);
  }
  w.EndObject();
}

void Petitions(Writer& w, const std::string& encoded) {
  Key(w, "petitions");
  auto decoded = engine::PetitionStats::Decode(encoded);
  if (!decoded.ok()) {
    w.Null();
    return;
  }
  const engine::PetitionStats& s = *decoded;
  w.StartObject();
  Key(w, "submitted");
  w.Uint64(s.submitted);
  Key(w, "accepted");
  w.Uint64(s.accepted);
  Key(w, "accepted_within_24h");
  w.Uint64(s.accepted_within_24h);
  Key(w, "first_response_rate");
  w.Double(s.FirstResponseRate());
  Key(w, "responded");
  w.StartObject();
  for (const auto& [weight, n] : s.responded) {
    Key(w, weight);
    w.Uint64(n);
  }
  w.EndObject();
  Key(w, "on_time_rate");
  w.StartObject();
  for (const auto& [weight, n] : s.responded) {
    Key(w, weight);
    w.Double(s.OnTimeRate(weight));
  }
  w.EndObject();
  std::uint64_t open = 0;
  Key(w, "open_by_stage");
  w.StartArray();
  for (const auto& [key, n] : s.open) {
    auto bar = key.find('|');
    w.StartObject();
    Key(w, "stage");
    Str(w, key.substr(0, bar));
    Key(w, "category");
    Str(w, bar == std::string::npos ? "" : key.substr(bar + 1));
    Key(w, "count");
    w.Uint64(n);
    w.EndObject();
    open += n;
  }
  w.EndArray();
  Key(w, "open");
  w.Uint64(open);
  Key(w, "overdue_escalations");
  w.Uint64(s.overdue_escalations);
  Key(w, "median_response_hours");
  w.Double(s.MedianResponseHours());
  w.EndObject();
}

}  // namespace

std::string ErrorJson(std::string_view code, std::string_view message) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "error");
  Str(w, code);
  Key(w, "message");
  Str(w, message);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string CasesJson(const CasePage& page, const CaseQuery& query, TimeMs now) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "total");
  w.Uint64(page.total);
  Key(w, "page");
  w.Uint64(query.page);
  Key(w, "page_size");
  w.Uint64(query.page_size);
  Time(w, "generated_at", now);
  Key(w, "cases");
  w.StartArray();
  for (const auto& c : page.cases) Case(w, c, now);
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string SummaryJson(const SummaryInputs& in, TimeMs now) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  const Census& c = *in.census;
  w.StartObject();
  Time(w, "generated_at", now);
  Key(w, "ready");
  w.Bool(in.ready);
  Key(w, "index_ready");
  w.Bool(in.index_ready);
  Key(w, "consuming");
  w.Bool(in.consuming);
  Key(w, "version");
  Str(w, in.version);
  Key(w, "rules_version");
  Str(w, in.rules_version);
  Key(w, "workers_total");
  w.Uint64(c.workers);
  TierCounts(w, "workers", c.workers_by_tier, true);
  TierCounts(w, "open_cases", c.open_by_tier, false);
  TierCounts(w, "overdue_cases", c.overdue_by_tier, false);
  Key(w, "open_cases_by_stage");
  w.StartArray();
  for (const auto& [ts, n] : c.open_cases) {
    w.StartObject();
    Key(w, "tier");
    Str(w, TierName(ts.first));
    Key(w, "stage");
    Str(w, ts.second);
    Key(w, "count");
    w.Uint64(n);
    w.EndObject();
  }
  w.EndArray();
  Petitions(w, in.petition_stats);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace careloop::api
