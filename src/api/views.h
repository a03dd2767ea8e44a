// JSON bodies of the HTTP API (besides the worker and petition files: worker_view.h).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "api/case_index.h"
#include "careloop/time.h"

namespace careloop::api {

// {"error": code, "message": message}
std::string ErrorJson(std::string_view code, std::string_view message);

// {"total", "page", "page_size", "generated_at", "cases": [...]}; each case with its
// worker, condition, tier, flags, stage, responsible, times, due time and overdue seconds.
std::string CasesJson(const CasePage& page, const CaseQuery& query, TimeMs now);

struct SummaryInputs {
  const Census* census = nullptr;
  std::string petition_stats;  // the engine's encoded PetitionStats ("" = none yet)
  bool ready = false;
  bool index_ready = false;
  bool consuming = false;
  std::string version;
  std::string rules_version;
};

// The worklist's header: workers by tier, open and overdue cases, petition figures.
std::string SummaryJson(const SummaryInputs& in, TimeMs now);

}  // namespace careloop::api
