// Query parameters of `GET /api/cases`, parsed and validated with messages that say
// which parameter is wrong and what it accepts.
//
//   tier=red,yellow        red | yellow | green (a list, or the parameter repeated)
//   stage=alerted          a stage of the health follow-up workflow
//   condition=lipids       a condition of the test catalog
//   overdue=true|false     the due time of the stage in progress has passed (or not)
//   has_due=true|false     a stage in progress has a due time (or not)
//   due_within=14d         due within this long from now (overdue ones included)
//   due_before=RFC3339     due at or before this time (overdue ones included)
//   page=1                 1-based
//   page_size=50           1..500
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "api/case_index.h"
#include "careloop/status.h"

namespace careloop::api {

using Params = std::vector<std::pair<std::string, std::string>>;

struct QueryVocabulary {
  std::vector<std::string> stages;      // accepted for `stage`
  std::vector<std::string> conditions;  // accepted for `condition`
};

constexpr std::size_t kMaxPageSize = 500;

// InvalidArgument names the parameter and what it accepts.
Result<CaseQuery> ParseCaseQuery(const Params& params, const QueryVocabulary& vocabulary,
                                 TimeMs now);

}  // namespace careloop::api
