// careloop: the executable. Parses the command line and hands over to a subcommand.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "api/log_json.h"
#include "commands.h"

int main(int argc, char** argv) {
  using namespace careloop::app;
  CLI::App app{"careloop: real-time follow-up engine for worker health services"};
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  bool log_json = false;
  app.add_flag("--log-json", log_json, "Log one JSON object per line (to stderr)");

  BrokerArgs broker;
  auto* cb = app.add_subcommand("broker", "Run the embedded Kafka-protocol broker (mock cluster)");
  cb->add_option("--config", broker.config_dir, "Configuration directory")->capture_default_str();
  cb->add_option("--partitions", broker.partitions, "Partitions per topic (default: config)");
  cb->add_option("--brokers", broker.brokers, "Brokers in the cluster")->capture_default_str();
  cb->add_flag("--control", broker.control,
               "Read fault-injection commands from stdin (down/up/errors/leader/coordinator)");

  RunArgs run;
  auto* cr = app.add_subcommand("run", "Run the stream processor against Kafka");
  cr->add_option("--config", run.config_dir, "Configuration directory")->capture_default_str();
  cr->add_option("--bootstrap", run.bootstrap, "Kafka bootstrap servers");
  cr->add_option("--state-dir", run.state_dir, "RocksDB state directory")->required();
  cr->add_flag("--embedded-broker", run.embedded_broker, "Start the embedded broker in-process");
  cr->add_option("--http", run.http,
                 "HTTP API address HOST:PORT (port 0: any free port; 'off': none; default: "
                 "http.listen in config, 127.0.0.1:8080)");

  ReplayArgs replay;
  auto* cp = app.add_subcommand("replay", "Replay a JSONL file of events, no Kafka involved");
  cp->add_option("--config", replay.config_dir, "Configuration directory")->required();
  cp->add_option("--in", replay.in, "Input events, one JSON object per line")->required();
  cp->add_option("--out", replay.out, "Output records, one per line")->required();
  cp->add_option("--until", replay.until, "Move the clock to this RFC 3339 time at the end");

  GenArgs gen;
  auto* cg = app.add_subcommand("gen", "Generate a synthetic screened population");
  cg->add_option("--workers", gen.workers, "Workers to screen")->capture_default_str();
  cg->add_option("--seed", gen.seed, "PRNG seed")->capture_default_str();
  cg->add_option("--bad-share", gen.bad_share, "Share of bad input")->capture_default_str();
  cg->add_option("--duplicate-share", gen.duplicate_share, "Share of re-sent events")
      ->capture_default_str();
  auto* gen_out = cg->add_option("--out", gen.out, "Write JSONL to this file");
  auto* gen_kafka = cg->add_option("--bootstrap", gen.bootstrap, "Produce to this Kafka cluster");
  gen_out->excludes(gen_kafka);
  cg->add_option("--config", gen.config_dir, "Configuration directory (topic names)");

  DemoArgs demo;
  auto* cd = app.add_subcommand("demo", "Embedded broker + synthetic population + processor");
  cd->add_option("--config", demo.config_dir, "Configuration directory")->capture_default_str();
  cd->add_option("--workers", demo.workers, "Workers to screen")->capture_default_str();
  cd->add_option("--rate", demo.rate, "Events offered per second")->capture_default_str();
  cd->add_option("--duration", demo.duration_s, "Stop after this many seconds at the most")
      ->capture_default_str();
  cd->add_option("--seed", demo.seed, "PRNG seed")->capture_default_str();
  cd->add_option("--state-dir", demo.state_dir, "Keep state here (default: a temp dir)");
  cd->add_option("--http", demo.http, "Serve the HTTP API and worklist page at HOST:PORT");

  std::string rules_config = "config";
  auto* crules = app.add_subcommand("rules", "Tier rules");
  crules->require_subcommand(1);
  auto* cshow = crules->add_subcommand("show", "Print the effective rule table and version");
  cshow->add_option("--config", rules_config, "Configuration directory")->capture_default_str();

  std::string workflows_config = "config";
  auto* cwf = app.add_subcommand("workflows", "Workflow definitions (topologies/)");
  cwf->require_subcommand(1);
  auto* cwshow = cwf->add_subcommand("show", "Print every workflow: states, deadlines, handlers");
  cwshow->add_option("--config", workflows_config, "Configuration directory")
      ->capture_default_str();

  InspectArgs inspect;
  auto* ci = app.add_subcommand("inspect", "Print a stored file (offline, read-only)");
  ci->add_option("kind", inspect.kind, "worker or petition")
      ->required()
      ->check(CLI::IsMember({"worker", "petition"}));
  ci->add_option("id", inspect.id, "The worker or petition id")->required();
  ci->add_option("--state-dir", inspect.state_dir, "RocksDB state directory")->required();
  ci->add_flag("--json", inspect.json, "Print JSON instead of text");

  CLI11_PARSE(app, argc, argv);
  spdlog::set_default_logger(log_json ? careloop::api::JsonStderrLogger("careloop")
                                      : spdlog::stderr_color_mt("careloop"));
  spdlog::set_level(spdlog::level::from_str(log_level));

  if (cb->parsed()) return RunBroker(broker);
  if (cr->parsed()) return RunProcessor(run);
  if (cp->parsed()) return RunReplay(replay);
  if (cg->parsed()) return RunGen(gen);
  if (cd->parsed()) return RunDemo(demo);
  if (cshow->parsed()) return RunRulesShow(rules_config);
  if (cwshow->parsed()) return RunWorkflowsShow(workflows_config);
  if (ci->parsed()) return RunInspect(inspect);
  return 2;
}
