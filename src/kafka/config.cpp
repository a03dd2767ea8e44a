#include "kafka/config.h"

#include "careloop/kafka/errors.h"

#include <fmt/format.h>
#include <syslog.h>

#include <mutex>

namespace careloop::kafka {

namespace {

std::mutex observer_mu;
ErrorObserver observer;  // guarded by observer_mu

const char* KindOf(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__RESOLVE:
      return "transport";
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
      return "all_brokers_down";
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
      return "timed_out";
    case RD_KAFKA_RESP_ERR__FATAL:
      return "fatal";
    default:
      return "other";
  }
}

std::shared_ptr<spdlog::logger> MakeLogger() {
  if (auto existing = spdlog::get("kafka")) return existing;
  auto logger = spdlog::default_logger()->clone("kafka");
  try {
    spdlog::register_logger(logger);
  } catch (const spdlog::spdlog_ex&) {
    // Registered by another thread in between: use that one.
    if (auto existing = spdlog::get("kafka")) return existing;
  }
  return logger;
}

// librdkafka's own log lines (syslog levels), from any of its threads. Its LOG_ERR
// lines are almost all transient (a refused connection while a broker is down): they
// are warnings here; fatal errors reach the error callbacks and are logged as errors.
void LogCallback(const rd_kafka_t* rk, int level, const char* facility, const char* text) {
  spdlog::level::level_enum to = spdlog::level::debug;
  if (level < LOG_ERR) {
    to = spdlog::level::err;
  } else if (level <= LOG_WARNING) {
    to = spdlog::level::warn;
  } else if (level <= LOG_INFO) {
    to = spdlog::level::info;
  }
  Log().log(to, "librdkafka {} [{}]: {}", rk ? rd_kafka_name(rk) : "-", facility, text);
}

}  // namespace

spdlog::logger& Log() {
  // Kept alive for the whole process: librdkafka threads may log during shutdown.
  static const std::shared_ptr<spdlog::logger> logger = MakeLogger();
  return *logger;
}

Result<ConfPtr> MakeConf(const Properties& defaults, const Properties& overrides) {
  ConfPtr conf(rd_kafka_conf_new());
  char err[512];
  for (const Properties* props : {&defaults, &overrides}) {
    for (const auto& [name, value] : *props) {
      if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), err, sizeof(err)) !=
          RD_KAFKA_CONF_OK) {
        return Status::InvalidArgument(fmt::format("kafka property {}: {}", name, err));
      }
    }
  }
  rd_kafka_conf_set_log_cb(conf.get(), LogCallback);
  return conf;
}

std::string ErrorText(rd_kafka_resp_err_t err) {
  return fmt::format("{} ({})", rd_kafka_err2str(err), static_cast<int>(err));
}

void SetErrorObserver(ErrorObserver fn) {
  std::lock_guard<std::mutex> lock(observer_mu);
  observer = std::move(fn);
}

void NotifyError(std::string_view kind) {
  std::lock_guard<std::mutex> lock(observer_mu);
  if (observer) observer(kind);
}

void LogClientError(const char* client, rd_kafka_resp_err_t err, const char* reason) {
  NotifyError(KindOf(err));
  const bool logged_by_librdkafka =
      err == RD_KAFKA_RESP_ERR__TRANSPORT || err == RD_KAFKA_RESP_ERR__RESOLVE;
  Log().log(logged_by_librdkafka ? spdlog::level::debug : spdlog::level::warn, "kafka {}: {}: {}",
            client, rd_kafka_err2name(err), reason);
}

}  // namespace careloop::kafka
