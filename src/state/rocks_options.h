// The RocksDB tuning of the state store: which column families exist and how each is
// configured, all sharing one block cache and one write-buffer budget (architecture.md,
// guarantee 6: bounded memory).
//
// Thread-safety: plain values, built once at open.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_buffer_manager.h>

#include "careloop/state/store.h"

namespace careloop::state {

// Column family indexes into RocksOptions::families (and the store's handles).
enum Family : int { kDefault = 0, kEntities, kSeen, kOutbox, kTimers, kFamilyCount };

struct RocksOptions {
  std::shared_ptr<rocksdb::Cache> cache;                 // shared by every family
  std::shared_ptr<rocksdb::WriteBufferManager> buffers;  // charges memtables to `cache`
  rocksdb::DBOptions db;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;  // in Family order
};

// REQUIRES: `env` is null or outlives the DB opened with the result.
RocksOptions MakeRocksOptions(const StoreOptions& options, rocksdb::Env* env);

// The compression used for tables: LZ4 when this librocksdb supports it, else Snappy,
// else none.
rocksdb::CompressionType ChooseCompression();

}  // namespace careloop::state
