// Blob garbage collection held at a garbage share (state/blob_gc.h): the rule, and the
// RocksDB store moving the cutoff it gives RocksDB.
#include "state/blob_gc.h"

#include <rocksdb/convenience.h>
#include <rocksdb/utilities/options_util.h>

#include <catch2/catch.hpp>
#include <string>

#include "state/store_harness.h"

namespace careloop::state {
namespace {

using testing::MustApply;
using testing::StoreHarness;
using testing::StoreKind;

TEST_CASE("the GC cutoff halves below the garbage target and doubles above it", "[unit]") {
  // Target 0.3: below 0.225 down, above 0.375 up, in between kept.
  CHECK(NextBlobGcCutoff(0.1, 1000, 0, 0.3) == 0.05);
  CHECK(NextBlobGcCutoff(0.1, 1000, 224, 0.3) == 0.05);
  CHECK(NextBlobGcCutoff(0.1, 1000, 226, 0.3) == 0.1);
  CHECK(NextBlobGcCutoff(0.1, 1000, 374, 0.3) == 0.1);
  CHECK(NextBlobGcCutoff(0.1, 1000, 376, 0.3) == 0.2);
  // Bounded: never below kMinBlobGcCutoff (0.01), never above 1.
  CHECK(NextBlobGcCutoff(0.015, 1000, 0, 0.3) == kMinBlobGcCutoff);
  CHECK(NextBlobGcCutoff(kMinBlobGcCutoff, 1000, 0, 0.3) == kMinBlobGcCutoff);
  CHECK(NextBlobGcCutoff(0.8, 1000, 900, 0.3) == kMaxBlobGcCutoff);
  // No blob files yet: nothing to judge by.
  CHECK(NextBlobGcCutoff(0.1, 0, 0, 0.3) == 0.1);
}

// The entities family's cutoff in the store's latest OPTIONS file (RocksDB writes one at
// open and at each SetOptions).
double CutoffOnDisk(const std::string& path) {
  rocksdb::ConfigOptions co;
  rocksdb::DBOptions db;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  rocksdb::Status s = rocksdb::LoadLatestOptions(co, path, &db, &families);
  INFO(s.ToString());
  REQUIRE(s.ok());
  for (const auto& f : families) {
    if (f.name == "entities") return f.options.blob_garbage_collection_age_cutoff;
  }
  FAIL("no entities column family in the OPTIONS file");
  return -1;
}

// `n` worker files of ~3 KB that do not compress away, all different.
WriteSet Files(int n, std::uint32_t seed) {
  WriteSet w;
  std::uint32_t x = seed;
  for (int i = 0; i < n; ++i) {
    const std::string file = testing::IncompressibleBytes(3000, &x);
    w.PutEntity(EntityKind::kWorker, 0, "W-" + std::to_string(i), file);
  }
  return w;
}

TEST_CASE("the store lowers the GC cutoff while its blob files hold no garbage", "[integration]") {
  StoreHarness h(StoreKind::kRocks, [](StoreOptions& o) {
    o.blob_gc_age_cutoff = 0.1;
    o.blob_garbage_target = 0.3;
  });
  CHECK(CutoffOnDisk(h.path()) == 0.1);
  MustApply(h.store(), Files(300, 2463534242u));
  h.Reopen();  // flushed on close: the files are now in a blob file, none of it garbage
  REQUIRE(CutoffOnDisk(h.path()) == 0.1);
  // The store looks every 64 writes.
  for (int i = 0; i < 63; ++i) {
    WriteSet w;
    w.PutMeta("k", std::to_string(i));
    MustApply(h.store(), w);
  }
  CHECK(CutoffOnDisk(h.path()) == 0.1);
  WriteSet w;
  w.PutMeta("k", "last");
  MustApply(h.store(), w);
  CHECK(CutoffOnDisk(h.path()) == 0.05);
}

TEST_CASE("with blob_garbage_target 0 the cutoff stays as configured", "[integration]") {
  StoreHarness h(StoreKind::kRocks, [](StoreOptions& o) {
    o.blob_gc_age_cutoff = 0.2;
    o.blob_garbage_target = 0;
  });
  MustApply(h.store(), Files(300, 88675123u));
  h.Reopen();
  for (int i = 0; i < 200; ++i) {
    WriteSet w;
    w.PutMeta("k", std::to_string(i));
    MustApply(h.store(), w);
  }
  CHECK(CutoffOnDisk(h.path()) == 0.2);
}

}  // namespace
}  // namespace careloop::state
