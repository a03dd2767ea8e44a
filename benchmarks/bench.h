// careloop_bench: the benchmark harness behind `benchmarks/run`. Shared pieces: the
// settings of one run, timing, process figures (RSS), medians, and the input streams
// (a preloaded population and the "new events" that hit it).
//
// Every figure is measured in the same process tree and the same run as its ceiling, so
// ratios are meaningful on a shared machine.
//
// Ownership: plain values. Thread-safety: none needed (the harness is single-threaded
// except where a file says otherwise).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "careloop/gen/generator.h"
#include "careloop/time.h"

namespace careloop::bench {

// The sizes of one run. `Short()` is the CI smoke form (under 3 minutes of measuring).
struct Settings {
  std::string config_dir = "config";     // careloop's config directory
  std::string work_dir;                  // scratch: state stores, RocksDB ceiling
  int runs = 3;                          // repetitions whose median is reported
  int partitions = 64;                   // of every topic; fixed: state keys carry it
  std::uint64_t main_workers = 1000000;  // e2e, latency, restart population
  std::vector<std::uint64_t> scale_workers = {100000, 1000000, 10000000};
  std::uint64_t new_events = 280000;      // the backlog each e2e run consumes
  std::uint64_t engine_workers = 100000;  // Replay() benchmark population
  double latency_seconds = 30;            // paced run length
  double latency_load = 0.5;              // share of the measured e2e maximum
  double latency_eps = 0;                 // > 0: this offered rate instead (A/B runs)
  bool short_form = false;
  // Populations above `clone_above` (and above `clone_base`) get a cloned state
  // (clone_state.h): a fully preloaded state of `clone_base` workers plus renamed copies
  // of its worker files, instead of preloading their whole stream through the engine.
  std::uint64_t clone_above = 1000000;
  std::uint64_t clone_base = 1000000;

  static Settings Long();
  static Settings Short();
};

using SteadyClock = std::chrono::steady_clock;
inline double SecondsSince(SteadyClock::time_point t) {
  return std::chrono::duration<double>(SteadyClock::now() - t).count();
}

// Resident set size and its peak (VmRSS, VmHWM of /proc/self/status), in MiB.
double RssMb();
double PeakRssMb();
// CPU seconds (user + system) of this process's threads named `name` (/proc/self/task).
double ThreadsCpuSeconds(std::string_view name);

double Median(std::vector<double> v);

// One input record: the Kafka key (worker id) and the JSON message.
struct Event {
  std::string key;
  std::string json;
};

// The Kafka partition librdkafka's default partitioner (consistent_random: CRC32 of the
// key) picks for `key` among `partitions`. The preload must put each worker's state
// under that partition, as the live pipeline keys state by the record's partition.
std::int32_t KafkaPartition(std::string_view key, int partitions);

// The generator options of the preload of `workers` (seed 42, lab results only, the
// default mix of bad input and re-sends). Its event time starts so that its last event
// (a second exam up to 110 days after the last first exam) falls about an hour before
// now: the deadlines it leaves pending lie in the future of the wall clock the pipeline
// runs on, so they do not all fire when it starts.
gen::Options PreloadOptions(std::uint64_t workers);

// New lab results for about `count` workers drawn uniformly from a population of
// `workers` (a second round of exams, seed 4242, occurring from tomorrow on, so their
// event ids are new and each is the worker's latest result). Each chosen worker's events
// stay in order; the workers come in random order (uniform key access, as in life).
std::vector<Event> NewEvents(std::uint64_t workers, std::uint64_t count);

// The whole preload stream of `workers` as JSON Lines (for Replay()).
std::string PreloadJsonl(std::uint64_t workers);

// "W0001234"-style id of a worker index (0-based), as the generator names them.
std::string WorkerId(std::uint64_t index);

}  // namespace careloop::bench
