// Helpers for the [kafka] tests: an embedded broker per test, a producer that waits for
// every delivery report, a consumer loop with a deadline, and a listener that records
// what it was told. Waits are bounded by deadlines, never asserted on.
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "careloop/kafka/kafka.h"

namespace careloop::kafka::testing {

constexpr auto kDeadline = std::chrono::seconds(30);

// A consumed record, copied out of the Poll() batch.
struct Record {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string key;
  std::string payload;
};

struct KeyValue {
  std::string key;
  std::string value;
};

class RecordingListener : public ConsumerListener {
 public:
  void OnAssigned(std::string_view topic, std::int32_t partition) override {
    assigned.emplace(std::string(topic), partition);
    ++assign_calls;
  }
  void OnRevoked(std::string_view topic, std::int32_t partition) override {
    assigned.erase({std::string(topic), partition});
  }
  void OnRecordsLost(std::string_view topic, std::int32_t partition, std::int64_t from,
                     std::int64_t to) override {
    lost.push_back({std::string(topic), partition, from, to});
  }

  struct Lost {
    std::string topic;
    std::int32_t partition;
    std::int64_t from;
    std::int64_t to;
  };
  std::set<std::pair<std::string, std::int32_t>> assigned;  // current assignment
  int assign_calls = 0;
  std::vector<Lost> lost;
};

inline std::unique_ptr<MockBroker> StartBroker(std::vector<std::string> topics,
                                               int partitions = 6) {
  MockBroker::Options o;
  o.partitions = partitions;
  o.topics = std::move(topics);
  auto broker = MockBroker::Start(o);
  REQUIRE(broker.ok());
  return std::move(broker).value();
}

// Produces every record (token = index) and waits until each is confirmed.
inline void ProduceAll(const std::string& bootstrap, const std::string& topic,
                       const std::vector<KeyValue>& records, Properties properties = {}) {
  std::map<std::uint64_t, int> reports;
  int failures = 0;
  Producer::Options o;
  o.bootstrap_servers = bootstrap;
  o.properties = std::move(properties);
  auto producer = Producer::Create(o, [&](std::uint64_t token, const Status& s) {
    ++reports[token];
    if (!s.ok()) ++failures;
  });
  REQUIRE(producer.ok());
  for (std::size_t i = 0; i < records.size(); ++i) {
    Status st = (*producer)->Produce(topic, records[i].key, records[i].value, i);
    while (st.code() == Status::Code::kUnavailable) {  // queue full: serve reports, retry
      (*producer)->Poll(10);
      st = (*producer)->Produce(topic, records[i].key, records[i].value, i);
    }
    REQUIRE(st.ok());
  }
  REQUIRE((*producer)->Flush(30000).ok());
  CHECK(reports.size() == records.size());
  CHECK(failures == 0);
}

inline std::unique_ptr<Consumer> MakeConsumer(const std::string& bootstrap,
                                              std::vector<std::string> topics,
                                              Consumer::OffsetLookup lookup,
                                              ConsumerListener* listener,
                                              Properties properties = {}) {
  Consumer::Options o;
  o.bootstrap_servers = bootstrap;
  o.topics = std::move(topics);
  o.properties = std::move(properties);
  auto consumer = Consumer::Create(o, std::move(lookup), listener);
  REQUIRE(consumer.ok());
  return std::move(consumer).value();
}

// Polls once (batch of up to 1000, 100 ms) and appends copies of the records to `out`.
inline void PollInto(Consumer& consumer, std::vector<Record>* out) {
  std::vector<Message> batch;
  Status st = consumer.Poll(1000, 100, &batch);
  REQUIRE(st.ok());
  for (const Message& m : batch) {
    out->push_back(
        {std::string(m.topic), m.partition, m.offset, std::string(m.key), std::string(m.payload)});
  }
}

// Polls until `count` records arrived or the deadline passed.
inline std::vector<Record> ConsumeUntil(Consumer& consumer, std::size_t count) {
  std::vector<Record> got;
  const auto deadline = std::chrono::steady_clock::now() + kDeadline;
  while (got.size() < count && std::chrono::steady_clock::now() < deadline) {
    PollInto(consumer, &got);
  }
  return got;
}

}  // namespace careloop::kafka::testing
