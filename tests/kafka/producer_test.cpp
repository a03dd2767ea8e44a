// Producer: one delivery report per token, backpressure, configuration errors.
#include <catch2/catch.hpp>

#include <map>

#include "careloop/kafka/kafka.h"
#include "kafka_test_util.h"

namespace careloop::kafka {
namespace {

TEST_CASE("Producer reports each token's delivery exactly once", "[kafka]") {
  auto broker = testing::StartBroker({"out"});
  std::map<std::uint64_t, int> reports;
  std::map<std::uint64_t, Status> last;
  Producer::Options o;
  o.bootstrap_servers = broker->bootstrap_servers();
  auto producer = Producer::Create(o, [&](std::uint64_t token, const Status& s) {
    ++reports[token];
    last[token] = s;
  });
  REQUIRE(producer.ok());
  constexpr std::uint64_t kCount = 5000;
  constexpr std::uint64_t kBase = 1ULL << 40;  // tokens are 64-bit
  for (std::uint64_t i = 0; i < kCount; ++i) {
    REQUIRE((*producer)->Produce("out", "w" + std::to_string(i % 100), "v", kBase + i).ok());
    if (i % 1000 == 0) (*producer)->Poll(0);
  }
  REQUIRE((*producer)->Flush(30000).ok());
  CHECK((*producer)->in_flight() == 0);
  CHECK((*producer)->fatal_error().ok());
  REQUIRE(reports.size() == kCount);
  for (const auto& [token, n] : reports) {
    INFO(token);
    CHECK(token >= kBase);
    CHECK(n == 1);
    CHECK(last[token].ok());
  }
}

TEST_CASE("Producer says Unavailable when its queue is full, and recovers", "[kafka]") {
  auto broker = testing::StartBroker({"out"});
  int delivered = 0;
  Producer::Options o;
  o.bootstrap_servers = broker->bootstrap_servers();
  o.properties = {{"queue.buffering.max.messages", "10"}, {"linger.ms", "1000"}};
  auto producer = Producer::Create(o, [&](std::uint64_t, const Status& s) { delivered += s.ok(); });
  REQUIRE(producer.ok());
  int accepted = 0;
  Status st;
  while ((st = (*producer)->Produce("out", "k", "v", accepted)).ok()) ++accepted;
  CHECK(st.code() == Status::Code::kUnavailable);
  CHECK(accepted == 10);
  CHECK((*producer)->in_flight() == 10);
  REQUIRE((*producer)->Flush(30000).ok());
  CHECK(delivered == 10);
  CHECK((*producer)->Produce("out", "k", "v", 99).ok());
  REQUIRE((*producer)->Flush(30000).ok());
  CHECK(delivered == 11);
}

TEST_CASE("Producer rejects an unknown librdkafka property with its name", "[kafka]") {
  Producer::Options o;
  o.bootstrap_servers = "127.0.0.1:1";
  o.properties = {{"no.such.property", "1"}};
  auto producer = Producer::Create(o, nullptr);
  REQUIRE_FALSE(producer.ok());
  CHECK(producer.status().code() == Status::Code::kInvalidArgument);
  CHECK(producer.status().message().find("no.such.property") != std::string::npos);
}

TEST_CASE("Producer properties override careloop's defaults", "[kafka]") {
  auto broker = testing::StartBroker({"out"});
  Producer::Options o;
  o.bootstrap_servers = broker->bootstrap_servers();
  // Idempotence needs acks=all: overriding one without the other is refused, proving
  // the override reached librdkafka.
  o.properties = {{"acks", "1"}};
  CHECK_FALSE(Producer::Create(o, nullptr).ok());
  o.properties = {{"acks", "1"}, {"enable.idempotence", "false"}};
  CHECK(Producer::Create(o, nullptr).ok());
}

}  // namespace
}  // namespace careloop::kafka
