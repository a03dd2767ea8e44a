#include "state/keys.h"
#include "state/coding.h"
#include "state/outbox_layout.h"

#include <catch2/catch.hpp>
#include <limits>
#include <string>

namespace careloop::state {
namespace {

TEST_CASE("entity keys parse back and sort by kind, partition, id", "[unit]") {
  const std::string k = keys::Entity(EntityKind::kPetition, 258, "P-1");
  EntityKind kind;
  std::int32_t partition = 0;
  std::string_view id;
  REQUIRE(keys::ParseEntity(k, &kind, &partition, &id));
  CHECK(kind == EntityKind::kPetition);
  CHECK(partition == 258);
  CHECK(id == "P-1");
  CHECK(keys::Entity(EntityKind::kWorker, 1, "z") < keys::Entity(EntityKind::kWorker, 2, "a"));
  CHECK_FALSE(keys::ParseEntity("W\x00\x00", &kind, &partition, &id));
  CHECK_FALSE(keys::ParseEntity(std::string("X\0\0\0\0", 5), &kind, &partition, &id));
}

TEST_CASE("timer keys sort by due across the sign, then by id", "[unit]") {
  constexpr TimeMs kMin = std::numeric_limits<TimeMs>::min();
  constexpr TimeMs kMax = std::numeric_limits<TimeMs>::max();
  CHECK(keys::Timer(kMin, "") < keys::Timer(-1, ""));
  CHECK(keys::Timer(-1, "z") < keys::Timer(0, "a"));
  CHECK(keys::Timer(0, "a") < keys::Timer(0, "b"));
  CHECK(keys::Timer(1, "") < keys::Timer(kMax, ""));
  CHECK(keys::Timer(5, "\xff") < keys::TimerKeyAfter(5));
  CHECK(keys::TimerKeyAfter(kMax).empty());
  TimeMs due = 0;
  std::string_view id;
  const std::string key = keys::Timer(-42, "t-1");  // `id` borrows from it
  REQUIRE(keys::ParseTimer(key, &due, &id));
  CHECK(due == -42);
  CHECK(id == "t-1");
}

TEST_CASE("outbox values round-trip and reject malformed bytes", "[unit]") {
  OutboxEntry in{9, "alerts", "W-1", "{\"a\":1}", "id-9"};
  const std::string v = keys::OutboxValue(in);
  OutboxEntry out;
  REQUIRE(keys::ParseOutboxValue(v, &out));
  CHECK(out.topic == "alerts");
  CHECK(out.key == "W-1");
  CHECK(out.value == "{\"a\":1}");
  CHECK(out.id == "id-9");
  for (std::size_t n = 0; n < v.size(); ++n) {
    CHECK_FALSE(keys::ParseOutboxValue(std::string_view(v.data(), n), &out));
  }
  CHECK_FALSE(keys::ParseOutboxValue(v + "x", &out));
  std::uint64_t seq = 0;
  REQUIRE(keys::ParseOutbox(keys::Outbox(300), &seq));
  CHECK(seq == 300);
  CHECK(keys::Outbox(255) < keys::Outbox(256));
}

TEST_CASE("an outbox group's value is its pieces, laid out as documented", "[unit]") {
  // 200 entries (a two-byte count) with fields longer than 127 bytes (two-byte prefixes).
  std::vector<OutboxEntry> entries;
  for (std::uint64_t i = 0; i < 200; ++i) {
    entries.push_back({10 + i, "alerts.red", "W-" + std::to_string(i),
                       std::string(100 + i, static_cast<char>('a' + i % 26)),
                       "id-" + std::to_string(i)});
  }
  std::string expected(1, '\x02');
  PutVarint32(&expected, 150);
  for (std::size_t i = 50; i < 200; ++i) keys::PutOutboxFields(&expected, entries[i]);

  std::string prefixes = "left over from the last group";
  std::vector<std::string_view> pieces{"stale"};
  keys::OutboxGroupPieces(entries, 50, 200, &prefixes, &pieces);
  std::string joined;
  for (std::string_view p : pieces) joined.append(p);
  CHECK(joined == expected);
  CHECK(pieces.size() == 1 + 150 * 8);
  CHECK(keys::OutboxGroupValue(entries, 50, 200) == expected);
}

TEST_CASE("outbox groups read back whole, minus removals; malformed ones are refused", "[unit]") {
  std::vector<OutboxEntry> entries{{5, "alerts", "W-1", "{}", "id-5"},
                                   {6, "notifications", "W-1", "{\"n\":1}", "id-6"}};
  std::vector<std::uint64_t> seqs;
  auto collect = [&](const OutboxEntry& e) {
    seqs.push_back(e.seq);
    return true;
  };
  const std::string group = keys::OutboxGroupValue(entries, 0, entries.size());
  {
    OutboxLayout::Reader r(collect);
    // A value written before groups existed (a group of one), then a group of two.
    REQUIRE(
        r.Visit(keys::Outbox(2), keys::OutboxValue(OutboxEntry{2, "alerts", "W-2", "{}", "i"})));
    REQUIRE(r.Visit(keys::Outbox(5), group));
    REQUIRE(r.Finish());
    CHECK(seqs == std::vector<std::uint64_t>{2, 5, 6});
  }
  // Truncated or padded group values are refused with a clear status.
  for (std::size_t n = 0; n < group.size(); ++n) {
    OutboxLayout::Reader r(collect);
    CHECK_FALSE(r.Visit(keys::Outbox(5), std::string_view(group.data(), n)));
    CHECK(r.status().code() == Status::Code::kCorruption);
  }
  OutboxLayout::Reader padded(collect);
  CHECK_FALSE(padded.Visit(keys::Outbox(5), group + "x"));
  // A removal bitmap with no group before it.
  OutboxLayout::Reader orphan(collect);
  CHECK_FALSE(orphan.Visit(keys::OutboxDone(5), std::string("\x01\x01", 2)));

  std::uint64_t first = 0;
  REQUIRE(keys::ParseOutboxDone(keys::OutboxDone(77), &first));
  CHECK(first == 77);
  CHECK_FALSE(keys::ParseOutboxDone(keys::Outbox(77), &first));
  CHECK(keys::Outbox(77) < keys::OutboxDone(77));
  CHECK(keys::OutboxDone(77) < keys::Outbox(78));
}

TEST_CASE("offset and meta keys live in separate namespaces of the default family", "[unit]") {
  CHECK(keys::Meta("x").rfind("m/", 0) == 0);
  CHECK(keys::Offset("x", 0).rfind("o/", 0) == 0);
  CHECK(keys::Offset("lab-results", 1) != keys::Offset("lab-results", 2));
  CHECK(keys::Offset("a", 0).size() == 2 + 1 + 1 + 4);
}

}  // namespace
}  // namespace careloop::state
