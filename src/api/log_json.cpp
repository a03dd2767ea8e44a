#include "api/log_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/sinks/base_sink.h>

#include <chrono>
#include <cstdio>
#include <mutex>

#include "careloop/time.h"

namespace careloop::api {
namespace {

class JsonStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch());
    auto level = spdlog::level::to_string_view(msg.level);
    std::string line =
        JsonLogLine(ms.count(), std::string_view(level.data(), level.size()),
                    std::string_view(msg.logger_name.data(), msg.logger_name.size()),
                    std::string_view(msg.payload.data(), msg.payload.size()), msg.thread_id);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }
};

}  // namespace

std::string JsonLogLine(std::int64_t epoch_ms, std::string_view level, std::string_view logger,
                        std::string_view message, std::size_t thread_id) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto str = [&](std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  w.StartObject();
  w.Key("ts");
  str(FormatRfc3339(epoch_ms));
  w.Key("level");
  str(level);
  w.Key("logger");
  str(logger);
  w.Key("msg");
  str(message);
  w.Key("thread");
  w.Uint64(thread_id);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::shared_ptr<spdlog::logger> JsonStderrLogger(const std::string& name) {
  auto sink = std::make_shared<JsonStderrSink>();
  auto logger = std::make_shared<spdlog::logger>(name, std::move(sink));
  logger->flush_on(spdlog::level::warn);
  return logger;
}

}  // namespace careloop::api
