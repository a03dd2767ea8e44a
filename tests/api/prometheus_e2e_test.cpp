// End to end with a real Prometheus: the scenario through the broker and `careloop run`,
// then a Prometheus server started on a free loopback port scrapes the processor's
// /metrics every second; its HTTP API must give the counters the scenario implies.
#include "tests/api/prometheus_server.h"

using namespace careloop::apitest;

TEST_CASE("A real Prometheus scrapes the processor and its API gives the scenario's counters",
          "[kafka][api][e2e][prometheus]") {
  TempDir dir;
  const std::string config = FastConfig(dir);
  Broker broker;
  StartBroker(&broker, config);
  Careloop run;
  StartCareloop(&run, config, broker.bootstrap, dir.path() + "/state");
  Scenario s = MakeScenario();
  FeedAndWait(run, s, broker.bootstrap, dir);

  PrometheusServer prometheus;
  prometheus.Start(run.http, dir);
  // Scraped once the target is up and the last counter of the scenario is in its TSDB.
  REQUIRE(WaitUntil([&] {
    return prometheus.Query(R"(up{job="careloop"})") == 1.0 &&
           prometheus
               .Query(
                   R"(careloop_deadlines_missed_total{workflow="health_followup",stage="first_contact",level="1"})")
               .has_value();
  }));

  // Input events by topic: 8 lines of lab results (one not JSON), 1 check-in, 4 petition
  // events.
  CHECK(prometheus.Query(R"(sum(careloop_events_total{job="careloop"}))") ==
        static_cast<double>(s.events()));
  CHECK(prometheus.Query(R"(sum by (topic) (careloop_events_total{topic="lab-results"}))") == 8);
  CHECK(prometheus.Query(R"(careloop_events_total{topic="lab-results",type="lab_result"})") == 7);
  CHECK(prometheus.Query(R"(careloop_events_total{topic="checkins",type="checkin"})") == 1);
  CHECK(prometheus.Query(R"(careloop_events_total{topic="petitions",type="petition"})") == 4);
  // Dead-letter: the one line that is not JSON.
  CHECK(prometheus.Query(R"(sum(careloop_dead_letter_total))") == 1);
  CHECK(prometheus.Query(R"(careloop_dead_letter_total{reason="not_json"})") == 1);
  // Alerts by tier: red W-RED-LATE (lipids), W-RED-CRIT and W-RED-OK (blood pressure);
  // yellow W-YEL-1 (lipids) and W-YEL-2 (liver); green W-GREEN; W-NONE none.
  CHECK(prometheus.Query(R"(sum by (tier) (careloop_alerts_total{tier="red"}))") == 3);
  CHECK(prometheus.Query(R"(sum by (tier) (careloop_alerts_total{tier="yellow"}))") == 2);
  CHECK(prometheus.Query(R"(sum by (tier) (careloop_alerts_total{tier="green"}))") == 1);
  CHECK(prometheus.Query(R"(careloop_alerts_total{tier="red",condition="blood_pressure"})") == 2);
  CHECK(prometheus.Query(R"(careloop_alerts_total{tier="red",condition="lipids"})") == 1);
  CHECK(prometheus.Query(R"(careloop_green_channel_openings_total)") == 0);
  // Deadlines: W-RED-LATE's first contact missed, W-RED-OK's met (reached in time).
  CHECK(
      prometheus.Query(
          R"(careloop_deadlines_missed_total{workflow="health_followup",stage="first_contact",level="1"})") ==
      1);
  CHECK(prometheus.Query(
            R"(careloop_deadlines_met_total{workflow="health_followup",stage="first_contact"})") ==
        1);
  CHECK(prometheus.Query(R"(careloop_red_first_contact_seconds_count{urgency="critical"})") == 1);
  // Gauges from state: workers by tier and open cases by tier and stage.
  CHECK(prometheus.Query(R"(careloop_workers{tier="red"})") == 3);
  CHECK(prometheus.Query(R"(careloop_workers{tier="yellow"})") == 2);
  CHECK(prometheus.Query(R"(careloop_workers{tier="green"})") == 1);
  CHECK(prometheus.Query(R"(careloop_open_cases{tier="red",stage="alerted"})") == 2);
  CHECK(prometheus.Query(R"(careloop_open_cases{tier="red",stage="contacted"})") == 1);
  CHECK(prometheus.Query(R"(careloop_overdue_cases{tier="red"})") == 1);
  // Petitions: two submitted, one accepted within 24 h.
  CHECK(prometheus.Query(R"(careloop_petitions_submitted_total)") == 2);
  CHECK(prometheus.Query(R"(careloop_petition_first_response_ratio)") == 0.5);
  CHECK(prometheus.Query(R"(careloop_petition_on_time_response_ratio{weight="routine"})") == 1);
  CHECK(prometheus.Query(R"(careloop_ready)") == 1);
  // Info metrics carry the versions as labels (value 1).
  CHECK(prometheus.Query(R"(count(careloop_build_info))") == 1);
  CHECK(prometheus.Query(R"(count(careloop_rules_info))") == 1);

  prometheus.Stop();
  StopCareloop(&run);
}
