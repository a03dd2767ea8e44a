// The scenarios of one benchmark run and the figures they add to the results document.
//
//   RunEngine       Replay() over the memory store and over RocksDB (engine_*).
//   RunPopulation   for a population of N workers: preload (or reuse) its state, make the
//                   new events, produce them to a fresh embedded broker (checking that the
//                   broker kept every one), then the end-to-end runs (scale/N); for the
//                   main population also the ceilings on the same messages and key space.
//   RunLive         for the main population: red-alert latency at a share of the measured
//                   maximum, then restarts on the state that run left.
//
// Ownership: a Context borrows everything. Thread-safety: one thread.
#pragma once

#include <string>

#include "bench.h"
#include "config.h"
#include "json_out.h"

namespace careloop::bench {

struct Context {
  const Settings& settings;
  const app::LoadedConfig& config;
  JsonOut& out;
  std::string child_log;     // the pipeline children's logs
  bool reuse_state = false;  // keep preloaded states between invocations (development)
};

Status RunEngine(Context& ctx);
Status RunPopulation(Context& ctx, std::uint64_t workers, bool main);
Status RunLive(Context& ctx);

// The state directory of a preloaded population.
std::string StateDir(const Context& ctx, std::uint64_t workers);
// Copies a state directory (RocksDB files) to `to`, replacing it.
Status CopyState(const std::string& from, const std::string& to);

}  // namespace careloop::bench
