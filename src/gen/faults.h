// Bad input, as upstream systems really send it: whole-message faults (the message
// cannot be used at all) and single bad results inside an otherwise good report (the
// rest of the report is used; contract.md, "An unknown test code ...").
//
// Thread-safety: pure functions (the Rng is the caller's).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gen/random.h"
#include "gen/render.h"
#include "gen/report.h"

namespace careloop::gen {

enum class WholeFault : std::uint8_t {
  kNotJson,    // an HTML error page, a Python dict repr, a form-encoded line, a log line
  kTruncated,  // a good message cut short
  kNoEventId,
  kNoWorkerId,
  kBadTime,       // no offset, impossible date, epoch number, other formats
  kEmptyResults,  // "results":[]
  kCount
};

enum class ResultFault : std::uint8_t {
  kUnknownTest,      // an extra result with a test code or LOINC careloop does not know
  kUnknownUnit,      // a unit the test does not accept
  kStringValue,      // "value":"2.91"
  kImpossibleValue,  // outside the plausible range in every accepted unit
  kCount
};

// The message for a lab_result with fault `f` (never a newline inside, never empty).
std::string RenderWholeFault(WholeFault f, EventHeader header, std::vector<ReportedResult> results,
                             Rng& rng);

// Applies `f` to one result of `results` (or adds one, for kUnknownTest). The result
// changed is never TG, TC, SBP, DBP or LIVER_US, so the report's core screening results
// stay good. REQUIRES: `results` holds LDL or HDL (every exam does).
void ApplyResultFault(ResultFault f, std::vector<ReportedResult>* results, Rng& rng);

}  // namespace careloop::gen
