// One contract, two stores: every TEST_CASE here runs its body against the in-memory
// store and the RocksDB store (GENERATE), which must behave the same.
#include <atomic>
#include <limits>
#include <thread>

#include "state/store_harness.h"

namespace careloop::state {
namespace {

using testing::AllEntities;
using testing::AllOutbox;
using testing::DueTimers;
using testing::Entry;
using testing::MustApply;
using testing::OutboxSeqs;
using testing::StoreHarness;
using testing::StoreKind;

#define FOR_EACH_STORE()                                                  \
  const StoreKind kind = GENERATE(StoreKind::kMemory, StoreKind::kRocks); \
  INFO("store: " << testing::KindName(kind));                             \
  StoreHarness h(kind);                                                   \
  Store& s = h.store()

std::optional<std::string> Entity(Store& s, EntityKind k, std::int32_t p, std::string_view id) {
  auto r = s.GetEntity(k, p, id);
  REQUIRE(r.ok());
  return *r;
}

TEST_CASE("entities are kept apart by kind and partition", "[integration]") {
  FOR_EACH_STORE();
  CHECK_FALSE(Entity(s, EntityKind::kWorker, 0, "a").has_value());
  WriteSet w;
  w.PutEntity(EntityKind::kWorker, 0, "a", "worker 0 a");
  w.PutEntity(EntityKind::kPetition, 0, "a", "petition 0 a");
  w.PutEntity(EntityKind::kWorker, 1, "a", "worker 1 a");
  w.PutEntity(EntityKind::kWorker, 0, "", std::string("bin\0ary", 7));
  MustApply(s, w);
  CHECK(Entity(s, EntityKind::kWorker, 0, "a") == "worker 0 a");
  CHECK(Entity(s, EntityKind::kPetition, 0, "a") == "petition 0 a");
  CHECK(Entity(s, EntityKind::kWorker, 1, "a") == "worker 1 a");
  CHECK(Entity(s, EntityKind::kWorker, 0, "") == std::string("bin\0ary", 7));
  CHECK_FALSE(Entity(s, EntityKind::kPetition, 1, "a").has_value());
  CHECK_FALSE(Entity(s, EntityKind::kWorker, 0, "a2").has_value());

  w.Clear();
  w.PutEntity(EntityKind::kWorker, 0, "a", "replaced");
  MustApply(s, w);
  CHECK(Entity(s, EntityKind::kWorker, 0, "a") == "replaced");
  CHECK(Entity(s, EntityKind::kPetition, 0, "a") == "petition 0 a");
}

TEST_CASE("the last put of an entity in one set wins", "[integration]") {
  FOR_EACH_STORE();
  WriteSet w;
  w.PutEntity(EntityKind::kWorker, 2, "x", "first");
  w.PutEntity(EntityKind::kWorker, 2, "x", "second");
  MustApply(s, w);
  CHECK(Entity(s, EntityKind::kWorker, 2, "x") == "second");
}

TEST_CASE("ForEachEntity visits one kind in partition then id order", "[integration]") {
  FOR_EACH_STORE();
  WriteSet w;
  w.PutEntity(EntityKind::kWorker, 2, "b", "2b");
  w.PutEntity(EntityKind::kWorker, 0, "z", "0z");
  w.PutEntity(EntityKind::kWorker, 256, "a", "256a");
  w.PutEntity(EntityKind::kWorker, 2, "a", "2a");
  w.PutEntity(EntityKind::kPetition, 1, "p", "1p");
  MustApply(s, w);
  using E = std::tuple<std::int32_t, std::string, std::string>;
  CHECK(AllEntities(s, EntityKind::kWorker) ==
        std::vector<E>{{0, "z", "0z"}, {2, "a", "2a"}, {2, "b", "2b"}, {256, "a", "256a"}});
  CHECK(AllEntities(s, EntityKind::kPetition) == std::vector<E>{{1, "p", "1p"}});

  int visited = 0;
  Status st = s.ForEachEntity(EntityKind::kWorker, [&](std::int32_t, std::string_view,
                                                       std::string_view) { return ++visited < 2; });
  REQUIRE(st.ok());
  CHECK(visited == 2);
}

TEST_CASE("seen event ids are per partition", "[integration]") {
  FOR_EACH_STORE();
  CHECK_FALSE(*s.IsSeen(0, "ev-1"));
  WriteSet w;
  w.MarkSeen(0, "ev-1");
  w.MarkSeen(0, "ev-1");  // twice in one set is harmless
  MustApply(s, w);
  CHECK(*s.IsSeen(0, "ev-1"));
  CHECK_FALSE(*s.IsSeen(1, "ev-1"));
  CHECK_FALSE(*s.IsSeen(0, "ev-10"));
  CHECK_FALSE(*s.IsSeen(0, "ev-"));
}

TEST_CASE("offsets are per topic and partition and may be replaced", "[integration]") {
  FOR_EACH_STORE();
  CHECK_FALSE(s.GetOffset("lab-results", 0)->has_value());
  WriteSet w;
  w.SetOffset("lab-results", 0, 0);
  w.SetOffset("lab-results", 1, 42);
  w.SetOffset("checkins", 0, std::numeric_limits<std::int64_t>::max());
  MustApply(s, w);
  CHECK(*s.GetOffset("lab-results", 0) == std::optional<std::int64_t>(0));
  CHECK(*s.GetOffset("lab-results", 1) == std::optional<std::int64_t>(42));
  CHECK(*s.GetOffset("checkins", 0) ==
        std::optional<std::int64_t>(std::numeric_limits<std::int64_t>::max()));
  CHECK_FALSE(s.GetOffset("checkins", 1)->has_value());
  CHECK_FALSE(s.GetOffset("lab", 0)->has_value());

  w.Clear();
  w.SetOffset("lab-results", 1, 43);
  MustApply(s, w);
  CHECK(*s.GetOffset("lab-results", 1) == std::optional<std::int64_t>(43));
}

TEST_CASE("meta values are stored apart from offsets", "[integration]") {
  FOR_EACH_STORE();
  CHECK_FALSE(s.GetMeta("rules_version")->has_value());
  WriteSet w;
  w.PutMeta("rules_version", "r-1");
  w.PutMeta("empty", "");
  w.SetOffset("rules_version", 0, 5);
  MustApply(s, w);
  CHECK(*s.GetMeta("rules_version") == std::optional<std::string>("r-1"));
  CHECK(*s.GetMeta("empty") == std::optional<std::string>(""));
  w.Clear();
  w.PutMeta("rules_version", "r-2");
  MustApply(s, w);
  CHECK(*s.GetMeta("rules_version") == std::optional<std::string>("r-2"));
  CHECK(*s.GetOffset("rules_version", 0) == std::optional<std::int64_t>(5));
}

TEST_CASE("the outbox keeps entries in seq order until removed", "[integration]") {
  FOR_EACH_STORE();
  CHECK(s.NextOutboxSeq() == 1);
  CHECK(AllOutbox(s).empty());
  WriteSet w;
  for (std::uint64_t seq : {256, 3, 1, 255, 2}) w.AddOutbox(Entry(seq));
  MustApply(s, w);
  CHECK(s.NextOutboxSeq() == 257);
  CHECK(OutboxSeqs(s) == std::vector<std::uint64_t>{1, 2, 3, 255, 256});
  const OutboxEntry first = AllOutbox(s).front();
  CHECK(first.topic == "alerts");
  CHECK(first.key == "W-1");
  CHECK(first.value == "{\"seq\":1}");
  CHECK(first.id == "id-1");

  w.Clear();
  w.RemoveOutbox(2);
  w.RemoveOutbox(256);
  w.RemoveOutbox(999);  // absent: nothing happens
  MustApply(s, w);
  CHECK(OutboxSeqs(s) == std::vector<std::uint64_t>{1, 3, 255});
  // The counter never goes back, even when the highest entry is gone.
  CHECK(s.NextOutboxSeq() == 257);

  int visited = 0;
  Status st = s.ForEachOutbox([&](const OutboxEntry&) { return ++visited < 2; });
  REQUIRE(st.ok());
  CHECK(visited == 2);
}

TEST_CASE("a step's outbox entries leave one by one, in any order", "[integration]") {
  FOR_EACH_STORE();
  WriteSet w;
  for (std::uint64_t seq = 1; seq <= 6; ++seq) w.AddOutbox(Entry(seq));  // one group
  MustApply(s, w);
  w.Clear();
  w.RemoveOutbox(4);
  w.RemoveOutbox(1);
  w.RemoveOutbox(4);  // twice: nothing more happens
  MustApply(s, w);
  CHECK(OutboxSeqs(s) == std::vector<std::uint64_t>{2, 3, 5, 6});
  const OutboxEntry third = AllOutbox(s)[2];
  CHECK(third.seq == 5);
  CHECK(third.key == "W-5");
  CHECK(third.value == "{\"seq\":5}");
  CHECK(third.id == "id-5");

  // A second group, one of its entries removed with the first group's.
  w.Clear();
  w.AddOutbox(Entry(7));
  w.AddOutbox(Entry(8));
  w.RemoveOutbox(2);
  w.RemoveOutbox(7);
  MustApply(s, w);
  CHECK(OutboxSeqs(s) == std::vector<std::uint64_t>{3, 5, 6, 8});

  w.Clear();
  for (std::uint64_t seq : {8, 6, 3, 5}) w.RemoveOutbox(seq);
  MustApply(s, w);
  CHECK(AllOutbox(s).empty());
  CHECK(s.NextOutboxSeq() == 9);
}

TEST_CASE("NextOutboxSeq is one past the highest seq ever added", "[integration]") {
  FOR_EACH_STORE();
  WriteSet w;
  w.AddOutbox(Entry(10));
  MustApply(s, w);
  CHECK(s.NextOutboxSeq() == 11);
  w.Clear();
  w.AddOutbox(Entry(4));  // lower than the counter: stored, the counter stays
  w.MarkSeen(0, "e");
  MustApply(s, w);
  CHECK(s.NextOutboxSeq() == 11);
  CHECK(OutboxSeqs(s) == std::vector<std::uint64_t>{4, 10});
}

TEST_CASE("an outbox entry added and removed in one set is gone", "[integration]") {
  FOR_EACH_STORE();
  WriteSet w;
  w.AddOutbox(Entry(1));
  w.RemoveOutbox(1);
  MustApply(s, w);
  CHECK(AllOutbox(s).empty());
  CHECK(s.NextOutboxSeq() == 2);
}

TEST_CASE("timers come in due order, equal due times by id", "[integration]") {
  FOR_EACH_STORE();
  WriteSet w;
  w.PutTimer(Timer{300, "b", 1, "p300b"});
  w.PutTimer(Timer{100, "z", 2, "p100z"});
  w.PutTimer(Timer{100, "a", 3, "p100a"});
  w.PutTimer(Timer{-50, "neg", 4, ""});
  w.PutTimer(Timer{200, "c", 5, "p200c"});
  w.PutTimer(Timer{std::numeric_limits<TimeMs>::min(), "min", 0, ""});
  w.PutTimer(Timer{std::numeric_limits<TimeMs>::max(), "max", 0, ""});
  MustApply(s, w);
  using T = std::vector<std::pair<TimeMs, std::string>>;
  constexpr TimeMs kMin = std::numeric_limits<TimeMs>::min();
  constexpr TimeMs kMax = std::numeric_limits<TimeMs>::max();
  CHECK(DueTimers(s, 200) == T{{kMin, "min"}, {-50, "neg"}, {100, "a"}, {100, "z"}, {200, "c"}});
  CHECK(DueTimers(s, 199) == T{{kMin, "min"}, {-50, "neg"}, {100, "a"}, {100, "z"}});
  CHECK(DueTimers(s, -51) == T{{kMin, "min"}});
  CHECK(DueTimers(s, kMax).size() == 7);
  CHECK(DueTimers(s, kMax).back() == std::pair<TimeMs, std::string>{kMax, "max"});

  std::vector<Timer> got;
  Status st = s.ForEachDueTimer(100, [&](const Timer& t) {
    got.push_back(t);
    return got.size() < 3;
  });
  REQUIRE(st.ok());
  REQUIRE(got.size() == 3);
  CHECK(got[2].timer_id == "a");
  CHECK(got[2].partition == 3);
  CHECK(got[2].payload == "p100a");
}

// Regression: timer scans start at a remembered floor (the RocksDB store skips the
// tombstones of fired timers that way); a timer put below that floor, or after a scan
// that found nothing due, must still be found.
TEST_CASE("timer scans find timers put below an earlier scan's first timer", "[integration]") {
  FOR_EACH_STORE();
  using T = std::vector<std::pair<TimeMs, std::string>>;
  WriteSet w;
  for (int i = 0; i < 50; ++i) w.PutTimer(Timer{100 + i, "t" + std::to_string(i), 0, ""});
  MustApply(s, w);
  w.Clear();
  for (int i = 0; i < 40; ++i) w.RemoveTimer(100 + i, "t" + std::to_string(i));
  MustApply(s, w);
  CHECK(DueTimers(s, 140) == T{{140, "t40"}});
  CHECK(DueTimers(s, 120).empty());  // nothing due: the floor may move to the bound
  w.Clear();
  w.PutTimer(Timer{105, "early", 0, ""});
  w.PutTimer(Timer{-7, "negative", 0, ""});
  MustApply(s, w);
  CHECK(DueTimers(s, 120) == T{{-7, "negative"}, {105, "early"}});
  w.Clear();
  w.RemoveTimer(-7, "negative");
  MustApply(s, w);
  CHECK(DueTimers(s, 141) == T{{105, "early"}, {140, "t40"}, {141, "t41"}});
  CHECK(DueTimers(s, 1000).size() == 11);
}

// A scan can resume strictly after a timer it has seen (the Txn skips the timers it has
// already fired that way), also below the RocksDB store's remembered floor.
TEST_CASE("timer scans resume strictly after a given timer", "[integration]") {
  FOR_EACH_STORE();
  using T = std::vector<std::pair<TimeMs, std::string>>;
  WriteSet w;
  w.PutTimer(Timer{100, "a", 0, ""});
  w.PutTimer(Timer{100, "b", 0, ""});
  w.PutTimer(Timer{101, "a", 0, ""});
  w.PutTimer(Timer{300, "late", 0, ""});
  MustApply(s, w);
  auto after = [&](TimeMs due, const std::string& id, TimeMs until) {
    T got;
    const Timer from{due, id, 0, ""};
    REQUIRE(s.ForEachDueTimerAfter(&from, until, [&](const Timer& t) {
               got.emplace_back(t.due, t.timer_id);
               return true;
             }).ok());
    return got;
  };
  CHECK(after(100, "a", 200) == T{{100, "b"}, {101, "a"}});
  CHECK(after(100, "b", 200) == T{{101, "a"}});
  CHECK(after(100, "aa", 200) == T{{100, "b"}, {101, "a"}});  // need not exist
  CHECK(after(101, "a", 200).empty());
  CHECK(after(101, "a", 300) == T{{300, "late"}});
  CHECK(after(-5, "x", 100) == T{{100, "a"}, {100, "b"}});
  // The floor moves with a plain scan; resuming still finds everything after the timer.
  CHECK(DueTimers(s, 50).empty());
  CHECK(after(99, "z", 100) == T{{100, "a"}, {100, "b"}});
  CHECK(DueTimers(s, 1000) == T{{100, "a"}, {100, "b"}, {101, "a"}, {300, "late"}});
}

TEST_CASE("timers are removed by due and id, and the same due and id replaces", "[integration]") {
  FOR_EACH_STORE();
  WriteSet w;
  w.PutTimer(Timer{100, "a", 0, "one"});
  w.PutTimer(Timer{100, "b", 0, "two"});
  MustApply(s, w);
  w.Clear();
  w.RemoveTimer(100, "a");
  w.RemoveTimer(99, "b");  // wrong due: nothing removed
  w.PutTimer(Timer{100, "b", 7, "two again"});
  MustApply(s, w);
  std::vector<Timer> got;
  REQUIRE(s.ForEachDueTimer(1000, [&](const Timer& t) {
             got.push_back(t);
             return true;
           }).ok());
  REQUIRE(got.size() == 1);
  CHECK(got[0].timer_id == "b");
  CHECK(got[0].partition == 7);
  CHECK(got[0].payload == "two again");

  // Within one set removals come before puts: remove + put of one timer keeps it.
  w.Clear();
  w.PutTimer(Timer{100, "b", 7, "kept"});
  w.RemoveTimer(100, "b");
  MustApply(s, w);
  REQUIRE(DueTimers(s, 1000).size() == 1);
}

TEST_CASE("an empty set applies and changes nothing", "[integration]") {
  FOR_EACH_STORE();
  WriteSet w;
  MustApply(s, w);
  CHECK(s.NextOutboxSeq() == 1);
  CHECK(AllOutbox(s).empty());
}

TEST_CASE("one set applies every kind of change together", "[integration]") {
  FOR_EACH_STORE();
  WriteSet w;
  w.PutEntity(EntityKind::kWorker, 0, "W-1", "file");
  w.MarkSeen(0, "ev-1");
  w.AddOutbox(Entry(1));
  w.PutTimer(Timer{5, "t", 0, ""});
  w.SetOffset("lab-results", 0, 1);
  w.PutMeta("k", "v");
  MustApply(s, w);
  CHECK(Entity(s, EntityKind::kWorker, 0, "W-1") == "file");
  CHECK(*s.IsSeen(0, "ev-1"));
  CHECK(OutboxSeqs(s) == std::vector<std::uint64_t>{1});
  CHECK(DueTimers(s, 5).size() == 1);
  CHECK(*s.GetOffset("lab-results", 0) == std::optional<std::int64_t>(1));
  CHECK(*s.GetMeta("k") == std::optional<std::string>("v"));
  CHECK(s.ApproximateSizeBytes() > 0);
}

TEST_CASE("readers on another thread see whole sets while one thread applies", "[integration]") {
  FOR_EACH_STORE();
  constexpr int kSets = 200;
  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  std::thread reader([&] {
    while (!done.load()) {
      // Each set writes entity n and marks ev-n: a reader that sees the entity at n
      // must find ev-n seen (it was applied with it or before).
      auto v = s.GetEntity(EntityKind::kWorker, 0, "counter");
      if (!v.ok() || !v->has_value()) continue;
      auto seen = s.IsSeen(0, "ev-" + **v);
      if (!seen.ok() || !*seen) torn++;
    }
  });
  for (int n = 1; n <= kSets; ++n) {
    WriteSet w;
    w.MarkSeen(0, "ev-" + std::to_string(n));
    w.PutEntity(EntityKind::kWorker, 0, "counter", std::to_string(n));
    Status st = s.Apply(w);
    if (!st.ok()) {
      done = true;
      reader.join();
      FAIL(st.ToString());
    }
  }
  done = true;
  reader.join();
  CHECK(torn.load() == 0);
  CHECK(Entity(s, EntityKind::kWorker, 0, "counter") == std::to_string(kSets));
}

TEST_CASE("a ForEach callback may read the store", "[integration]") {
  FOR_EACH_STORE();
  WriteSet w;
  for (int i = 0; i < 600; ++i) w.PutEntity(EntityKind::kWorker, 0, std::to_string(i), "x");
  MustApply(s, w);
  int checked = 0;
  Status st = s.ForEachEntity(EntityKind::kWorker,
                              [&](std::int32_t p, std::string_view id, std::string_view) {
                                auto v = s.GetEntity(EntityKind::kWorker, p, id);
                                if (v.ok() && v->has_value()) ++checked;
                                return true;
                              });
  REQUIRE(st.ok());
  CHECK(checked == 600);
}

}  // namespace
}  // namespace careloop::state
