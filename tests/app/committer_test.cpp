// The pipelined commit (app/committer.h, engine/txn.h): a step handed to the committer
// is read through the next step's overlay exactly as if it were applied, before, during
// and after its write; the committer applies it to a real RocksDB store and hands back
// its outbound records and offsets.
#include <catch2/catch.hpp>

#include <memory>
#include <thread>

#include "careloop/engine/txn.h"
#include "careloop/state/store.h"
#include "committer.h"
#include "support/process.h"

using careloop::engine::StepChanges;
using careloop::engine::Txn;
namespace state = careloop::state;

namespace {

std::unique_ptr<state::Store> Open(const std::string& dir) {
  state::StoreOptions o;
  o.path = dir;
  auto s = state::OpenRocksStore(o);
  REQUIRE(s.ok());
  return std::move(s).value();
}

state::Timer MakeTimer(careloop::TimeMs due, const std::string& id) {
  state::Timer t;
  t.due = due;
  t.timer_id = id;
  t.payload = "payload-" + id;
  return t;
}

// What step 1 wrote, as the next step must see it (and a step reading it changes nothing).
void CheckStepOneVisible(Txn& txn) {
  bool created = true;
  auto w = txn.Worker(0, "W1", &created);
  REQUIRE(w.ok());
  CHECK_FALSE(created);
  CHECK((*w)->events == 7);
  auto seen = txn.Seen(0, "e1");
  REQUIRE(seen.ok());
  CHECK(*seen);
  auto unseen = txn.Seen(0, "e2");
  REQUIRE(unseen.ok());
  CHECK_FALSE(*unseen);
  auto due = txn.DueTimers(1000, 100);
  REQUIRE(due.ok());
  REQUIRE(due->size() == 1);  // t-old removed by step 1; t-new set by it, listed once
  CHECK((*due)[0].timer_id == "t-new");
  CHECK((*due)[0].payload == "payload-t-new");
  auto meta = txn.Meta("k");
  REQUIRE(meta.ok());
  CHECK(*meta == "v");
  auto p = txn.Petition(0, "P1", &created);
  REQUIRE(p.ok());
  CHECK_FALSE(created);
  CHECK((*p)->category == "health");
  CHECK(txn.Detach()->empty());  // reads only
}

// What the store holds after the committer: lab-results[0]'s next offset and the number
// of outbox entries.
void CheckStored(state::Store& store, std::int64_t offset, int outbox_entries) {
  auto off = store.GetOffset("lab-results", 0);
  REQUIRE(off.ok());
  REQUIRE(off->has_value());
  CHECK(**off == offset);
  int outbox = 0;
  REQUIRE(store.ForEachOutbox([&](const state::OutboxEntry&) { return ++outbox > 0; }).ok());
  CHECK(outbox == outbox_entries);
}

}  // namespace

TEST_CASE("A step in flight is read through the overlay before, during and after its write",
          "[unit]") {
  careloop::testing::TempDir dir;
  auto store = Open(dir.path());

  // Step 0, applied the ordinary way: a timer that step 1 fires.
  Txn txn(*store);
  txn.SetTimer(MakeTimer(50, "t-old"));
  state::WriteSet set;
  std::vector<state::OutboxEntry> emitted;
  txn.Finish(&set, &emitted);
  REQUIRE(store->Apply(set).ok());

  // Step 1: every kind of change.
  bool created = false;
  auto w = txn.Worker(0, "W1", &created);
  REQUIRE(w.ok());
  CHECK(created);
  (*w)->events = 7;
  txn.MarkDirty(0, "W1");
  txn.MarkSeen(0, "e1");
  txn.RemoveTimer(50, "t-old");
  txn.SetTimer(MakeTimer(100, "t-new"));
  txn.PutMeta("k", "v");
  auto p = txn.Petition(0, "P1", &created);
  REQUIRE(p.ok());
  (*p)->category = "health";
  txn.MarkPetitionDirty(0, "P1");
  txn.Emit("alerts.red", "W1", "{}", "id-1");
  txn.SetOffset("lab-results", 0, 5);

  std::shared_ptr<StepChanges> step = txn.Detach();
  REQUIRE_FALSE(step->empty());
  txn.SetOverlay(step);

  SECTION("not yet applied") { CheckStepOneVisible(txn); }

  SECTION("applied by the committer while the overlay is still set, then without it") {
    careloop::app::Committer committer(*store);
    committer.Submit(step);
    step.reset();
    CHECK(committer.in_flight());
    careloop::Status st;
    state::WriteSet applied;
    while (!committer.Collect(false, &st, &applied)) std::this_thread::yield();
    REQUIRE(st.ok());
    CHECK_FALSE(committer.in_flight());
    REQUIRE(applied.outbox_add.size() == 1);
    CHECK(applied.outbox_add[0].topic == "alerts.red");
    CHECK(applied.outbox_add[0].id == "id-1");
    REQUIRE(applied.offsets.size() == 1);
    CHECK(applied.offsets[0].next_offset == 5);

    CheckStepOneVisible(txn);  // in the store and in the overlay: each thing once
    txn.SetOverlay(nullptr);
    CheckStepOneVisible(txn);  // from the store alone

    CheckStored(*store, 5, 1);
  }

  SECTION("the next step's own changes win over the overlay's") {
    auto w2 = txn.Worker(0, "W1", &created);
    REQUIRE(w2.ok());
    (*w2)->events = 8;  // a copy: the overlay keeps 7
    txn.RemoveTimer(100, "t-new");
    txn.SetTimer(MakeTimer(200, "t-next"));
    auto due = txn.DueTimers(1000, 100);
    REQUIRE(due.ok());
    REQUIRE(due->size() == 1);
    CHECK((*due)[0].timer_id == "t-next");
    auto again = txn.Worker(0, "W1", &created);
    REQUIRE(again.ok());
    CHECK((*again)->events == 8);
  }
}

TEST_CASE("The committer applies steps one after another and stops cleanly", "[unit]") {
  careloop::testing::TempDir dir;
  auto store = Open(dir.path());
  Txn txn(*store);
  {
    careloop::app::Committer committer(*store);
    for (int i = 0; i < 50; ++i) {
      txn.Emit("notifications", "W1", "{}", "id-" + std::to_string(i));
      txn.SetOffset("lab-results", 0, i + 1);
      std::shared_ptr<StepChanges> step = txn.Detach();
      txn.SetOverlay(step);
      if (committer.in_flight()) {
        careloop::Status st;
        state::WriteSet applied;
        REQUIRE(committer.Collect(true, &st, &applied));
        REQUIRE(st.ok());
        CHECK(applied.outbox_add.size() == 1);
      }
      committer.Submit(std::move(step));
    }
  }  // destroyed with a step in flight: it is applied first
  CheckStored(*store, 50, 50);
}
