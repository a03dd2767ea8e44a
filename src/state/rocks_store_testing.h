// A test seam of the RocksDB store, kept out of the public header because it names a
// RocksDB type.
#pragma once

#include <memory>

#include "careloop/state/store.h"

namespace rocksdb {
class Env;
}

namespace careloop::state {

// As OpenRocksStore, with every file access going through `env` (tests inject write
// failures with a rocksdb::FileSystemWrapper behind rocksdb::NewCompositeEnv).
// REQUIRES: `env` outlives the returned store. nullptr means the default Env.
Result<std::unique_ptr<Store>> OpenRocksStoreWithEnv(const StoreOptions& options,
                                                     rocksdb::Env* env);

}  // namespace careloop::state
