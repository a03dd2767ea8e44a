#include "state/rocks_options.h"

#include <rocksdb/convenience.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <algorithm>

namespace careloop::state {
namespace {

constexpr std::size_t kMiB = std::size_t{1} << 20;
constexpr int kBloomBitsPerKey = 10;
// Share of a memtable's size given to its bloom filter (RocksDB allows up to 0.25).
constexpr double kMemtableBloomRatio = 0.02;
constexpr std::uint64_t kBlobMinBytes = 512;

// "default" is rocksdb::kDefaultColumnFamilyName, spelled out to avoid depending on the
// initialization order of another library's globals.
const char* const kFamilyNames[kFamilyCount] = {"default", "entities", "seen", "outbox", "timers"};

rocksdb::ColumnFamilyOptions FamilyOptions(const RocksOptions& r, const StoreOptions& o,
                                           rocksdb::CompressionType compression, bool bloom) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = r.cache;
  // Index and filter blocks live in the shared cache too, so it bounds all of them.
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  if (bloom) table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(kBloomBitsPerKey));

  rocksdb::ColumnFamilyOptions cf;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf.compaction_style = rocksdb::kCompactionStyleLevel;
  cf.compression = compression;
  // Each memtable may take a quarter of the shared budget (at least 1 MiB, at most the
  // RocksDB default of 64 MiB); the WriteBufferManager caps their sum.
  cf.write_buffer_size = std::clamp(o.write_buffer_mb * kMiB / 4, kMiB, 64 * kMiB);
  if (bloom) {
    // A bloom filter over each memtable's whole keys too: most point lookups miss the
    // memtables (a seen-id check nearly always; a worker file unless written in the last
    // seconds), and without one each miss walks the skip list of every memtable.
    cf.memtable_whole_key_filtering = true;
    cf.memtable_prefix_bloom_size_ratio = kMemtableBloomRatio;
  }
  return cf;
}

}  // namespace

rocksdb::CompressionType ChooseCompression() {
  const std::vector<rocksdb::CompressionType> supported = rocksdb::GetSupportedCompressions();
  for (rocksdb::CompressionType c : {rocksdb::kLZ4Compression, rocksdb::kSnappyCompression}) {
    if (std::find(supported.begin(), supported.end(), c) != supported.end()) return c;
  }
  return rocksdb::kNoCompression;
}

RocksOptions MakeRocksOptions(const StoreOptions& o, rocksdb::Env* env) {
  RocksOptions r;
  r.cache = rocksdb::NewLRUCache(std::max<std::size_t>(o.block_cache_mb, 1) * kMiB);
  r.buffers = std::make_shared<rocksdb::WriteBufferManager>(
      std::max<std::size_t>(o.write_buffer_mb, 1) * kMiB, r.cache);

  r.db.create_if_missing = !o.read_only;
  r.db.create_missing_column_families = !o.read_only;
  r.db.max_background_jobs = 2;
  r.db.write_buffer_manager = r.buffers;
  r.db.keep_log_file_num = 5;
  if (env != nullptr) r.db.env = env;

  const rocksdb::CompressionType compression = ChooseCompression();
  for (int f = 0; f < kFamilyCount; ++f) {
    const bool bloom = f == kEntities || f == kSeen;  // point lookups
    r.families.emplace_back(kFamilyNames[f], FamilyOptions(r, o, compression, bloom));
  }
  // Worker files (2-3 KB, each rewritten whole by every event of its worker) go to blob
  // files; the LSM tree keeps only keys and blob references, so compaction no longer
  // rewrites the files over and over (it took about a third of the pipeline's CPU).
  rocksdb::ColumnFamilyOptions& entities = r.families[kEntities].options;
  entities.enable_blob_files = true;
  entities.min_blob_size = kBlobMinBytes;
  entities.blob_file_size = 64 * kMiB;
  // Compressed unless state.compress_worker_files is false (store.h: what each costs).
  entities.blob_compression_type = o.compress_worker_files ? compression : rocksdb::kNoCompression;
  entities.enable_blob_garbage_collection = true;
  entities.blob_garbage_collection_age_cutoff = o.blob_gc_age_cutoff;  // store.h: why not 0.25
  entities.blob_cache = r.cache;  // the one shared cache bounds blobs too
  return r;
}

}  // namespace careloop::state
