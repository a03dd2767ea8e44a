// The subcommands of the `careloop` executable. Each returns the process exit status;
// only main() exits.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace careloop::api {
class HttpService;
}
namespace careloop::metrics {
class Metrics;
}

namespace careloop::app {

struct LoadedConfig;
class Pipeline;

// Starts the HTTP API (issue 6) beside an opened `pipeline` at `listen` (HOST:PORT),
// connects the pipeline's hooks to it and prints "http.listen=HOST:PORT" on stdout.
// Returns nullptr after logging why when it cannot start. Destroy it before the pipeline.
std::unique_ptr<api::HttpService> StartHttpApi(const LoadedConfig& config, Pipeline& pipeline,
                                               metrics::Metrics& metrics,
                                               const std::string& listen);

// Set by SIGINT/SIGTERM (InstallStopSignals); every long-running command watches it.
std::atomic<bool>& StopFlag();
void InstallStopSignals();

struct BrokerArgs {
  std::string config_dir = "config";
  int partitions = 0;  // 0: from config
  int brokers = 1;
  bool control = false;  // read fault-injection commands from stdin (broker_control.h)
};
int RunBroker(const BrokerArgs& args);

struct RunArgs {
  std::string config_dir = "config";
  std::string bootstrap;
  std::string state_dir;
  bool embedded_broker = false;
  std::string http;  // HOST:PORT of the HTTP API (overrides http.listen); "off" = none
};
int RunProcessor(const RunArgs& args);

struct ReplayArgs {
  std::string config_dir = "config";
  std::string in;
  std::string out;
  std::string until;  // RFC 3339, optional
};
int RunReplay(const ReplayArgs& args);

struct GenArgs {
  std::uint64_t workers = 25000;
  std::uint64_t seed = 42;
  double bad_share = 0.01;
  double duplicate_share = 0.005;
  std::string out;        // a JSONL file, or
  std::string bootstrap;  // a Kafka cluster
  std::string config_dir = "config";
};
int RunGen(const GenArgs& args);

struct DemoArgs {
  std::string config_dir = "config";
  std::uint64_t workers = 25000;
  double rate = 1500;      // events per second offered
  double duration_s = 50;  // stop after this long at the most
  std::uint64_t seed = 42;
  std::string state_dir;  // default: a fresh temporary directory
  std::string http;       // HOST:PORT of the HTTP API; "" = none
};
int RunDemo(const DemoArgs& args);

int RunRulesShow(const std::string& config_dir);
int RunWorkflowsShow(const std::string& config_dir);

struct InspectArgs {
  std::string kind;  // "worker" | "petition"
  std::string id;
  std::string state_dir;
  bool json = false;
};
int RunInspect(const InspectArgs& args);

}  // namespace careloop::app
