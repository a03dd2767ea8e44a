// Broker faults (issue 5, item 2): the processor runs against `careloop broker
// --brokers 3 --control` while brokers go down and up, requests fail and partition
// leaders move. It must keep running, report the faults (log and
// careloop_kafka_errors_total), catch up, and publish exactly what `careloop replay` of
// the same input publishes: no alert missing, no record id twice on any topic.
//
// The embedded broker is librdkafka 2.0.2's mock cluster, which appends every batch of
// an idempotent (non-transactional) producer without checking its sequence number
// (rdkafka_mock.c validates sequences for transactional producers only). librdkafka
// relies on that check: when a batch succeeds while an earlier one of the same
// partition is waiting to be retried, it acknowledges the earlier one's records as
// written ("implicit ack"), which against Kafka is true (Kafka refuses a batch out of
// sequence) and against the mock is not. Two fault shapes let that happen here; both
// lost alerts that careloop had sent and librdkafka had acknowledged, with the topic's
// offsets contiguous and careloop's outbox empty (2 red alerts of the first part after
// the injected produce errors, 145 alerts of the last part after output leaders moved;
// 2 of 56 runs here under ASan; a failed CI run showed the same signature):
//   - a retriable produce error with more than one request in flight on the
//     connection: the request behind the failed one is appended. This test runs the
//     producer with max.in.flight.requests.per.connection 1;
//   - a leader move of an output partition (all 145 lost records were of one
//     partition). The likely path, from librdkafka's source: the failed request to the
//     old leader stops counting as in flight before its records are back in the queue,
//     and in between the new leader's thread sends later records. Only input leaders
//     move here; output partitions meet a broker going down instead (their leader
//     stays, so their requests are retried in order).
// Against a Kafka broker both are handled by librdkafka as designed; they are test
// conditions the embedded broker cannot reproduce faithfully.
#include <signal.h>

#include <catch2/catch.hpp>

#include "faults/fault_support.h"
#include "support/config_copy.h"

using namespace careloop::faults;

namespace {

// Waits until every alert replay expects is on the alerts topic (or the bound passes).
bool AlertsArrived(Broker& broker, const Input& input, std::chrono::seconds bound) {
  return WaitFor(bound,
                 [&] { return Total(broker.ReadIds("alerts")) >= Total(input.want.at("alerts")); });
}

}  // namespace

TEST_CASE("broker down/up, request errors and leader moves lose and double nothing",
          "[kafka][faults]") {
  careloop::testing::TempDir dir;
  Input input = MakeInput(dir.path(), 1500, 21, 3);
  REQUIRE(Total(input.want.at("alerts")) > 100);

  auto broker = Broker::Start(dir.path(), 3);
  REQUIRE(broker);
  const std::string log = dir.path() + "/run.log";

  // Phase 1: the first produce and fetch requests fail with retriable errors.
  REQUIRE(broker->Produce("lab-results", input.parts[0]));
  REQUIRE(broker->Command("errors Produce 8 NOT_ENOUGH_REPLICAS").rfind("ok", 0) == 0);
  REQUIRE(broker->Command("errors Fetch 5 NOT_LEADER_OR_FOLLOWER").rfind("ok", 0) == 0);
  // One produce request in flight per connection: see the top of this file.
  const std::string config = careloop::testing::CopyConfig(
      dir.path(), {{"  producer: {}", "  producer: {max.in.flight.requests.per.connection: 1}"}});
  auto run = Runner::Start(config, broker->bootstrap(), dir.path() + "/state", log);
  REQUIRE(run);
  REQUIRE(WaitFor(std::chrono::seconds(60), [&] { return Total(broker->ReadIds("alerts")) > 0; }));

  // Phase 2: broker 1 (a leader of input and output partitions) goes down while more
  // input waits on the others; kcat's own retries deliver its share once it is back.
  REQUIRE(broker->Command("down 1").rfind("ok", 0) == 0);
  auto producing =
      careloop::testing::Process::Start({"/usr/bin/kcat", "-b", broker->bootstrap(), "-P", "-t",
                                         "lab-results", "-K", "\t", "-l", input.parts[1]},
                                        true);
  REQUIRE(producing);
  CHECK(WaitFor(std::chrono::seconds(30),
                [&] { return run->Metric("careloop_kafka_errors_total").value_or(0) > 0; }));
  std::this_thread::sleep_for(std::chrono::seconds(3));
  CHECK_FALSE(run->Wait(std::chrono::milliseconds(0)).has_value());  // still running
  REQUIRE(broker->Command("up 1").rfind("ok", 0) == 0);
  auto produced = producing->Wait(std::chrono::seconds(90));
  REQUIRE(produced);
  REQUIRE(*produced == 0);

  // Phase 3: the input leaders move (lab-results to broker 3, check-ins to broker 2),
  // then the rest. Output leaders stay: see the top of this file.
  REQUIRE(broker->Command("leader lab-results * 3").rfind("ok", 0) == 0);
  REQUIRE(broker->Command("leader checkins * 2").rfind("ok", 0) == 0);
  REQUIRE(broker->Produce("lab-results", input.parts[2]));

  const bool arrived = AlertsArrived(*broker, input, kCatchUpBound);
  INFO(run->Diagnosis(log));
  CHECK(arrived);
  const double errors = run->Metric("careloop_kafka_errors_total").value_or(0);
  CHECK(run->Stop() == 0);

  CheckOutputsOnce(*broker, input);
  CHECK(errors > 0);
  const std::string text = Slurp(log);
  // librdkafka's connection errors reach the log as warnings from the kafka logger.
  CHECK(text.find("Connection refused") != std::string::npos);
  CHECK(broker->Stop() == 0);
}
