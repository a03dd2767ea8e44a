// Consumer rebalances: starting offsets come from careloop's state (OffsetLookup), not
// from Kafka's commits; records the broker dropped before careloop read them are
// reported, both at assignment and while reading.
#include <catch2/catch.hpp>

#include <map>
#include <random>

#include "careloop/kafka/kafka.h"
#include "kafka_test_util.h"

namespace careloop::kafka {
namespace {

using testing::KeyValue;
using testing::Record;

// `count` records of `size` random (incompressible) bytes, all with one key.
std::vector<KeyValue> BigRecords(int count, std::size_t size, const std::string& key) {
  std::mt19937 rng(7);
  std::vector<KeyValue> out(static_cast<std::size_t>(count));
  for (auto& kv : out) {
    kv.key = key;
    kv.value.resize(size);
    for (char& c : kv.value) c = static_cast<char>(rng());
  }
  return out;
}

std::map<std::int32_t, std::int64_t> FirstOffsets(const std::vector<Record>& got) {
  std::map<std::int32_t, std::int64_t> first;
  for (const Record& r : got) first.emplace(r.partition, r.offset);  // keeps the first
  return first;
}

TEST_CASE("A restarted consumer starts where careloop's state says, not at Kafka's commits",
          "[kafka]") {
  auto broker = testing::StartBroker({"t"});
  std::vector<KeyValue> sent;
  for (int i = 0; i < 600; ++i) sent.push_back({"w" + std::to_string(i % 60), std::to_string(i)});
  testing::ProduceAll(broker->bootstrap_servers(), "t", sent);

  {  // A first run reads everything and commits it to Kafka. When it leaves, the mock
     // cluster holds the group's next join for its session timeout less 1 s: keep it short.
    auto first = testing::MakeConsumer(broker->bootstrap_servers(), {"t"}, nullptr, nullptr,
                                       {{"session.timeout.ms", "6000"}});
    const auto got = testing::ConsumeUntil(*first, sent.size());
    REQUIRE(got.size() == sent.size());
    std::map<std::int32_t, std::int64_t> next;
    for (const Record& r : got) next[r.partition] = r.offset + 1;
    for (const auto& [p, off] : next) first->CommitAsync("t", p, off);
    first->Close();
  }

  // The restart: state says partition 0 resumes at 7, the others have nothing stored.
  std::vector<std::pair<std::string, std::int32_t>> asked;
  auto lookup = [&](std::string_view topic, std::int32_t partition) -> std::optional<std::int64_t> {
    asked.emplace_back(std::string(topic), partition);
    if (partition == 0) return 7;
    return std::nullopt;
  };
  testing::RecordingListener listener;
  auto second = testing::MakeConsumer(broker->bootstrap_servers(), {"t"}, lookup, &listener);
  auto got = testing::ConsumeUntil(*second, sent.size() - 7);
  testing::PollInto(*second, &got);  // and nothing more
  CHECK(got.size() == sent.size() - 7);
  const auto first = FirstOffsets(got);
  REQUIRE(first.count(0) == 1);
  CHECK(first.at(0) == 7);
  for (const auto& [p, off] : first) {
    if (p != 0) CHECK(off == 0);  // nothing stored: from the beginning, commits ignored
  }
  CHECK(asked.size() == 6);
  CHECK(second->records_lost() == 0);
}

// The mock cluster keeps the last 5 MiB of each partition: 12,000 records of 1 KiB in
// one partition push the oldest out.
constexpr int kBigCount = 12000;
constexpr std::size_t kBigSize = 1024;

TEST_CASE("A stored offset below the log start is reported as records lost", "[kafka]") {
  auto broker = testing::StartBroker({"t"}, 1);
  testing::ProduceAll(broker->bootstrap_servers(), "t", BigRecords(kBigCount, kBigSize, "w"));

  testing::RecordingListener listener;
  auto consumer = testing::MakeConsumer(
      broker->bootstrap_servers(), {"t"},
      [](std::string_view, std::int32_t) -> std::optional<std::int64_t> { return 0; }, &listener);
  std::vector<Record> got;
  const auto deadline = std::chrono::steady_clock::now() + testing::kDeadline;
  while (listener.assign_calls == 0 && std::chrono::steady_clock::now() < deadline) {
    testing::PollInto(*consumer, &got);
  }
  REQUIRE(listener.lost.size() == 1);
  const auto& lost = listener.lost.front();
  CHECK(lost.topic == "t");
  CHECK(lost.partition == 0);
  CHECK(lost.from == 0);
  CHECK(lost.to > 0);
  CHECK(lost.to < kBigCount);
  CHECK(consumer->records_lost() == lost.to - lost.from);

  // Reading resumes at the log start: the rest arrives, nothing else counted lost.
  auto rest =
      testing::ConsumeUntil(*consumer, static_cast<std::size_t>(kBigCount - lost.to) - got.size());
  got.insert(got.end(), rest.begin(), rest.end());
  REQUIRE_FALSE(got.empty());
  CHECK(got.front().offset == lost.to);
  CHECK(got.size() == static_cast<std::size_t>(kBigCount - lost.to));
  CHECK(listener.lost.size() == 1);
}

// Nothing stored: the partition starts at the log start, now given to librdkafka as the
// offset queried at assignment (issue 7) rather than as "beginning". Records before it
// were never expected: none is reported lost.
TEST_CASE("With nothing stored, reading starts at the log start and reports no loss", "[kafka]") {
  auto broker = testing::StartBroker({"t"}, 1);
  testing::ProduceAll(broker->bootstrap_servers(), "t", BigRecords(kBigCount, kBigSize, "w"));
  testing::RecordingListener listener;
  auto consumer = testing::MakeConsumer(broker->bootstrap_servers(), {"t"}, nullptr, &listener);
  std::vector<Record> got;
  const auto deadline = std::chrono::steady_clock::now() + testing::kDeadline;
  while (got.empty() && std::chrono::steady_clock::now() < deadline) {
    testing::PollInto(*consumer, &got);
  }
  REQUIRE_FALSE(got.empty());
  const std::int64_t start = got.front().offset;
  CHECK(start > 0);  // the oldest records were dropped by the broker
  auto rest =
      testing::ConsumeUntil(*consumer, static_cast<std::size_t>(kBigCount - start) - got.size());
  got.insert(got.end(), rest.begin(), rest.end());
  CHECK(got.size() == static_cast<std::size_t>(kBigCount - start));
  CHECK(got.back().offset == kBigCount - 1);
  CHECK(listener.lost.empty());
  CHECK(consumer->records_lost() == 0);
}

TEST_CASE("Records dropped while the consumer lagged are reported when it reads on", "[kafka]") {
  auto broker = testing::StartBroker({"t"}, 1);
  testing::ProduceAll(broker->bootstrap_servers(), "t", BigRecords(100, kBigSize, "w"));
  testing::RecordingListener listener;
  auto consumer = testing::MakeConsumer(broker->bootstrap_servers(), {"t"}, nullptr, &listener);
  std::vector<Record> got = testing::ConsumeUntil(*consumer, 100);
  REQUIRE(got.size() == 100);
  REQUIRE(listener.lost.empty());

  // The consumer stops fetching while the broker truncates past its position.
  REQUIRE(consumer->Pause().ok());
  testing::ProduceAll(broker->bootstrap_servers(), "t", BigRecords(kBigCount, kBigSize, "w"));
  REQUIRE(consumer->Resume().ok());

  const auto deadline = std::chrono::steady_clock::now() + testing::kDeadline;
  while (listener.lost.empty() && std::chrono::steady_clock::now() < deadline) {
    testing::PollInto(*consumer, &got);
  }
  REQUIRE(listener.lost.size() == 1);
  const auto& lost = listener.lost.front();
  CHECK(lost.from == 100);
  CHECK(lost.to > 100);
  CHECK(consumer->records_lost() == lost.to - lost.from);
  // The first record after the gap is the new log start.
  REQUIRE(got.size() > 100);
  CHECK(got[100].offset == lost.to);
}

TEST_CASE("A stored offset past the partition's end reads the partition from the beginning",
          "[kafka]") {
  auto broker = testing::StartBroker({"t"}, 1);
  std::vector<KeyValue> sent(10, KeyValue{"w", "x"});
  testing::ProduceAll(broker->bootstrap_servers(), "t", sent);
  testing::RecordingListener listener;
  auto consumer = testing::MakeConsumer(
      broker->bootstrap_servers(), {"t"},
      [](std::string_view, std::int32_t) -> std::optional<std::int64_t> { return 500; }, &listener);
  const auto got = testing::ConsumeUntil(*consumer, sent.size());
  REQUIRE(got.size() == sent.size());
  CHECK(got.front().offset == 0);
  CHECK(consumer->records_lost() == 0);
}

}  // namespace
}  // namespace careloop::kafka
