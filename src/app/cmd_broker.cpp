// `careloop broker` and `careloop run`.
#include <poll.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "api/service.h"
#include "broker_control.h"
#include "careloop/kafka/errors.h"
#include "careloop/kafka/kafka.h"
#include "careloop/metrics/metrics.h"
#include "commands.h"
#include "config.h"
#include "pipeline.h"

namespace careloop::app {

namespace {

Result<std::unique_ptr<kafka::MockBroker>> StartBroker(const AppConfig& c, int partitions,
                                                       int brokers = 1) {
  kafka::MockBroker::Options o;
  o.brokers = brokers;
  o.partitions = partitions > 0 ? partitions : c.broker_partitions;
  o.topics = c.topics.Inputs();
  for (const auto& t : c.topics.Outputs()) o.topics.push_back(t);
  return kafka::MockBroker::Start(o);
}

// Reads what stdin has (waiting at most `timeout_ms`) and applies each complete line as
// a broker command, answering on stdout. Returns false at end of input.
bool ServeControl(kafka::MockBroker& broker, std::string* buffer, int timeout_ms) {
  pollfd p{STDIN_FILENO, POLLIN, 0};
  if (poll(&p, 1, timeout_ms) <= 0) return true;
  char chunk[1024];
  ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
  if (n <= 0) return false;
  buffer->append(chunk, static_cast<std::size_t>(n));
  for (auto nl = buffer->find('\n'); nl != std::string::npos; nl = buffer->find('\n')) {
    std::string line = buffer->substr(0, nl);
    buffer->erase(0, nl + 1);
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto reply = ApplyBrokerCommand(broker, line);
    if (reply.ok()) {
      std::printf("ok %s\n", reply->c_str());
    } else {
      spdlog::warn("broker control: {}", reply.status().message());
      std::printf("error: %s\n", reply.status().message().c_str());
    }
    std::fflush(stdout);
  }
  return true;
}

}  // namespace

std::unique_ptr<api::HttpService> StartHttpApi(const LoadedConfig& config, Pipeline& pipeline,
                                               metrics::Metrics& metrics,
                                               const std::string& listen) {
  api::ServiceOptions o;
  Status st = api::ParseListen(listen, &o.server);
  if (!st.ok()) {
    spdlog::error("{}", st.message());
    return nullptr;
  }
  o.server.token = config.app.http_token;
  o.alerts_topic = config.app.topics.alerts;
  o.conditions = config.catalog->conditions();
  o.partitions = config.app.broker_partitions;
  o.consuming = [&pipeline] { return pipeline.consuming(); };
  o.version = CARELOOP_VERSION;
  metrics.SetInfo(CARELOOP_VERSION, config.rules->version());
  o.rules_version = config.rules->version();
  auto service = api::HttpService::Start(pipeline.store(), *config.workflows, &metrics, o);
  if (!service.ok()) {
    spdlog::error("HTTP API not started: {}", service.status().message());
    return nullptr;
  }
  api::Indexer* indexer = &(*service)->indexer();
  pipeline.OnCommit(
      [indexer](const state::WriteSet& set, std::chrono::steady_clock::time_point consumed_at) {
        indexer->OnCommit(set, consumed_at);
      });
  pipeline.OnDelivered([indexer](const state::OutboxEntry& e) { indexer->OnDelivered(e); });
  std::printf("http.listen=%s\n", (*service)->server().address().c_str());
  std::fflush(stdout);
  spdlog::info("HTTP API and worklist page on http://{}/", (*service)->server().address());
  return std::move(service).value();
}

int RunBroker(const BrokerArgs& args) {
  InstallStopSignals();
  auto config = LoadConfig(args.config_dir);
  if (!config.ok()) {
    spdlog::error("{}", config.status().message());
    return 2;
  }
  auto broker = StartBroker(config->app, args.partitions, args.brokers);
  if (!broker.ok()) {
    spdlog::error("cannot start the embedded broker: {}", broker.status().message());
    return 1;
  }
  std::printf("bootstrap.servers=%s\n", (*broker)->bootstrap_servers().c_str());
  std::fflush(stdout);
  bool control = args.control;
  std::string pending;
  while (!StopFlag().load()) {
    if (control) {
      control = ServeControl(**broker, &pending, 100);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  spdlog::info("broker stopping");
  return 0;
}

int RunProcessor(const RunArgs& args) {
  InstallStopSignals();
  auto config = LoadConfig(args.config_dir);
  if (!config.ok()) {
    spdlog::error("{}", config.status().message());
    return 2;
  }
  std::unique_ptr<kafka::MockBroker> broker;
  std::string bootstrap = args.bootstrap;
  if (args.embedded_broker) {
    auto b = StartBroker(config->app, 0);
    if (!b.ok()) {
      spdlog::error("cannot start the embedded broker: {}", b.status().message());
      return 1;
    }
    broker = std::move(b).value();
    bootstrap = broker->bootstrap_servers();
    std::printf("bootstrap.servers=%s\n", bootstrap.c_str());
    std::fflush(stdout);
  }
  if (bootstrap.empty()) {
    spdlog::error("--bootstrap SERVERS or --embedded-broker is required");
    return 2;
  }
  metrics::Metrics metrics;
  metrics.SetInfo(CARELOOP_VERSION, config->rules->version());
  // Kafka client errors (brokers down, failed requests) counted by kind; removed before
  // `metrics` goes.
  kafka::SetErrorObserver([&metrics](std::string_view kind) { metrics.KafkaError(kind); });
  struct ObserverReset {
    ~ObserverReset() { kafka::SetErrorObserver(nullptr); }
  } observer_reset;
  Pipeline pipeline(*config, &metrics);
  Status st = pipeline.Open(bootstrap, args.state_dir);
  if (!st.ok()) {
    spdlog::error("cannot start: {}", st.ToString());
    return 1;
  }
  // The HTTP API: --http wins over http.listen; when the address was asked for
  // explicitly, failing to serve it stops the start, else processing goes on without it.
  std::unique_ptr<api::HttpService> http;
  const std::string listen = args.http.empty() ? config->app.http_listen : args.http;
  if (!listen.empty() && listen != "off") {
    http = StartHttpApi(*config, pipeline, metrics, listen);
    if (!http && !args.http.empty()) return 1;
  }
  spdlog::info("processing (rules {}); SIGTERM or Ctrl-C stops", config->rules->version());
  st = pipeline.Run(StopFlag());
  http.reset();  // before the pipeline's store goes
  if (!st.ok()) {
    spdlog::error("stopped on error: {}", st.ToString());
    return 1;
  }
  spdlog::info("stopped cleanly: {} events in, {} alerts, {} dead-letter", metrics.EventsTotal(),
               metrics.AlertsTotal("red") + metrics.AlertsTotal("yellow") +
                   metrics.AlertsTotal("green") + metrics.AlertsTotal("none"),
               metrics.DeadLetterTotal());
  return 0;
}

}  // namespace careloop::app
