// Cheap copies of a state directory and the "cloned population": the state of a large
// population made from a fully preloaded smaller one, without running the large
// population's stream through the engine (issue 7: 10 million workers would take about
// 50 minutes to preload).
//
// Ownership: plain values; the functions own the RocksDB handles they open.
// Thread-safety: one thread; neither directory may be open elsewhere meanwhile.
#pragma once

#include <cstdint>
#include <string>

#include "careloop/status.h"

namespace careloop::bench {

// Makes `to` (replaced if present) an independent copy of the closed RocksDB directory
// `from`: table and blob files (immutable: RocksDB never changes a finished one, and a
// DB deletes obsolete files by unlinking its own name) are hard-linked, every other file
// (MANIFEST, WAL, CURRENT, OPTIONS, ...) is copied. Falls back to copying a table file
// when linking is impossible (another filesystem).
Status LinkCopyState(const std::string& from, const std::string& to);

struct CloneResult {
  std::uint64_t base_workers = 0;  // worker files in the base state
  std::uint64_t workers = 0;       // worker files in the result (base's plus clones)
  std::uint64_t clones = 0;        // worker files written as renamed copies
  double worker_file_bytes = 0;    // mean encoded size of the result's worker files
  double seconds = 0;              // building the result from the base (not the base)
  double store_mb = 0;             // size of the result's files on disk
};

// Builds in `dir` (replaced) the state of a population of `workers` workers from the
// preloaded state `base_dir` of the population of its first `base_workers` workers:
//  - every column family but `entities` (meta and format marker, seen event ids,
//    outbox, timers) is copied from the base unchanged;
//  - every entity of the base is kept unchanged;
//  - for each index j in [base_workers, workers) whose source index j % base_workers has
//    a worker file, that file is decoded, its worker_id set to WorkerId(j) (the id the
//    generator gives index j, so bench::NewEvents for `workers` hits it), re-encoded and
//    stored under KafkaPartition(id, partitions). Exam and case ids stay the source's.
// Clones get no timers and no seen event ids: they have no pending deadlines.
// The entities are written as sorted, non-overlapping table files and ingested into an
// empty column family (no compaction). The result opens with state::OpenRocksStore.
Result<CloneResult> CloneState(const std::string& base_dir, std::uint64_t base_workers,
                               std::uint64_t workers, int partitions, const std::string& dir);

}  // namespace careloop::bench
