#include "gen/gen_fixture.h"

#include <simdjson.h>

#include <string_view>

namespace careloop::gen::testing {
namespace {

// LOINC codes of the tests the prevalence checks read (contract.md).
const std::map<std::string, std::string, std::less<>>& KnownLoinc() {
  static const std::map<std::string, std::string, std::less<>> m = {
      {"2571-8", "TG"},  {"14927-8", "TG"},  {"2093-3", "TC"},       {"14647-2", "TC"},
      {"1558-6", "GLU"}, {"14771-0", "GLU"}, {"8480-6", "SBP"},      {"8462-4", "DBP"},
      {"1834-1", "AFP"}, {"19176-7", "AFP"}, {"47527-7", "CERVICAL"}};
  return m;
}

std::string Text(simdjson::dom::object o, std::string_view key) {
  std::string_view s;
  if (o[key].get(s) != simdjson::SUCCESS) return {};
  return std::string(s);
}

}  // namespace

std::vector<GeneratedEvent> Generate(const Options& o) {
  std::vector<GeneratedEvent> v;
  Generator g(o);
  GeneratedEvent e;
  while (g.Next(&e)) v.push_back(e);
  return v;
}

const std::vector<GeneratedEvent>& DefaultStream() {
  static const std::vector<GeneratedEvent> v = Generate(Options{});
  return v;
}

std::optional<ReadEvent> Read(const std::string& json) {
  static simdjson::dom::parser parser;
  simdjson::dom::object o;
  if (parser.parse(json).get(o) != simdjson::SUCCESS) return std::nullopt;
  ReadEvent e;
  e.type = Text(o, "type");
  e.event_id = Text(o, "event_id");
  e.worker_id = Text(o, "worker_id");
  e.source = Text(o, "source");
  e.exam_id = Text(o, "exam_id");
  e.kind = Text(o, "kind");
  e.occurred_at_text = Text(o, "occurred_at");
  auto t = ParseRfc3339(e.occurred_at_text);
  if (e.event_id.empty() || e.worker_id.empty() || e.source.empty() || !t.ok()) {
    return std::nullopt;
  }
  e.occurred_at = *t;
  if (e.type == "checkin") return e.kind.empty() ? std::nullopt : std::optional(e);
  if (e.type != "lab_result") return std::nullopt;
  simdjson::dom::array results;
  if (o["results"].get(results) != simdjson::SUCCESS || results.size() == 0) return std::nullopt;
  for (simdjson::dom::element el : results) {
    simdjson::dom::object r;
    if (el.get(r) != simdjson::SUCCESS) continue;
    ReadResult rr;
    rr.test = Text(r, "test");
    rr.loinc = Text(r, "loinc");
    if (rr.test.empty() && !rr.loinc.empty()) {
      auto it = KnownLoinc().find(rr.loinc);
      if (it != KnownLoinc().end()) rr.test = it->second;
    }
    double v;
    simdjson::dom::element value;
    if (r["value"].get(value) == simdjson::SUCCESS && value.is_number() &&
        value.get_double().get(v) == simdjson::SUCCESS) {
      rr.value = v;
    }
    rr.unit = Text(r, "unit");
    rr.finding = Text(r, "finding");
    rr.hpv = Text(r, "hpv");
    rr.status = Text(r, "status");
    e.results.push_back(std::move(rr));
  }
  return e;
}

std::optional<double> Canonical(const ReadResult& r) {
  if (!r.value) return std::nullopt;
  const double v = *r.value;
  if (r.test == "SBP" || r.test == "DBP") {
    if (r.unit == "mm[Hg]" || r.unit == "mmHg") return v;
    return std::nullopt;
  }
  if (r.unit == "mmol/L") return v;
  if (r.unit != "mg/dL") return std::nullopt;
  if (r.test == "TG") return v / 88.57;
  if (r.test == "TC") return v / 38.67;
  if (r.test == "GLU") return v / 18.0;
  return std::nullopt;
}

}  // namespace careloop::gen::testing
