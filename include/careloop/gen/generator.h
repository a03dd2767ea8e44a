// The synthetic population generator behind `careloop gen`, the demo and the benchmarks.
//
// It produces native input events (contract.md) for a screened population of workers
// whose results reproduce the source report's prevalence (domain.md §1) as tiers of
// rules-defaults.md: triglycerides >= 1.70 mmol/L in ~38 % of workers, total cholesterol
// >= 5.20 in ~36 %, fatty liver (LIVER_US mild/moderate/severe) in ~25 %, raised blood
// pressure (SBP >= 140 or DBP >= 90) in ~21 %, with realistic tails (~3 % of workers red,
// ~0.05 % with a major positive ★ finding) and the women's two-cancer screening rates.
//
// The stream, in event-time order (occurred_at never goes backwards, except in exact
// re-sends, which keep their original time, and in bad input):
//   - one exam (lab_result) per worker, slot i at `start + i * spacing_ms`, always with
//     lipids, blood pressure and liver ultrasound, often HR, GLU, ALT/AST, AFP, BMI,
//     sometimes electrolytes, blood count, HbA1c, bone density, lung function, stomach
//     function; CERVICAL and BREAST_BIRADS for women (~48 %) at their first exam. Units
//     and naming vary by site (mg/dL, IU/mL, g/dL, LOINC-only results); a few preliminary
//     reports precede their final one and a few `corrected` re-sends follow it;
//   - a second exam 60–110 days later for ~followup_share of the workers (more of the
//     abnormal ones), with drifted values, so tiers move up and down;
//   - with checkin_share > 0, roster check-ins (exam_arrival, exam_done; the results then
//     arrive 40 min to 2 days later, 3 % of them after more than 3 days) and follow-up
//     contact check-ins for red results;
//   - bad input (`bad == true`): half whole-message faults (not JSON, truncated JSON,
//     missing event_id / worker_id, bad occurred_at, empty results), half one bad result
//     (unknown test, unknown unit, string value, impossible value) inside an otherwise
//     good report;
//   - exact byte re-sends of recent good events (same event_id).
// Topic "lab-results" or "checkins"; key = worker_id.
//
// Determinism: the same seed and options give the same bytes on every run and machine
// (a fixed PRNG, xoshiro256**, and the generator's own distribution code). A worker's
// values depend only on the seed and the worker's index, not on the other options.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>

#include "careloop/time.h"

namespace careloop::gen {

struct Options {
  // Same seed and options => same bytes. Default: 42.
  std::uint64_t seed = 42;
  // Population size (workers with a first exam). Default: 25,000 (the 2025 figure).
  std::uint64_t workers = 25000;
  // Share of all events that are bad input, in [0, 0.5]. Default: 0.01.
  double bad_share = 0.01;
  // Share of all events that are exact re-sends of an earlier good event, in [0, 0.2].
  // Default: 0.005.
  double duplicate_share = 0.005;
  // Approximate share of all events that are check-ins (exam_arrival, exam_done,
  // contact), in [0, 0.6]. Default: 0 (lab results only).
  double checkin_share = 0.0;
  // Approximate share of workers with a second exam, in [0, 0.66]. Default: 0.10.
  double followup_share = 0.10;
  // Time of the first exam. Default: 2026-04-01T08:00:00+08:00.
  TimeMs start = 1775001600000;
  // Event-time step between the exams of consecutive workers. Default: 2 s.
  TimeMs spacing_ms = 2000;
  // Worker ids are this prefix and 7 digits: W0000001, W0000002, ... Default: "W".
  std::string worker_prefix = "W";
};

struct GeneratedEvent {
  std::string topic;  // "lab-results" or "checkins"
  std::string key;    // the worker_id (also for bad input whose JSON lacks one)
  std::string json;   // the message, one line (no newline inside)
  bool bad = false;   // bad input: a whole-message fault or one bad result inside
};

// A deterministic, finite stream of events. Options out of range are clamped.
// Ownership: owns its state (a heap of scheduled events, small: second exams are drawn
// only when due; and the last 1,024 good events, for re-sends).
// Thread-safety: not thread-safe; one generator per thread.
class Generator {
 public:
  explicit Generator(const Options& options);
  ~Generator();
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  // Writes the next event to `*out` and returns true, or returns false when the stream
  // is done (and keeps returning false).
  bool Next(GeneratedEvent* out);

  // Events returned so far.
  std::uint64_t produced() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes the whole stream to `out`, one event's JSON per line (the EVENTS.jsonl of
// `careloop replay`). Stops early if `out` fails; the caller checks `out`'s state.
void WriteJsonl(const Options& options, std::ostream& out);

}  // namespace careloop::gen
