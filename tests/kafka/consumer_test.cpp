// Consumer: a group member reading keyed records in order with the batch Poll, pausing,
// riding out a broker outage, sharing co-partitioned topics with another member.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "careloop/kafka/kafka.h"
#include "kafka_test_util.h"

namespace careloop::kafka {
namespace {

using testing::KeyValue;
using testing::Record;

// `count` records over `keys` keys; the value is "key/sequence-within-key".
std::vector<KeyValue> KeyedRecords(int count, int keys, int first = 0) {
  std::vector<KeyValue> out;
  for (int i = first; i < first + count; ++i) {
    std::string key = "worker-" + std::to_string(i % keys);
    out.push_back({key, key + "/" + std::to_string(i / keys)});
  }
  return out;
}

// Every record exactly once; per key in production order and in one partition.
void CheckAllInOrder(const std::vector<KeyValue>& sent, const std::vector<Record>& got) {
  REQUIRE(got.size() == sent.size());
  std::multiset<std::string> want;
  for (const auto& kv : sent) want.insert(kv.value);
  std::multiset<std::string> have;
  for (const auto& r : got) have.insert(r.payload);
  CHECK(have == want);
  std::map<std::string, int> next_seq;
  std::map<std::string, std::int32_t> partition_of;
  for (const Record& r : got) {
    INFO(r.key << " " << r.payload);
    REQUIRE(r.payload.rfind(r.key + "/", 0) == 0);
    const int seq = std::stoi(r.payload.substr(r.key.size() + 1));
    CHECK(seq == next_seq[r.key]);
    next_seq[r.key] = seq + 1;
    auto [it, fresh] = partition_of.emplace(r.key, r.partition);
    CHECK(it->second == r.partition);
  }
}

// Offsets of each partition, sorted; checks they have no gaps and no repeats.
void CheckContiguous(const std::vector<Record>& got) {
  std::map<std::int32_t, std::vector<std::int64_t>> offsets;
  for (const Record& r : got) offsets[r.partition].push_back(r.offset);
  for (auto& [p, o] : offsets) {
    INFO("partition " << p);
    std::sort(o.begin(), o.end());
    for (std::size_t i = 0; i < o.size(); ++i) CHECK(o[i] == static_cast<std::int64_t>(i));
  }
}

TEST_CASE("Consumer reads every keyed record once, in order per key", "[kafka]") {
  auto broker = testing::StartBroker({"lab-results"});
  const auto sent = KeyedRecords(3000, 97);
  testing::ProduceAll(broker->bootstrap_servers(), "lab-results", sent);

  testing::RecordingListener listener;
  auto consumer =
      testing::MakeConsumer(broker->bootstrap_servers(), {"lab-results"}, nullptr, &listener);
  const auto got = testing::ConsumeUntil(*consumer, sent.size());
  CheckAllInOrder(sent, got);
  CheckContiguous(got);
  CHECK(listener.assigned.size() == 6);
  CHECK(consumer->records_lost() == 0);

  // Caught up: the cached watermarks give zero lag on every partition.
  const auto lag = consumer->Lag();
  CHECK(lag.size() == 6);
  for (const auto& [name, n] : lag) {
    INFO(name);
    CHECK(name.rfind("lab-results[", 0) == 0);
    CHECK(n == 0);
  }
  consumer->Close();
  CHECK(listener.assigned.empty());  // Close() revokes through the listener
  std::vector<Message> batch;
  CHECK_FALSE(consumer->Poll(10, 0, &batch).ok());
}

TEST_CASE("Consumer returns what is there without waiting for a full batch", "[kafka]") {
  auto broker = testing::StartBroker({"t"});
  testing::ProduceAll(broker->bootstrap_servers(), "t", KeyedRecords(5, 5));
  auto consumer = testing::MakeConsumer(broker->bootstrap_servers(), {"t"}, nullptr, nullptr);
  std::vector<Message> batch;
  const auto deadline = std::chrono::steady_clock::now() + testing::kDeadline;
  std::size_t total = 0;
  while (total < 5 && std::chrono::steady_clock::now() < deadline) {
    // A long timeout and a large batch: returns as soon as records are there.
    REQUIRE(consumer->Poll(100000, 60000, &batch).ok());
    total += batch.size();
  }
  CHECK(total == 5);
}

TEST_CASE("Consumer pause holds records back and resume delivers them, none lost or doubled",
          "[kafka]") {
  auto broker = testing::StartBroker({"t"});
  const auto first = KeyedRecords(600, 31);
  testing::ProduceAll(broker->bootstrap_servers(), "t", first);
  auto consumer = testing::MakeConsumer(broker->bootstrap_servers(), {"t"}, nullptr, nullptr);
  std::vector<Record> got = testing::ConsumeUntil(*consumer, first.size());
  REQUIRE(got.size() == first.size());

  REQUIRE(consumer->Pause().ok());
  const auto second = KeyedRecords(600, 31, 600);
  testing::ProduceAll(broker->bootstrap_servers(), "t", second);
  std::vector<Record> while_paused;
  for (int i = 0; i < 10; ++i) testing::PollInto(*consumer, &while_paused);
  CHECK(while_paused.empty());

  REQUIRE(consumer->Resume().ok());
  std::vector<Record> rest = testing::ConsumeUntil(*consumer, second.size());
  got.insert(got.end(), rest.begin(), rest.end());
  auto all = first;
  all.insert(all.end(), second.begin(), second.end());
  CheckAllInOrder(all, got);
  CheckContiguous(got);
}

TEST_CASE("Consumer resumes after the broker goes down and comes back, losing nothing", "[kafka]") {
  auto broker = testing::StartBroker({"t"});
  const auto sent = KeyedRecords(2000, 53);
  const std::vector<KeyValue> before(sent.begin(), sent.begin() + 1000);
  const std::vector<KeyValue> after(sent.begin() + 1000, sent.end());
  testing::ProduceAll(broker->bootstrap_servers(), "t", before);

  testing::RecordingListener listener;
  auto consumer = testing::MakeConsumer(broker->bootstrap_servers(), {"t"}, nullptr, &listener);
  std::vector<Record> got = testing::ConsumeUntil(*consumer, 1);
  REQUIRE_FALSE(got.empty());

  REQUIRE(broker->SetBrokerDown(1, true).ok());
  for (int i = 0; i < 20; ++i) testing::PollInto(*consumer, &got);  // ~2 s with no broker
  REQUIRE(broker->SetBrokerDown(1, false).ok());
  testing::ProduceAll(broker->bootstrap_servers(), "t", after);

  std::vector<Record> rest = testing::ConsumeUntil(*consumer, sent.size() - got.size());
  got.insert(got.end(), rest.begin(), rest.end());
  CheckAllInOrder(sent, got);
  CheckContiguous(got);
  CHECK(consumer->records_lost() == 0);
  CHECK(listener.lost.empty());
}

TEST_CASE("Two members share co-partitioned topics by partition number (range)", "[kafka]") {
  auto broker = testing::StartBroker({"lab-results", "checkins"});
  testing::RecordingListener a_listener;
  testing::RecordingListener b_listener;
  auto a = testing::MakeConsumer(broker->bootstrap_servers(), {"lab-results", "checkins"}, nullptr,
                                 &a_listener);
  auto b = testing::MakeConsumer(broker->bootstrap_servers(), {"lab-results", "checkins"}, nullptr,
                                 &b_listener);
  std::vector<Record> ignored;
  const auto deadline = std::chrono::steady_clock::now() + testing::kDeadline;
  while (!(a_listener.assigned.size() == 6 && b_listener.assigned.size() == 6) &&
         std::chrono::steady_clock::now() < deadline) {
    testing::PollInto(*a, &ignored);
    testing::PollInto(*b, &ignored);
  }
  REQUIRE(a_listener.assigned.size() == 6);
  REQUIRE(b_listener.assigned.size() == 6);
  for (const auto* l : {&a_listener, &b_listener}) {
    std::set<std::int32_t> lab;
    std::set<std::int32_t> checkins;
    for (const auto& [topic, p] : l->assigned) (topic == "lab-results" ? lab : checkins).insert(p);
    CHECK(lab == checkins);  // one worker's events of every input land in one member
    CHECK(lab.size() == 3);
  }
  a->Close();
  b->Close();
}

TEST_CASE("Consumer works with the cooperative-sticky assignor", "[kafka]") {
  auto broker = testing::StartBroker({"t"});
  const auto sent = KeyedRecords(500, 17);
  testing::ProduceAll(broker->bootstrap_servers(), "t", sent);
  testing::RecordingListener listener;
  auto consumer = testing::MakeConsumer(broker->bootstrap_servers(), {"t"}, nullptr, &listener,
                                        {{"partition.assignment.strategy", "cooperative-sticky"}});
  const auto got = testing::ConsumeUntil(*consumer, sent.size());
  CheckAllInOrder(sent, got);
  CHECK(listener.assigned.size() == 6);
  consumer->Close();
  CHECK(listener.assigned.empty());
}

std::unique_ptr<Consumer> MakeGrouplessConsumer(const std::string& bootstrap,
                                                std::vector<std::string> topics,
                                                Consumer::OffsetLookup lookup,
                                                ConsumerListener* listener) {
  Consumer::Options o;
  o.bootstrap_servers = bootstrap;
  o.topics = std::move(topics);
  o.join_group = false;
  auto consumer = Consumer::Create(o, std::move(lookup), listener);
  REQUIRE(consumer.ok());
  return std::move(consumer).value();
}

TEST_CASE("Consumer without a group reads every partition from the stored offsets", "[kafka]") {
  auto broker = testing::StartBroker({"a", "b"});
  const auto sent = KeyedRecords(600, 60);
  testing::ProduceAll(broker->bootstrap_servers(), "a", sent);
  testing::ProduceAll(broker->bootstrap_servers(), "b", sent);
  // State says a[0] resumes at 5; nothing else is stored (from the log start).
  auto lookup = [](std::string_view topic, std::int32_t partition) -> std::optional<std::int64_t> {
    if (topic == "a" && partition == 0) return 5;
    return std::nullopt;
  };
  testing::RecordingListener listener;
  auto consumer = MakeGrouplessConsumer(broker->bootstrap_servers(), {"a", "b"}, lookup, &listener);
  auto got = testing::ConsumeUntil(*consumer, 2 * sent.size() - 5);
  testing::PollInto(*consumer, &got);  // and nothing more
  CHECK(got.size() == 2 * sent.size() - 5);
  CHECK(listener.assigned.size() == 12);
  CHECK(listener.assign_calls == 12);
  std::map<std::pair<std::string, std::int32_t>, std::int64_t> first;
  for (const auto& r : got) first.emplace(std::make_pair(r.topic, r.partition), r.offset);
  CHECK(first.at({"a", 0}) == 5);
  for (const auto& [tp, off] : first) {
    if (tp != std::make_pair(std::string("a"), 0)) CHECK(off == 0);
  }
  CHECK(consumer->records_lost() == 0);
  consumer->Close();
  CHECK(listener.assigned.empty());  // Close() revokes through the listener here too
}

TEST_CASE("Consumer without a group reports an input topic the broker does not have", "[kafka]") {
  auto broker = testing::StartBroker({"a"});
  auto consumer =
      MakeGrouplessConsumer(broker->bootstrap_servers(), {"a", "missing"}, nullptr, nullptr);
  std::vector<Message> batch;
  Status st = consumer->Poll(10, 10, &batch);
  CHECK_FALSE(st.ok());
  CHECK(st.message().find("missing") != std::string::npos);
  consumer->Close();
}

}  // namespace
}  // namespace careloop::kafka
