// Metrics: names follow the Prometheus conventions, labels never carry personal data,
// gauges from state replace their family, counters kept in state never go down.
#include "careloop/metrics/metrics.h"

#include <catch2/catch.hpp>
#include <regex>
#include <set>
#include <sstream>

using careloop::metrics::GaugeValue;
using careloop::metrics::Metrics;
using careloop::metrics::PetitionFigures;

namespace {

// Calls every method once, so every family has samples.
void Exercise(Metrics& m) {
  m.EventIn("lab-results", "lab_result");
  m.DeadLetter("unknown_unit");
  m.Duplicate("lab_result");
  m.Alert("red", "lipids");
  m.GreenChannelOpened();
  m.RecordsLost("lab-results", 3);
  m.OutputProduced("alerts");
  m.DeliveryFailed();
  m.KafkaError("transport");
  m.SetOutboxDepth(7);
  m.DeadlineMissed("health_followup", "first_contact", 1, 1500);
  m.DeadlineMet("health_followup", "first_contact");
  m.TimerFired(250);
  m.RedFirstContact("high", 1200);
  m.AlertDelivered("red", 2.5, 0.02);
  m.SetConsumerLag("lab-results", 3, 12);
  m.HttpRequest("/api/cases", 200);
  m.SetInfo("0.1.0", "r-abc");
  m.SetOpenCases({{{{"tier", "red"}, {"stage", "alerted"}}, 2}});
  m.SetOverdueCases({{{{"tier", "red"}}, 1}});
  m.SetWorkersByTier({{{{"tier", "red"}}, 2}});
  PetitionFigures f;
  f.submitted = 4;
  f.accepted = 3;
  f.accepted_within_24h = 2;
  f.responded["routine"] = 2;
  f.responded_on_time["routine"] = 1;
  f.first_response_ratio = 0.5;
  f.on_time_ratio["routine"] = 0.5;
  f.median_response_seconds = 7200;
  f.open.push_back({{{"stage", "accepted"}, {"category", "facility"}}, 1});
  f.overdue_escalations = 1;
  m.SetPetitionFigures(f);
  m.SetStoreFigures(1 << 20, 1 << 16);
  m.SetReady(true);
}

// "name{labels} value" lines of the exposition, without comments.
std::vector<std::string> Samples(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#') out.push_back(line);
  }
  return out;
}

double Value(const std::string& text, const std::string& series) {
  for (const auto& s : Samples(text)) {
    if (s.compare(0, series.size() + 1, series + " ") == 0) {
      return std::stod(s.substr(series.size() + 1));
    }
  }
  return -1;
}

}  // namespace

TEST_CASE("Metric names follow the Prometheus conventions", "[unit]") {
  Metrics m;
  Exercise(m);
  std::string text = m.Serialize();
  std::set<std::string> seen;
  for (const auto& name : m.FamilyNames()) {
    INFO(name);
    CHECK(seen.insert(name).second);
    CHECK(std::regex_match(name, std::regex("careloop_[a-z0-9_]+")));
    std::string type_line = "# TYPE " + name + " ";
    auto at = text.find(type_line);
    REQUIRE(at != std::string::npos);  // every family has samples after Exercise()
    std::string type =
        text.substr(at + type_line.size(), text.find('\n', at) - at - type_line.size());
    bool total = name.size() > 6 && name.substr(name.size() - 6) == "_total";
    if (type == "counter") CHECK(total);
    if (type != "counter") CHECK_FALSE(total);
    if (type == "histogram") CHECK(name.substr(name.size() - 8) == "_seconds");
  }
  CHECK(seen.size() >= 30);
}

TEST_CASE("Labels are only the known, non-personal ones", "[unit]") {
  Metrics m;
  Exercise(m);
  const std::set<std::string> allowed = {
      "topic",   "type",          "reason",  "tier",      "condition", "workflow",
      "stage",   "level",         "urgency", "partition", "route",     "code",
      "version", "rules_version", "weight",  "category",  "le",        "kind"};
  std::regex label(R"(([a-z_]+)=")");
  for (const auto& s : Samples(m.Serialize())) {
    auto open = s.find('{');
    if (open == std::string::npos) continue;
    std::string labels = s.substr(open, s.find('}') - open);
    for (auto it = std::sregex_iterator(labels.begin(), labels.end(), label);
         it != std::sregex_iterator(); ++it) {
      INFO(s);
      CHECK(allowed.count((*it)[1].str()) == 1);
    }
  }
}

TEST_CASE("Gauges from state replace their family; absent series drop to 0", "[unit]") {
  Metrics m;
  m.SetOpenCases({{{{"tier", "red"}, {"stage", "alerted"}}, 3},
                  {{{"tier", "yellow"}, {"stage", "alerted"}}, 5}});
  m.SetOpenCases({{{{"tier", "red"}, {"stage", "contacted"}}, 1}});
  std::string text = m.Serialize();
  CHECK(Value(text, R"(careloop_open_cases{stage="contacted",tier="red"})") == 1);
  CHECK(Value(text, R"(careloop_open_cases{stage="alerted",tier="red"})") == 0);
  CHECK(Value(text, R"(careloop_open_cases{stage="alerted",tier="yellow"})") == 0);
}

TEST_CASE("Petition counts kept in state are counters that never go down", "[unit]") {
  Metrics m;
  PetitionFigures f;
  f.submitted = 5;
  f.responded["major"] = 2;
  m.SetPetitionFigures(f);
  f.submitted = 3;  // a smaller figure (another state) does not lower the counter
  m.SetPetitionFigures(f);
  f.submitted = 8;
  m.SetPetitionFigures(f);
  std::string text = m.Serialize();
  CHECK(Value(text, "careloop_petitions_submitted_total") == 8);
  CHECK(Value(text, R"(careloop_petitions_responded_total{weight="major"})") == 2);
}

TEST_CASE("Histograms observe in seconds; sums by label still work", "[unit]") {
  Metrics m;
  m.AlertDelivered("red", 3.0, std::nullopt);
  m.AlertDelivered("red", 1.0, 0.5);
  m.RedFirstContact("critical", 600);
  m.Alert("red", "lipids");
  m.Alert("red", "liver");
  m.Alert("yellow", "liver");
  std::string text = m.Serialize();
  CHECK(Value(text, R"(careloop_alert_latency_from_event_seconds_count{tier="red"})") == 2);
  CHECK(Value(text, R"(careloop_alert_latency_from_event_seconds_sum{tier="red"})") == 4);
  CHECK(Value(text, R"(careloop_alert_latency_from_consume_seconds_count{tier="red"})") == 1);
  CHECK(Value(text, R"(careloop_red_first_contact_seconds_sum{urgency="critical"})") == 600);
  CHECK(m.AlertsTotal("red") == 2);
  CHECK(m.AlertsTotal("yellow") == 1);
}
