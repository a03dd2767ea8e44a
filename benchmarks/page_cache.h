// The operating system's page cache over a state directory, set before a timed run so
// that the run measures what it means to: a service that has been running (its state's
// files read before, so in the page cache when memory allows) or one whose state was
// never read since the machine started (every first read goes to the disk).
//
// Measured (2026-12-03, 200 k workers, 100 k new events, same build): 4,933 and 5,330
// ev/s with the page cache dropped before the run, 7,695 and 7,736 with the files read
// first (260-279 against 212-216 us of the pipeline's CPU per event). A long form that
// reuses yesterday's state otherwise measures whatever the machine left in the cache.
//
// Ownership: plain values. Thread-safety: one thread; the files may be open elsewhere
// (only read, or advised).
#pragma once

#include <string>

#include "careloop/status.h"

namespace careloop::bench {

struct PageCacheStep {
  double seconds = 0;         // the time the step took
  double mb = 0;              // size of the files it went over
  double resident_share = 0;  // of those bytes, the share in the page cache before it
};

// Reads every regular file under `dir` once, to its end: afterwards their pages are in
// the page cache (if memory allows).
Result<PageCacheStep> WarmPageCache(const std::string& dir);

// Writes back and drops the cached pages of every regular file under `dir`
// (posix_fadvise POSIX_FADV_DONTNEED after fdatasync; no privilege needed). Pages other
// processes have mapped may stay.
Result<PageCacheStep> EvictPageCache(const std::string& dir);

// The share of the bytes of the regular files under `dir` that are in the page cache
// (mincore; reads nothing).
Result<double> CachedShare(const std::string& dir);

}  // namespace careloop::bench
