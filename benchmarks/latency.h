// Red-alert latency at a fixed offered load: new lab results are produced to the broker
// at `rate` per second (paced, one producer, linger.ms=1) while the pipeline child
// processes them; a reader of `alerts.red` (its own consumer group, assigned before the
// load starts) takes each red alert's cause_event_id and records the time from that
// event's Produce() call to the alert being read. The first second of samples is warm-up
// and left out.
//
// Ownership: borrows the events. Thread-safety: the reader runs on its own thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench.h"
#include "careloop/status.h"
#include "child.h"

namespace careloop::bench {

struct LatencyResult {
  double p50_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0;
  double offered_eps = 0;   // the target rate
  double achieved_eps = 0;  // what the paced producer actually sent
  std::uint64_t samples = 0;
  std::uint64_t sent = 0;
  // p50 and p99 of each fifth of the run (by send time): a latency that grows along the
  // run is a queue building up, not a constant cost.
  std::vector<double> p50_by_fifth_ms, p99_by_fifth_ms;
  // The embedded broker's thread (rdk:mock, in this process), cores busy in each fifth:
  // its fetch path scans a partition's message sets from the oldest (librdkafka 2.0.2's
  // mock keeps no offset index), so its cost grows with what the run has produced.
  std::vector<double> broker_cores_by_fifth;
  ChildResult child;
};

struct LatencyRun {
  std::string bootstrap;
  std::string alerts_red_topic;
  int partitions = 0;
  double rate = 0;
  double seconds = 0;
  ChildArgs child;  // expect is filled in
  std::string child_log;
};

Result<LatencyResult> MeasureLatency(const LatencyRun& run, const std::vector<Event>& events);

}  // namespace careloop::bench
