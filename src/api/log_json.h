// Structured logs: a spdlog logger that writes one JSON object per line to stderr,
//   {"ts":"2026-04-12T01:13:22.123Z","level":"info","logger":"careloop","msg":"...","thread":1234}
// chosen with `careloop --log-json`. Levels as spdlog's (trace debug info warn error
// critical). What is logged is unchanged: no personal data above debug anywhere.
//
// Thread-safety: the logger is spdlog's (a mutex around the sink).
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string>

namespace careloop::api {

std::shared_ptr<spdlog::logger> JsonStderrLogger(const std::string& name);

// One log line as JSON (no newline): for the sink and its tests.
std::string JsonLogLine(std::int64_t epoch_ms, std::string_view level, std::string_view logger,
                        std::string_view message, std::size_t thread_id);

}  // namespace careloop::api
