// What only the RocksDB store can show: durability across reopen and kill -9, write
// failures, read-only opens, open errors and its tuning. The shared behaviour is in
// store_contract_test.cpp.
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "state/failing_fs.h"
#include "state/keys.h"
#include "state/rocks_options.h"
#include "state/rocks_store_testing.h"
#include "state/store_harness.h"

namespace careloop::state {
namespace {

using careloop::testing::TempDir;
using testing::AllOutbox;
using testing::DueTimers;
using testing::Entry;
using testing::MustApply;
using testing::OutboxSeqs;
using testing::SmallOptions;
using testing::StoreHarness;
using testing::StoreKind;

std::unique_ptr<Store> MustOpen(const StoreOptions& o) {
  auto r = OpenRocksStore(o);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return std::move(r).value();
}

std::optional<std::string> Entity(Store& s, std::string_view id) {
  auto r = s.GetEntity(EntityKind::kWorker, 0, id);
  REQUIRE(r.ok());
  return *r;
}

std::optional<std::int64_t> Offset(Store& s, std::string_view topic, std::int32_t p) {
  auto r = s.GetOffset(topic, p);
  REQUIRE(r.ok());
  return *r;
}

TEST_CASE("a partly confirmed step's outbox keeps its removals across reopens", "[integration]") {
  StoreHarness h(StoreKind::kRocks);
  WriteSet w;
  for (std::uint64_t seq = 1; seq <= 10; ++seq) w.AddOutbox(Entry(seq));
  MustApply(h.store(), w);
  w.Clear();
  for (std::uint64_t seq : {2, 9, 3}) w.RemoveOutbox(seq);
  MustApply(h.store(), w);

  h.Reopen();
  CHECK(OutboxSeqs(h.store()) == std::vector<std::uint64_t>{1, 4, 5, 6, 7, 8, 10});
  w.Clear();
  for (std::uint64_t seq : {1, 4, 5, 6, 7, 8}) w.RemoveOutbox(seq);
  MustApply(h.store(), w);
  h.Reopen();
  CHECK(OutboxSeqs(h.store()) == std::vector<std::uint64_t>{10});
  w.Clear();
  w.RemoveOutbox(10);
  MustApply(h.store(), w);

  // Nothing of the group is left behind: a stray removal bitmap would fail the open.
  h.Reopen();
  CHECK(AllOutbox(h.store()).empty());
  CHECK(h.store().NextOutboxSeq() == 11);
}

TEST_CASE("everything applied survives a reopen, NextOutboxSeq included", "[integration]") {
  StoreHarness h(StoreKind::kRocks);
  WriteSet w;
  w.PutEntity(EntityKind::kWorker, 3, "W-1", "file");
  w.MarkSeen(3, "ev-1");
  w.AddOutbox(Entry(1));
  w.AddOutbox(Entry(2));
  w.PutTimer(Timer{-20, "neg", 3, "p"});
  w.SetOffset("lab-results", 3, 99);
  w.PutMeta("rules_version", "r-1");
  MustApply(h.store(), w);
  w.Clear();
  w.RemoveOutbox(1);
  w.RemoveOutbox(2);
  MustApply(h.store(), w);
  CHECK(h.store().NextOutboxSeq() == 3);

  h.Reopen();
  Store& s = h.store();
  CHECK(s.NextOutboxSeq() == 3);  // the counter survives even with the outbox empty
  CHECK(AllOutbox(s).empty());
  CHECK(*s.GetEntity(EntityKind::kWorker, 3, "W-1") == std::optional<std::string>("file"));
  CHECK(*s.IsSeen(3, "ev-1"));
  CHECK(DueTimers(s, 0) == std::vector<std::pair<TimeMs, std::string>>{{-20, "neg"}});
  CHECK(Offset(s, "lab-results", 3) == 99);
  CHECK(*s.GetMeta("rules_version") == std::optional<std::string>("r-1"));
}

// The set of one processing step that emitted three records, as the engine writes it.
WriteSet StepWithOutput() {
  WriteSet w;
  w.PutEntity(EntityKind::kWorker, 0, "W-1", "file after the step");
  w.MarkSeen(0, "ev-7");
  for (std::uint64_t seq : {1, 2, 3}) w.AddOutbox(Entry(seq, seq == 1 ? "alerts.red" : "alerts"));
  w.SetOffset("lab-results", 0, 8);
  w.SetOffset("checkins", 1, 3);
  return w;
}

void CheckUndrained(Store& s) {
  const std::vector<OutboxEntry> out = AllOutbox(s);
  REQUIRE(out.size() == 3);  // all there, exactly once
  CHECK(out[0].seq == 1);
  CHECK(out[0].topic == "alerts.red");
  CHECK(out[0].value == "{\"seq\":1}");
  CHECK(out[1].seq == 2);
  CHECK(out[2].seq == 3);
  CHECK(out[2].id == "id-3");
  CHECK(s.NextOutboxSeq() == 4);
  CHECK(Offset(s, "lab-results", 0) == 8);
  CHECK(Offset(s, "checkins", 1) == 3);
  CHECK(Entity(s, "W-1") == "file after the step");
  CHECK(*s.IsSeen(0, "ev-7"));
}

TEST_CASE("a stop between writing and draining keeps the outbox and offsets together",
          "[integration]") {
  StoreHarness h(StoreKind::kRocks);
  MustApply(h.store(), StepWithOutput());
  h.Reopen();  // stopped before any entry was delivered
  CheckUndrained(h.store());

  WriteSet drained;
  for (std::uint64_t seq : {1, 2, 3}) drained.RemoveOutbox(seq);
  MustApply(h.store(), drained);
  h.Reopen();
  CHECK(AllOutbox(h.store()).empty());
  CHECK(h.store().NextOutboxSeq() == 4);
  CHECK(Offset(h.store(), "lab-results", 0) == 8);
}

constexpr const char* kCrashDirEnv = "CARELOOP_STATE_CRASH_DIR";

// Started as a child process by the next test: applies one step, then kills itself with
// SIGKILL, so nothing is closed or flushed (a real kill -9, not a clean shutdown).
TEST_CASE("crash child: apply one step, then kill -9 itself", "[.][crash_child]") {
  const char* dir = std::getenv(kCrashDirEnv);
  if (dir == nullptr) return;  // only meaningful when started by the test below
  auto store = OpenRocksStore(SmallOptions(dir));
  if (!store.ok()) _exit(2);
  if (!(*store)->Apply(StepWithOutput()).ok()) _exit(3);
  kill(getpid(), SIGKILL);
  _exit(4);
}

TEST_CASE("a kill -9 after a step keeps its outbox entries and offsets", "[integration]") {
  TempDir dir;
  REQUIRE_FALSE(dir.path().empty());
  const std::string exe = std::filesystem::read_symlink("/proc/self/exe").string();
  REQUIRE(setenv(kCrashDirEnv, dir.path().c_str(), 1) == 0);
  int status = -1;
  careloop::testing::RunCommand({exe, "[crash_child]"}, &status);
  unsetenv(kCrashDirEnv);
  REQUIRE(status == 128 + SIGKILL);
  auto s = MustOpen(SmallOptions(dir.path()));
  CheckUndrained(*s);
}

TEST_CASE("a failed write applies nothing and the store refuses further writes", "[integration]") {
  TempDir dir;
  auto fs = std::make_shared<testing::FailingFs>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  {
    auto opened = OpenRocksStoreWithEnv(SmallOptions(dir.path()), env.get());
    REQUIRE(opened.ok());
    Store& s = **opened;
    WriteSet before;
    before.PutEntity(EntityKind::kWorker, 0, "W-1", "v1");
    before.AddOutbox(Entry(1));
    before.PutTimer(Timer{10, "t", 0, ""});
    before.SetOffset("lab-results", 0, 10);
    before.PutMeta("k", "before");
    MustApply(s, before);

    fs->SetFail(true);
    WriteSet failing;
    failing.PutEntity(EntityKind::kWorker, 0, "W-1", "v2");
    failing.PutEntity(EntityKind::kWorker, 0, "W-2", "new");
    failing.MarkSeen(0, "ev-2");
    failing.AddOutbox(Entry(2));
    failing.RemoveOutbox(1);
    failing.RemoveTimer(10, "t");
    failing.SetOffset("lab-results", 0, 11);
    failing.PutMeta("k", "after");
    Status st = s.Apply(failing);
    REQUIRE(st.code() == Status::Code::kIoError);
    CHECK(st.message().find("injected write failure") != std::string::npos);
    CHECK(st.message().find(dir.path()) != std::string::npos);
    CHECK(s.NextOutboxSeq() == 2);  // not advanced by the failed set

    // Refused from now on, with the same error, even when the disk would work again.
    WriteSet next;
    next.MarkSeen(0, "ev-3");
    Status again = s.Apply(next);
    CHECK(again.code() == Status::Code::kIoError);
    CHECK(again.message() == st.message());
    fs->SetFail(false);
    CHECK(s.Apply(next).message() == st.message());
    CHECK_FALSE(*s.IsSeen(0, "ev-3"));

    // Reads still work and show the state before the failed set.
    CHECK(Entity(s, "W-1") == "v1");
    CHECK_FALSE(Entity(s, "W-2").has_value());
    fs->SetFail(true);  // the close may try to write again: keep the disk refusing
  }
  fs->SetFail(false);
  auto s = MustOpen(SmallOptions(dir.path()));
  CHECK(Entity(*s, "W-1") == "v1");
  CHECK_FALSE(Entity(*s, "W-2").has_value());
  CHECK_FALSE(*s->IsSeen(0, "ev-2"));
  CHECK_FALSE(*s->IsSeen(0, "ev-3"));
  CHECK(OutboxSeqs(*s) == std::vector<std::uint64_t>{1});
  CHECK(s->NextOutboxSeq() == 2);
  CHECK(DueTimers(*s, 10).size() == 1);
  CHECK(Offset(*s, "lab-results", 0) == 10);
  CHECK(*s->GetMeta("k") == std::optional<std::string>("before"));
}

TEST_CASE("a read-only open reads everything and refuses writes", "[integration]") {
  TempDir dir;
  {
    auto s = MustOpen(SmallOptions(dir.path()));
    WriteSet w;
    w.PutEntity(EntityKind::kWorker, 0, "W-1", "file");
    w.AddOutbox(Entry(5));
    w.SetOffset("petitions", 2, 77);
    MustApply(*s, w);
  }
  StoreOptions o = SmallOptions(dir.path());
  o.read_only = true;
  auto s = MustOpen(o);
  CHECK(Entity(*s, "W-1") == "file");
  CHECK(OutboxSeqs(*s) == std::vector<std::uint64_t>{5});
  CHECK(s->NextOutboxSeq() == 6);
  CHECK(Offset(*s, "petitions", 2) == 77);
  WriteSet w;
  w.MarkSeen(0, "ev");
  Status st = s->Apply(w);
  CHECK(st.code() == Status::Code::kInvalidArgument);
  CHECK(st.message().find("read-only") != std::string::npos);
}

TEST_CASE("open errors name the path and the reason", "[integration]") {
  TempDir dir;
  SECTION("a read-only open of a missing store") {
    StoreOptions o = SmallOptions(dir.path() + "/missing");
    o.read_only = true;
    auto r = OpenRocksStore(o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kIoError);
    CHECK(r.status().message().find(o.path) != std::string::npos);
    CHECK(r.status().message().find("read-only") != std::string::npos);
  }
  SECTION("a path that is a regular file") {
    const std::string file = dir.path() + "/plain";
    std::ofstream(file) << "not a directory";
    auto r = OpenRocksStore(SmallOptions(file));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kIoError);
    CHECK(r.status().message().find(file) != std::string::npos);
  }
  SECTION("a store another writer holds open") {
    auto first = MustOpen(SmallOptions(dir.path()));
    auto second = OpenRocksStore(SmallOptions(dir.path()));
    REQUIRE_FALSE(second.ok());
    CHECK(second.status().message().find("LOCK") != std::string::npos);
  }
  SECTION("no path at all") {
    auto r = OpenRocksStore(SmallOptions(""));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kInvalidArgument);
  }
}

