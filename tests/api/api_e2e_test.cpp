// End to end: a scenario produced to the careloop broker, processed by `careloop run`,
// read back through the HTTP API and /metrics; after a restart the gauges computed from
// state are the same.
#include "tests/api/e2e_support.h"

using namespace careloop::apitest;

namespace {

std::vector<std::string> Workers(const rapidjson::Document& page) {
  std::vector<std::string> out;
  for (const auto& c : page["cases"].GetArray()) out.push_back(c["worker_id"].GetString());
  return out;
}

}  // namespace

TEST_CASE("A scenario through the broker is visible, correctly, in the API and /metrics",
          "[kafka][api][e2e]") {
  TempDir dir;
  const std::string config = FastConfig(dir);
  Broker broker;
  StartBroker(&broker, config);
  Careloop run;
  const std::string state = dir.path() + "/state";
  StartCareloop(&run, config, broker.bootstrap, state);
  Scenario s = MakeScenario();
  FeedAndWait(run, s, broker.bootstrap, dir);

  // Whom to call now: the overdue red first, then the one still due; the reached one not.
  auto red = ParseJson(HttpGet(run.http, "/api/cases?tier=red&has_due=true").body);
  CHECK(Workers(red) == std::vector<std::string>{"W-RED-LATE", "W-RED-CRIT"});
  CHECK(red["cases"][0]["overdue"].GetBool());
  CHECK(red["cases"][0]["escalated"].GetBool());
  CHECK_FALSE(red["cases"][1]["overdue"].GetBool());
  CHECK(red["cases"][1]["critical"].GetBool());
  auto contacted = ParseJson(HttpGet(run.http, "/api/cases?stage=contacted").body);
  CHECK(Workers(contacted) == std::vector<std::string>{"W-RED-OK"});
  auto yellow = ParseJson(HttpGet(run.http, "/api/cases?tier=yellow&due_within=14d").body);
  CHECK(yellow["total"].GetUint64() == 2);
  auto paged = ParseJson(HttpGet(run.http, "/api/cases?page_size=2&page=2").body);
  CHECK(paged["total"].GetUint64() == 6);
  CHECK(paged["cases"].Size() == 2);
  CHECK(HttpGet(run.http, "/api/cases?overdue=maybe").status == 400);

  // The worker file and the petition.
  auto file = HttpGet(run.http, "/api/workers/W-RED-OK");
  REQUIRE(file.status == 200);
  auto wf = ParseJson(file.body);
  CHECK(std::string(wf["conditions"][0]["cases"][0]["stage"].GetString()) == "contacted");
  CHECK(HttpGet(run.http, "/api/workers/W-NOBODY").status == 404);
  auto petition = ParseJson(HttpGet(run.http, "/api/petitions/P-1").body);
  CHECK(std::string(petition["stage"].GetString()) == "responded");

  // /metrics: counters of this run and gauges from state.
  std::string m = HttpGet(run.http, "/metrics").body;
  CHECK(MetricValue(m, R"(careloop_alerts_total{condition="lipids",tier="red"})") == 1);
  CHECK(MetricValue(m, R"(careloop_alerts_total{condition="blood_pressure",tier="red"})") == 2);
  CHECK(MetricValue(m, R"(careloop_alerts_total{condition="lipids",tier="yellow"})") == 1);
  CHECK(MetricValue(m, R"(careloop_alerts_total{condition="liver",tier="yellow"})") == 1);
  CHECK(MetricValue(m, R"(careloop_alerts_total{condition="lipids",tier="green"})") == 1);
  CHECK(MetricValue(m, R"(careloop_dead_letter_total{reason="not_json"})") == 1);
  CHECK(MetricValue(m, R"(careloop_events_total{topic="lab-results",type="lab_result"})") == 7);
  CHECK(MetricValue(m, R"(careloop_events_total{topic="lab-results",type="unknown"})") == 1);
  CHECK(MetricValue(m, R"(careloop_events_total{topic="checkins",type="checkin"})") == 1);
  CHECK(MetricValue(m, R"(careloop_events_total{topic="petitions",type="petition"})") == 4);
  CHECK(MetricValue(m, R"(careloop_workers{tier="red"})") == 3);
  CHECK(MetricValue(m, R"(careloop_workers{tier="yellow"})") == 2);
  CHECK(MetricValue(m, R"(careloop_open_cases{stage="alerted",tier="red"})") == 2);
  CHECK(MetricValue(m, R"(careloop_open_cases{stage="contacted",tier="red"})") == 1);
  CHECK(MetricValue(m, R"(careloop_overdue_cases{tier="red"})") == 1);
  CHECK(
      MetricValue(
          m,
          R"(careloop_deadlines_missed_total{level="1",stage="first_contact",workflow="health_followup"})") ==
      1);
  CHECK(
      MetricValue(
          m, R"(careloop_deadlines_met_total{stage="first_contact",workflow="health_followup"})") ==
      1);
  // P-1's submission and acceptance usually land in one commit: the engine counts the
  // deadline met as it is cancelled, so it does not matter.
  CHECK(MetricValue(m, R"(careloop_deadlines_met_total{stage="acceptance",workflow="petition"})") ==
        1);
  CHECK(MetricValue(m, R"(careloop_red_first_contact_seconds_count{urgency="critical"})") == 1);
  CHECK(MetricValue(m, "careloop_petitions_submitted_total") == 2);
  CHECK(MetricValue(m, "careloop_petition_first_response_ratio") == 0.5);
  CHECK(MetricValue(m, "careloop_ready") == 1);
  CHECK(MetricValue(m, R"(careloop_alert_latency_from_consume_seconds_count{tier="red"})") >= 1);
  CHECK(m.find("careloop_consumer_lag_records{") != std::string::npos);
  CHECK(m.find("careloop_state_size_bytes ") != std::string::npos);
  CHECK(m.find("W-RED") == std::string::npos);  // no worker id in any label
  CHECK(MetricValue(m, R"(careloop_petition_on_time_response_ratio{weight="routine"})") == 1);

  // Every metric issue 6 asks for is exported (a family shows once it has a series).
  for (const char* family : {
           "careloop_events_total counter",                          // by topic and type
           "careloop_dead_letter_total counter",                     // by reason
           "careloop_alerts_total counter",                          // by tier and condition
           "careloop_green_channel_openings_total counter",          //
           "careloop_open_cases gauge",                              // by tier and stage
           "careloop_deadlines_met_total counter",                   // by workflow and stage
           "careloop_deadlines_missed_total counter",                // ... and level
           "careloop_red_first_contact_seconds histogram",           // by urgency
           "careloop_petition_first_response_ratio gauge",           //
           "careloop_petition_on_time_response_ratio gauge",         // by weight
           "careloop_alert_latency_from_event_seconds histogram",    // from occurred_at
           "careloop_alert_latency_from_consume_seconds histogram",  // consume -> alert
           "careloop_consumer_lag_records gauge",                    // by topic, partition
           "careloop_outbox_depth gauge",                            //
           "careloop_timer_lateness_seconds histogram",              //
           "careloop_state_size_bytes gauge",                        // RocksDB
           "careloop_state_block_cache_usage_bytes gauge",           // RocksDB
           "careloop_build_info gauge",                              // version, rules version
           "careloop_rules_info gauge",                              // rules version
       }) {
    INFO(family);
    CHECK(m.find(std::string("\n# TYPE ") + family + "\n") != std::string::npos);
  }
  CHECK(MetricValue(m, R"(careloop_alert_latency_from_event_seconds_count{tier="red"})") >= 1);
  CHECK(MetricValue(m, "careloop_timer_lateness_seconds_count") >= 1);
  CHECK(m.find(R"(careloop_consumer_lag_records{partition="0",topic="lab-results"})") !=
        std::string::npos);
  CHECK(MetricValue(m, "careloop_outbox_depth").has_value());
  CHECK(MetricValue(m, "careloop_state_block_cache_usage_bytes").has_value());
  CHECK(m.find("careloop_build_info{rules_version=\"r-") != std::string::npos);

  // Restart on the same state: the gauges from state come back the same.
  StopCareloop(&run);
  Careloop again;
  StartCareloop(&again, config, broker.bootstrap, state);
  std::string m2;
  REQUIRE(WaitUntil([&] {
    m2 = HttpGet(again.http, "/metrics").body;
    return MetricValue(m2, "careloop_ready") == 1.0;
  }));
  for (const char* series :
       {R"(careloop_workers{tier="red"})", R"(careloop_workers{tier="yellow"})",
        R"(careloop_workers{tier="green"})", R"(careloop_workers{tier="none"})",
        R"(careloop_open_cases{stage="alerted",tier="red"})",
        R"(careloop_open_cases{stage="contacted",tier="red"})",
        R"(careloop_overdue_cases{tier="red"})", "careloop_petitions_submitted_total",
        "careloop_petition_first_response_ratio"}) {
    INFO(series);
    CHECK(MetricValue(m2, series) == MetricValue(m, series));
  }
  // Counters of events start again with the new process (Prometheus handles the reset).
  CHECK_FALSE(MetricValue(m2, R"(careloop_alerts_total{condition="lipids",tier="red"})"));
  StopCareloop(&again);
}
