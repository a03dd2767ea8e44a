// MockBroker: the embedded broker starts, names its bootstrap servers, takes faults.
#include <catch2/catch.hpp>

#include <regex>

#include "careloop/kafka/kafka.h"
#include "kafka_test_util.h"

namespace careloop::kafka {
namespace {

using testing::KeyValue;

TEST_CASE("MockBroker listens on loopback and names its bootstrap servers", "[kafka]") {
  MockBroker::Options o;
  o.brokers = 3;
  o.topics = {"a"};
  auto broker = MockBroker::Start(o);
  REQUIRE(broker.ok());
  const std::string& bootstrap = (*broker)->bootstrap_servers();
  INFO(bootstrap);
  // One host:port per broker, comma-separated, on 127.0.0.1.
  CHECK(std::regex_match(bootstrap,
                         std::regex(R"(127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+)")));
}

TEST_CASE("MockBroker rejects impossible options", "[kafka]") {
  MockBroker::Options o;
  o.brokers = 0;
  CHECK(MockBroker::Start(o).status().code() == Status::Code::kInvalidArgument);
  o.brokers = 1;
  o.partitions = 0;
  CHECK(MockBroker::Start(o).status().code() == Status::Code::kInvalidArgument);
}

TEST_CASE("MockBroker fault injection: unknown broker ids and bad counts are errors", "[kafka]") {
  auto broker = testing::StartBroker({"a"});
  CHECK_FALSE(broker->SetBrokerDown(42, true).ok());
  CHECK(broker->SetBrokerDown(1, true).ok());
  CHECK(broker->SetBrokerDown(1, false).ok());
  CHECK_FALSE(broker->PushRequestErrors(0, -1, 6).ok());
}

TEST_CASE("Produce requests failing with retriable errors still deliver each record once",
          "[kafka]") {
  auto broker = testing::StartBroker({"events"});
  constexpr int kProduceApiKey = 0;
  constexpr int kNotEnoughReplicas = 19;  // retriable
  REQUIRE(broker->PushRequestErrors(kProduceApiKey, 3, kNotEnoughReplicas).ok());
  std::vector<KeyValue> records;
  for (int i = 0; i < 300; ++i) records.push_back({"k" + std::to_string(i % 7), std::to_string(i)});
  // One request in flight per connection: the mock does not check an idempotent
  // producer's sequence numbers, so a request appended behind a failed one would make
  // librdkafka acknowledge the failed one's records unwritten (see
  // tests/faults/broker_faults_test.cpp). A Kafka broker refuses such a request.
  testing::ProduceAll(broker->bootstrap_servers(), "events", records,
                      {{"max.in.flight.requests.per.connection", "1"}});

  testing::RecordingListener listener;
  auto consumer =
      testing::MakeConsumer(broker->bootstrap_servers(), {"events"}, nullptr, &listener);
  std::vector<testing::Record> got = testing::ConsumeUntil(*consumer, records.size());
  // Nothing doubled by the retries: one more poll brings nothing new.
  testing::PollInto(*consumer, &got);
  REQUIRE(got.size() == records.size());
  std::set<std::string> payloads;
  for (const auto& r : got) payloads.insert(r.payload);
  CHECK(payloads.size() == records.size());
  consumer->Close();
}

}  // namespace
}  // namespace careloop::kafka
