// Preload: builds the state of a screened population by running its whole event stream
// through the processing core (engine::Processor over a RocksDB store), as `replay`
// does, except that each record is placed at the Kafka partition its key maps to, so the
// live pipeline finds each worker's file where it will look for it. Event time, as in
// replay: deadlines due before each event fire first. One WriteBatch per 20 records;
// outbound records are counted, not kept (the outbox stays empty).
//
// Ownership: borrows the config. Thread-safety: one thread.
#pragma once

#include <cstdint>
#include <string>

#include "config.h"

namespace careloop::bench {

struct PreloadResult {
  std::uint64_t events = 0;       // input records processed
  std::uint64_t records_out = 0;  // outbound records they caused
  double seconds = 0;
  std::uint64_t workers = 0;     // worker files in state afterwards
  double worker_file_bytes = 0;  // their mean encoded size
  double store_mb = 0;           // approximate size on disk
};

// Builds the state of `workers` workers in `dir` (must not exist yet).
Result<PreloadResult> Preload(const app::LoadedConfig& config, std::uint64_t workers,
                              int partitions, const std::string& dir);

}  // namespace careloop::bench
