// ChildProcess: starts this executable's `pipeline` mode (pipeline_child.h) in its own
// process and reads its report lines. The child's stderr (its logs) is appended to
// `log_file`.
//
// Ownership: owns the pipe (closed, and the child waited for, on destruction).
// Thread-safety: one thread.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "careloop/status.h"
#include "pipeline_child.h"

namespace careloop::bench {

struct ChildResult {
  double open_s = 0, first_s = 0, last_s = 0, done_s = 0;
  double events = 0, records_lost = 0, outbox_left = 0;
  double rss_mb = 0, peak_rss_mb = 0, block_cache_mb = 0;
  double cpu_s = 0;  // the pipeline process's CPU from its first record to the end
  bool timed_out = false, ok = false;
};

class ChildProcess {
 public:
  static Result<std::unique_ptr<ChildProcess>> Spawn(const ChildArgs& args,
                                                     const std::string& log_file);
  ~ChildProcess();
  // Waits for the "first" line: seconds from the child's start to its first record.
  Result<double> WaitFirst();
  // Waits for the "result" line and the child's exit.
  Result<ChildResult> Wait();

 private:
  explicit ChildProcess(FILE* pipe) : pipe_(pipe) {}
  Result<std::string> NextLine();
  FILE* pipe_;
};

}  // namespace careloop::bench
