// Shared plumbing of the kafka stage: the "kafka" logger, librdkafka configuration built
// from careloop's defaults overlaid with the caller's properties, and error formatting.
//
// Thread-safety: Log() and the callbacks installed by MakeConf() may be called from any
// thread (librdkafka logs from its own threads).
#pragma once

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

#include "careloop/kafka/kafka.h"
#include "careloop/status.h"
#include "kafka/handles.h"

namespace careloop::kafka {

// The "kafka" spdlog logger: the registered one if the application made it, else a copy
// of the default logger's sinks and level, registered under that name.
spdlog::logger& Log();

// A configuration with `defaults` set first and then `overrides` (the caller's
// properties win). librdkafka's log lines go to Log(). InvalidArgument names the
// property librdkafka rejected.
Result<ConfPtr> MakeConf(const Properties& defaults, const Properties& overrides);

// "Local: Broker transport failure (-195)".
std::string ErrorText(rd_kafka_resp_err_t err);

// Counts an error of `kind` (careloop/kafka/errors.h) with the process-wide observer.
void NotifyError(std::string_view kind);

// Logs a non-fatal error reported by librdkafka's error callback: connection failures,
// which librdkafka already logged itself, at debug; anything else as a warning. Also
// counts it (NotifyError).
void LogClientError(const char* client, rd_kafka_resp_err_t err, const char* reason);

}  // namespace careloop::kafka
