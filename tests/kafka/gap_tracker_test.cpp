// GapTracker: which offset gaps count as records lost.
#include "kafka/gap_tracker.h"

#include <catch2/catch.hpp>

#include <vector>

namespace careloop::kafka {
namespace {

TEST_CASE("GapTracker follows in-order offsets without gaps", "[unit]") {
  GapTracker t(5);
  CHECK(t.OnMessage(5) == GapTracker::Seen::kInOrder);
  CHECK(t.OnMessage(6) == GapTracker::Seen::kInOrder);
  CHECK(t.next() == 7);
  CHECK_FALSE(t.has_pending());
}

TEST_CASE("GapTracker with an unknown start takes the first offset as it comes", "[unit]") {
  GapTracker t;
  CHECK(t.OnMessage(1000) == GapTracker::Seen::kInOrder);
  CHECK(t.OnMessage(1001) == GapTracker::Seen::kInOrder);
  CHECK_FALSE(t.has_pending());
}

TEST_CASE("GapTracker counts only the part of a gap below the low watermark", "[unit]") {
  struct Case {
    const char* name;
    std::int64_t low;  // queried after the gap [10, 20) was seen
    std::vector<OffsetRange> lost;
  };
  const std::vector<Case> cases = {
      {"log start below the gap: a marker or compaction, nothing lost", 3, {}},
      {"log start at the gap's first offset: nothing lost", 10, {}},
      {"log start inside the gap: the part below it", 15, {{10, 15}}},
      {"log start at the gap's end: all of it", 20, {{10, 20}}},
      {"log start past the gap: only the gap, never records that were read", 25, {{10, 20}}},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    GapTracker t(10);
    REQUIRE(t.OnMessage(20) == GapTracker::Seen::kGap);
    REQUIRE(t.has_pending());
    CHECK(t.Resolve(c.low) == c.lost);
    CHECK_FALSE(t.has_pending());
    CHECK(t.next() == 21);
  }
}

TEST_CASE("GapTracker resolves several gaps with one watermark", "[unit]") {
  GapTracker t(0);
  REQUIRE(t.OnMessage(3) == GapTracker::Seen::kGap);  // [0, 3)
  REQUIRE(t.OnMessage(4) == GapTracker::Seen::kInOrder);
  REQUIRE(t.OnMessage(9) == GapTracker::Seen::kGap);  // [5, 9)
  CHECK(t.Resolve(7) == std::vector<OffsetRange>{{0, 3}, {5, 7}});
}

TEST_CASE("GapTracker going backwards follows the new position and records no gap", "[unit]") {
  GapTracker t(50);
  CHECK(t.OnMessage(0) == GapTracker::Seen::kBackwards);
  CHECK(t.next() == 1);
  CHECK_FALSE(t.has_pending());
  CHECK(t.OnMessage(1) == GapTracker::Seen::kInOrder);
}

TEST_CASE("GapTracker keeps a bounded number of unresolved gaps", "[unit]") {
  GapTracker t(0);
  std::int64_t offset = 0;
  for (std::size_t i = 0; i < GapTracker::kMaxPending + 3; ++i) {
    offset += 2;
    REQUIRE(t.OnMessage(offset) == GapTracker::Seen::kGap);
  }
  CHECK(t.pending().size() == GapTracker::kMaxPending);
  CHECK(t.unchecked() == 3);
}

}  // namespace
}  // namespace careloop::kafka
