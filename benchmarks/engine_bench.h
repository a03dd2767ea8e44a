// The processing core alone: engine::Replay() (no Kafka) of a population's JSON Lines,
// from an empty state, over the in-memory store and over a fresh RocksDB store.
// Output records are counted, not written.
//
// Ownership: borrows the config. Thread-safety: one thread.
#pragma once

#include <string>

#include "config.h"

namespace careloop::bench {

struct EngineRate {
  double events_per_second = 0;
  double seconds = 0;
  std::uint64_t events = 0;
  double records_out_per_event = 0;
};

// `rocks_dir` empty: the in-memory store; otherwise a RocksDB store created there (the
// directory is removed first and afterwards).
Result<EngineRate> ReplayRate(const app::LoadedConfig& config, const std::string& jsonl,
                              const std::string& rocks_dir);

}  // namespace careloop::bench
