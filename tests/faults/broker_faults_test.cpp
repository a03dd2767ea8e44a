// Broker faults (issue 5, item 2): the processor runs against `careloop broker
// --brokers 3 --control` while brokers go down and up, requests fail and partition
// leaders move. It must keep running, report the faults (log and
// careloop_kafka_errors_total), catch up, and publish exactly what `careloop replay` of
// the same input publishes: no alert missing, no record id twice on any topic.
#include <signal.h>

#include <catch2/catch.hpp>

#include "faults/fault_support.h"

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
  auto run = Runner::Start(kConfig, broker->bootstrap(), dir.path() + "/state", log);
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

  // Phase 3: leaders move (outputs to broker 2, inputs to broker 3), then the rest.
  REQUIRE(broker->Command("leader alerts * 2").rfind("ok", 0) == 0);
  REQUIRE(broker->Command("leader alerts.red * 2").rfind("ok", 0) == 0);
  REQUIRE(broker->Command("leader lab-results * 3").rfind("ok", 0) == 0);
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
