// The pipeline side of the end-to-end benchmarks, run in its own process (so its RSS is
// its own, apart from the broker and the load generator): careloop's app::Pipeline with
// the full guarantees (state, outbox and offsets in one WriteBatch; idempotent producer;
// an outbox entry removed only after its delivery report) over a state directory, until
// `expect` input records have been processed; then it drains the outbox and stops.
//
// Protocol on stdout, one line each, flushed: "first <s>" when the first record has been
// processed, then "result <json>" with the times (seconds since the child started):
// open_s, first_s, last_s (expect-th record processed), done_s (outbox drained, consumer
// closed), and events, records_lost, outbox_left, rss_mb (at the last record),
// peak_rss_mb, block_cache_mb, timed_out.
//
// Thread-safety: the pipeline runs on the calling thread; a watcher thread reads the
// metrics (thread-safe) and sets the stop flag.
#pragma once

#include <cstdint>
#include <string>

namespace careloop::bench {

struct ChildArgs {
  std::string config_dir;
  std::string bootstrap;
  std::string state_dir;
  std::string group;
  std::uint64_t expect = 0;
  double timeout_s = 600;
};

// Returns the process exit code.
int RunPipelineChild(const ChildArgs& args);

}  // namespace careloop::bench
