// Indexer: builds the index from state at start, follows commits handed over by the
// pipeline's hook, counts deadlines met and red first contacts, times alert delivery.
#include "api/indexer.h"

#include "careloop/metrics/metrics.h"
#include "tests/api/events.h"

using namespace careloop;
using namespace careloop::apitest;

namespace {

double Sample(const metrics::Metrics& m, const std::string& series) {
  std::string text = m.Serialize();
  auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return 0;
  return std::stod(text.substr(at + series.size() + 2));
}

// The WriteSet a commit of the current file of `worker` would carry.
state::WriteSet CommitOf(testing::ReplayFixture& f, const std::string& worker) {
  auto bytes = f.store().GetEntity(state::EntityKind::kWorker, 0, worker);
  REQUIRE(bytes.ok());
  REQUIRE(bytes->has_value());
  state::WriteSet set;
  set.PutEntity(state::EntityKind::kWorker, 0, worker, **bytes);
  return set;
}

}  // namespace

TEST_CASE("The index is built from state at start, then follows commits", "[integration][api]") {
  testing::ReplayFixture f;
  f.Feed(Lab("e1", "W1", kT0, "TG", 6.1, "mmol/L") + Lab("e2", "W2", kT0, "TG", 3.0, "mmol/L"));
  metrics::Metrics m;
  api::Indexer indexer(f.store(), Workflows(), &m, "alerts");
  CHECK_FALSE(indexer.ready());
  indexer.Start();
  REQUIRE(indexer.WaitIdle(std::chrono::seconds(30)));
  CHECK(indexer.ready());
  api::CaseQuery red;
  red.tiers = {Tier::kRed};
  auto page = indexer.index().Cases(red, kT0);
  REQUIRE(page.total == 1);
  CHECK(page.cases[0].stage == "alerted");

  // The pipeline applies a contact; its hook hands the new file over.
  f.Feed(Contact("c1", "W1", kT0 + 15 * kMinute, "reached"));
  indexer.OnCommit(CommitOf(f, "W1"), std::chrono::steady_clock::now());
  REQUIRE(indexer.WaitIdle(std::chrono::seconds(30)));
  page = indexer.index().Cases(red, kT0);
  REQUIRE(page.total == 1);
  CHECK(page.cases[0].stage == "contacted");
  CHECK(Sample(m, R"(careloop_red_first_contact_seconds_count{urgency="high"})") == 1);
  CHECK(Sample(m, R"(careloop_red_first_contact_seconds_sum{urgency="high"})") == 900);
  // Deadlines met are the engine's to count (transitions_test.cpp), not the index's.
  CHECK(
      Sample(m,
             R"(careloop_deadlines_met_total{stage="first_contact",workflow="health_followup"})") ==
      0);

  // Gauges from state on refresh.
  indexer.Refresh(true);
  CHECK(Sample(m, R"(careloop_open_cases{stage="contacted",tier="red"})") == 1);
  CHECK(Sample(m, R"(careloop_workers{tier="yellow"})") == 1);
  CHECK(Sample(m, "careloop_ready") == 1);
  indexer.Stop();
}

TEST_CASE("Files already in state at start are not counted again", "[integration][api]") {
  testing::ReplayFixture f;
  f.Feed(Lab("e1", "W1", kT0, "TG", 6.1, "mmol/L") +
         Contact("c1", "W1", kT0 + 15 * kMinute, "reached"));
  metrics::Metrics m;
  api::Indexer indexer(f.store(), Workflows(), &m, "alerts");
  indexer.Start();
  REQUIRE(indexer.WaitIdle(std::chrono::seconds(30)));
  // A restart hands over the same file again (e.g. a later unrelated commit).
  indexer.OnCommit(CommitOf(f, "W1"), std::chrono::steady_clock::now());
  REQUIRE(indexer.WaitIdle(std::chrono::seconds(30)));
  CHECK(Sample(m, R"(careloop_red_first_contact_seconds_count{urgency="high"})") == 0);
}

TEST_CASE("Alert delivery is timed from the cause's occurred_at and from consumption",
          "[integration][api]") {
  testing::ReplayFixture f;
  auto out = f.Feed(Lab("e1", "W1", kT0, "TG", 6.1, "mmol/L"));
  auto alerts = testing::ReplayFixture::Of(out, "alerts");
  REQUIRE(alerts.size() == 1);
  metrics::Metrics m;
  api::Indexer indexer(f.store(), Workflows(), &m, "alerts");
  indexer.Start();
  REQUIRE(indexer.WaitIdle(std::chrono::seconds(30)));

  state::OutboxEntry entry{17, "alerts", "W1", alerts[0].raw, alerts[0].Str("id")};
  state::WriteSet set;
  set.AddOutbox(entry);
  indexer.OnCommit(set, std::chrono::steady_clock::now());
  indexer.OnDelivered(entry);
  state::OutboxEntry red_copy = entry;
  red_copy.topic = "alerts.red";
  indexer.OnDelivered(red_copy);  // the same alert on the red feed is not counted twice
  entry.seq = 18;                 // an alert resent after a restart: not consumed by this run
  indexer.OnDelivered(entry);
  REQUIRE(indexer.WaitIdle(std::chrono::seconds(30)));
  CHECK(Sample(m, R"(careloop_alert_latency_from_event_seconds_count{tier="red"})") == 2);
  CHECK(Sample(m, R"(careloop_alert_latency_from_consume_seconds_count{tier="red"})") == 1);
  // occurred_at is in 2026-04: the event latency is at least the time since then.
  CHECK(Sample(m, R"(careloop_alert_latency_from_event_seconds_sum{tier="red"})") >=
        2.0 * static_cast<double>(WallClockNow() - kT0 - kDay) / 1000.0);
}