TEST_CASE("a store of another format is refused", "[integration]") {
  TempDir dir;
  MustOpen(SmallOptions(dir.path())).reset();
  {
    // Rewrite the format marker behind the store's back.
    std::vector<std::string> names;
    REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir.path(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const auto& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(rocksdb::DBOptions(), dir.path(), families, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    CHECK(db->Put(rocksdb::WriteOptions(), std::string(keys::kFormat), "9").ok());
    for (auto* h : handles) CHECK(db->DestroyColumnFamilyHandle(h).ok());
    CHECK(db->Close().ok());
  }
  auto r = OpenRocksStore(SmallOptions(dir.path()));
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kCorruption);
  CHECK(r.status().message().find("format") != std::string::npos);
}

TEST_CASE("size and cache figures come from RocksDB", "[integration]") {
  StoreHarness h(StoreKind::kRocks);
  WriteSet w;
  for (int i = 0; i < 100; ++i) {
    w.PutEntity(EntityKind::kWorker, 0, "W-" + std::to_string(i), std::string(400, 'x'));
  }
  MustApply(h.store(), w);
  CHECK(h.store().ApproximateSizeBytes() >= 100 * 400);
  // Memtables are charged to the shared block cache by the WriteBufferManager.
  CHECK(h.store().BlockCacheUsageBytes() > 0);
}

TEST_CASE("worker files live in blob files and read back across rewrites and reopens",
          "[integration]") {
  const bool compress = GENERATE(false, true);
  INFO("compress_worker_files " << compress);
  StoreHarness h(StoreKind::kRocks, [&](StoreOptions& o) { o.compress_worker_files = compress; });
  std::string file;
  for (int version = 0; version < 20; ++version) {
    // A worker file's size, of bytes that do not compress away.
    std::uint32_t x = 2463534242u + static_cast<std::uint32_t>(version);
    file = testing::IncompressibleBytes(3000, &x);
    WriteSet w;
    w.PutEntity(EntityKind::kWorker, 0, "W-1", file);
    w.PutEntity(EntityKind::kWorker, 0, "W-" + std::to_string(version + 2), "small");
    MustApply(h.store(), w);
    if (version % 5 == 4) h.Reopen();  // flushed on close: into SSTs and blob files
  }
  CHECK(Entity(h.store(), "W-1") == file);
  CHECK(Entity(h.store(), "W-2") == std::optional<std::string>("small"));
  int blobs = 0;
  for (const auto& e : std::filesystem::directory_iterator(h.path())) {
    if (e.path().extension() == ".blob") ++blobs;
  }
  CHECK(blobs > 0);
  CHECK(h.store().ApproximateSizeBytes() >= 3000);  // blob files counted
}

TEST_CASE("every column family shares one cache; blooms on entities and seen", "[unit]") {
  StoreOptions o = SmallOptions("/nowhere");
  o.block_cache_mb = 16;
  o.write_buffer_mb = 32;
  RocksOptions r = MakeRocksOptions(o, nullptr);
  CHECK(r.cache->GetCapacity() == 16u << 20);
  CHECK(r.buffers->buffer_size() == 32u << 20);
  CHECK(r.buffers->cost_to_cache());
  CHECK(r.db.write_buffer_manager == r.buffers);
  CHECK(r.db.max_background_jobs == 2);
  CHECK(r.db.create_if_missing);
  CHECK(r.db.create_missing_column_families);
  REQUIRE(r.families.size() == kFamilyCount);
  const char* names[] = {"default", "entities", "seen", "outbox", "timers"};
  for (int f = 0; f < kFamilyCount; ++f) {
    INFO(names[f]);
    CHECK(r.families[f].name == names[f]);
    auto* t = r.families[f].options.table_factory->GetOptions<rocksdb::BlockBasedTableOptions>();
    REQUIRE(t != nullptr);
    CHECK(t->block_cache == r.cache);
    CHECK((t->filter_policy != nullptr) == (f == kEntities || f == kSeen));
    // The memtables of the point-lookup families have a whole-key bloom filter too.
    const bool point = f == kEntities || f == kSeen;
    CHECK(r.families[f].options.memtable_whole_key_filtering == point);
    CHECK((r.families[f].options.memtable_prefix_bloom_size_ratio > 0) == point);
    CHECK(r.families[f].options.compression == ChooseCompression());
    CHECK(r.families[f].options.compaction_style == rocksdb::kCompactionStyleLevel);
    CHECK(r.families[f].options.enable_blob_files == (f == kEntities));
  }
  CHECK(r.families[kEntities].options.enable_blob_garbage_collection);
  CHECK(r.families[kEntities].options.blob_garbage_collection_age_cutoff == 0.1);
  o.blob_gc_age_cutoff = 0.3;
  CHECK(
      MakeRocksOptions(o, nullptr).families[kEntities].options.blob_garbage_collection_age_cutoff ==
      0.3);
  o.blob_gc_age_cutoff = 0.1;
  // Worker files are compressed unless asked not to be.
  CHECK(r.families[kEntities].options.blob_compression_type == ChooseCompression());
  o.compress_worker_files = false;
  CHECK(MakeRocksOptions(o, nullptr).families[kEntities].options.blob_compression_type ==
        rocksdb::kNoCompression);
  const auto supported = rocksdb::GetSupportedCompressions();
  const bool has_lz4 =
      std::find(supported.begin(), supported.end(), rocksdb::kLZ4Compression) != supported.end();
  if (has_lz4) CHECK(ChooseCompression() == rocksdb::kLZ4Compression);
}

}  // namespace
}  // namespace careloop::state
