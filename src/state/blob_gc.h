// Blob garbage collection held at a garbage share: how far back compactions collect.
//
// Worker files live in blob files; a rewritten file leaves its old blob behind as
// garbage. RocksDB collects it when a compaction meets a key whose blob sits in the
// oldest `cutoff` share of blob files: it rewrites that blob into a new file, and an old
// file with nothing live left is deleted. Every compaction of the worker-file keys meets
// all of them (they are small and share one level), so a fixed cutoff rewrites that share
// of all live files each time: work that grows with the population. Instead the store
// moves the cutoff to hold the garbage near a target share of the blob bytes: down while
// there is less garbage (little or nothing rewritten), up while there is more.
//
// Thread-safety: pure function.
#pragma once

#include <cstdint>

namespace careloop::state {

constexpr double kMinBlobGcCutoff = 0.01;
constexpr double kMaxBlobGcCutoff = 1.0;

// The cutoff to use next, from the current one, the bytes of the live blob files and of
// the garbage in them, and the target garbage share (0 < target < 1). Halves below
// 0.75 × target, doubles above 1.25 × target (within the bounds above), else keeps it.
double NextBlobGcCutoff(double cutoff, std::uint64_t blob_bytes, std::uint64_t garbage_bytes,
                        double target);

}  // namespace careloop::state
