// Replay: the processing core over a JSONL stream of native events, no Kafka involved
// (contract.md "The replay command"). Time is event time: each event's occurred_at in
// file order, never going backwards; `until` then moves the clock on.
//
// Each input line is one record at partition 0, offset = its 1-based line number; a
// blank line is skipped; a line that is not valid JSON goes to dead-letter like any bad
// input. The same input gives the same output records, byte for byte.
//
// Ownership: borrows everything it is given. Thread-safety: one thread.
#pragma once

#include <functional>
#include <istream>
#include <optional>
#include <string_view>

#include "careloop/decode/catalog.h"
#include "careloop/engine/topics.h"
#include "careloop/engine/workflow_set.h"
#include "careloop/metrics/metrics.h"
#include "careloop/rules/rule_set.h"
#include "careloop/state/store.h"
#include "careloop/status.h"
#include "careloop/time.h"

namespace careloop::engine {

// Receives each output record in the order produced.
using OutputFn =
    std::function<void(std::string_view topic, std::string_view key, std::string_view value)>;

struct ReplayStats {
  std::uint64_t lines = 0;
  std::uint64_t records_out = 0;
};

// Runs `in` through a Processor over `store` (usually NewMemoryStore()).
Result<ReplayStats> Replay(const decode::Catalog& catalog, const rules::RuleSet& rules,
                           const WorkflowSet& workflows, const Topics& topics, state::Store& store,
                           std::istream& in, std::optional<TimeMs> until, const OutputFn& out,
                           metrics::Metrics* metrics = nullptr);

// One output line of `careloop replay`: {"topic":…,"key":…,"value":{…}}.
std::string ReplayLine(std::string_view topic, std::string_view key, std::string_view value);

}  // namespace careloop::engine
