#include <catch2/catch.hpp>

#include "careloop/state/store.h"

namespace careloop::state {
namespace {

TEST_CASE("WriteSet records every kind of change and clears", "[unit]") {
  WriteSet set;
  CHECK(set.empty());
  set.PutEntity(EntityKind::kWorker, 3, "W-1", "bytes");
  set.MarkSeen(3, "ev-1");
  set.AddOutbox(OutboxEntry{7, "alerts", "W-1", "{}", "id-7"});
  set.RemoveOutbox(6);
  set.PutTimer(Timer{100, "t-1", 3, "payload"});
  set.RemoveTimer(50, "t-0");
  set.SetOffset("lab-results", 3, 42);
  set.PutMeta("rules_version", "r1");
  CHECK_FALSE(set.empty());
  REQUIRE(set.entities.size() == 1);
  CHECK(set.entities[0].kind == EntityKind::kWorker);
  CHECK(set.entities[0].partition == 3);
  CHECK(set.entities[0].id == "W-1");
  CHECK(set.entities[0].bytes == "bytes");
  CHECK(set.seen[0].event_id == "ev-1");
  CHECK(set.outbox_add[0].seq == 7);
  CHECK(set.outbox_remove == std::vector<std::uint64_t>{6});
  CHECK(set.timers_put[0].timer_id == "t-1");
  CHECK(set.timers_remove[0].due == 50);
  CHECK(set.offsets[0].next_offset == 42);
  CHECK(set.meta[0] == std::pair<std::string, std::string>{"rules_version", "r1"});
  set.Clear();
  CHECK(set.empty());
  CHECK(set.entities.empty());
  CHECK(set.meta.empty());
}

TEST_CASE("WriteSet is not empty with any single change", "[unit]") {
  WriteSet a;
  a.RemoveOutbox(1);
  CHECK_FALSE(a.empty());
  WriteSet b;
  b.SetOffset("t", 0, 0);
  CHECK_FALSE(b.empty());
  WriteSet c;
  c.RemoveTimer(0, "x");
  CHECK_FALSE(c.empty());
}

}  // namespace
}  // namespace careloop::state
