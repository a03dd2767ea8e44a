// The machine's description and the Markdown report of a results document.
//
// Thread-safety: functions of values; one thread.
#pragma once

#include <string>

#include "bench.h"
#include "careloop/status.h"
#include "json_out.h"

namespace careloop::bench {

// machine: cpu model, cores, memory, kernel, compiler, library versions, date.
void DescribeMachine(JsonOut& out);
// The 1, 5 and 15 minute load averages ("0.52 0.80 1.02"): the machine is shared, so
// each run records the load it ran under (machine.load_at_start, machine.load_at_end).
std::string LoadAverage();
// settings: the sizes of this run.
void DescribeSettings(const Settings& s, JsonOut& out);
// Derived ratios (each figure to its ceiling), under "ratios" and e2e_ratio_to_consume.
void AddRatios(JsonOut& out);

// The figures as Markdown tables.
std::string MarkdownFigures(const JsonOut& out);
// Replaces the text between "<!-- figures:begin -->" and "<!-- figures:end -->" in
// `path` (appending both markers if absent; creating the file if missing).
Status WriteMarkdown(const std::string& path, const std::string& figures);

}  // namespace careloop::bench
