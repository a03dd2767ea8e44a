// Simulated disk faults for the RocksDB store, for tests and drills only: a RocksDB
// FileSystem that answers writes with IOError "No space left on device" once triggered.
// Enabled only by the environment variable CARELOOP_FAULT_FS, read when a store opens:
//
//   CARELOOP_FAULT_FS=nospace-when=PATH   writes fail while the file PATH exists
//                                         (create it to fill the disk, remove it to free)
//   CARELOOP_FAULT_FS=nospace-after=BYTES writes fail once this process has written
//                                         BYTES bytes to state files (0: at once, so
//                                         even opening the store fails)
//
// "Writes" are: creating a writable file and appending to one (WAL, MANIFEST, SST,
// OPTIONS). Reads are never touched. Unset (the default), stores use the plain Env.
#pragma once

#include <string_view>

#include "careloop/status.h"

namespace rocksdb {
class Env;
}

namespace careloop::state {

inline constexpr const char* kFaultFsEnvVar = "CARELOOP_FAULT_FS";

// The Env for stores to open with: nullptr (the default Env) when CARELOOP_FAULT_FS is
// unset or empty; else a process-lifetime Env with the fault file system (the first call
// builds it; later calls return the same one). InvalidArgument for a malformed value.
// Thread-safety: any thread.
Result<rocksdb::Env*> FaultEnvFromEnvironment();

// The same from a spec string as above (tests); each call builds a new Env, owned by the
// process (never freed).
Result<rocksdb::Env*> MakeFaultEnv(std::string_view spec);

}  // namespace careloop::state
