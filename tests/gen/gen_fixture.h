// Shared helpers for the gen tests: generated streams (cached, they take a moment) and a
// small independent reading of the events with simdjson, so the tests check the bytes
// the generator writes rather than its internals.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "careloop/gen/generator.h"
#include "careloop/time.h"

namespace careloop::gen::testing {

std::vector<GeneratedEvent> Generate(const Options& o);

// The default stream: 25,000 workers, seed 42 (generated once per test run).
const std::vector<GeneratedEvent>& DefaultStream();

// One result as the tests read it, in canonical units for the screening tests.
struct ReadResult {
  std::string test;             // the code, also when named by LOINC (known LOINC only)
  std::string loinc;            // as sent, when named by LOINC
  std::optional<double> value;  // numeric values only
  std::string unit;
  std::string finding, hpv, status;
};

// A lab_result or checkin whose common fields are all present and valid; nullopt for
// anything else (not JSON, a field missing or malformed).
struct ReadEvent {
  std::string type, event_id, worker_id, source, exam_id, kind;
  TimeMs occurred_at = 0;
  std::string occurred_at_text;
  std::vector<ReadResult> results;
};
std::optional<ReadEvent> Read(const std::string& json);

// The value of a TG, TC, GLU, SBP or DBP result in mmol/L or mm[Hg]; nullopt when the
// unit is not one the contract lists for it.
std::optional<double> Canonical(const ReadResult& r);

}  // namespace careloop::gen::testing
