// Generator: a synthetic screened population for demos, tests and benchmarks — a
// deterministic stream of native input events (contract.md) that reproduces the source
// report's prevalence (of 25,000 workers screened in Chongqing: triglycerides high 38 %,
// total cholesterol high 36 %, fatty liver 25 %, blood pressure high 21 %), a realistic
// mix of the other tests, units and LOINC-only results, follow-up exams months later,
// corrections, preliminary results, exact re-sends and a small share of bad input.
//
// Same options (seed included) => the same bytes: the generator uses its own PRNG and
// distributions, not std::'s (whose output is library-specific); values are rounded to
// the precision a lab reports.
//
// Thread-safety: one thread per Generator.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

#include "careloop/time.h"

namespace careloop::gen {

struct Options {
  std::uint64_t seed = 42;
  std::uint64_t workers = 25000;    // population size (one first exam each)
  double bad_share = 0.01;          // share of events that are bad input
  double duplicate_share = 0.005;   // exact re-sends of an earlier event
  double followup_share = 0.10;     // workers with a second exam months later
  double checkin_share = 0.0;       // workers whose exam comes with arrival/done check-ins
  TimeMs start = 1775001600000;     // 2026-04-01T00:00:00Z (08:00 in Chongqing)
  TimeMs spacing_ms = 2000;         // event time between consecutive exams
  std::string worker_prefix = "W";  // worker ids like W0000001
};

struct GeneratedEvent {
  std::string topic;  // lab-results | checkins
  std::string key;    // worker_id ("" for bad input without one)
  std::string json;   // one line, no newline
  bool bad = false;   // deliberately bad input
};

class Generator {
 public:
  explicit Generator(const Options& options);
  ~Generator();
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  // The next event; false when the population is done.
  bool Next(GeneratedEvent* out);
  std::uint64_t produced() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes every event of `options`, one JSON object per line.
void WriteJsonl(const Options& options, std::ostream& out);

}  // namespace careloop::gen
