// AppConfig: `config/careloop.yaml` and the files it names, loaded and validated at
// start. Errors name the file, the line and what is wrong.
//
// Ownership: a LoadedConfig owns the catalog and the rule set; the processor borrows
// them, so it must outlive every Processor. Thread-safety: immutable after loading.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "careloop/decode/catalog.h"
#include "careloop/engine/topics.h"
#include "careloop/engine/workflow_set.h"
#include "careloop/kafka/kafka.h"
#include "careloop/rules/rule_set.h"
#include "careloop/state/store.h"
#include "careloop/status.h"

namespace careloop::app {

struct AppConfig {
  std::string dir;
  kafka::Properties kafka_common;
  kafka::Properties consumer;  // includes group.id
  kafka::Properties producer;
  // kafka.assignment: "group" (a consumer-group member, the default) or "all" (no group:
  // this process reads every input partition itself; one process per input only).
  bool join_group = true;
  engine::Topics topics;
  int broker_partitions = 6;
  state::StoreOptions store;
  int batch_max = 5000;
  // A step also ends once it has processed for this long (0: no limit), so that a
  // backlog's steps do not hold a red alert back for a whole batch_max of records.
  int step_max_ms = 100;
  int poll_timeout_ms = 50;
  std::int64_t max_in_flight = 200000;
  int align_max_idle_ms = 60000;  // event-time alignment across input topics (aligner.h)
  std::int64_t align_max_buffered = 200000;
  std::string tests_file;  // absolute or relative to the working directory
  std::string rules_file;
  std::string topologies_dir;  // workflow definitions; default: DIR/../topologies
  // The HTTP API of `run` (section `http:`): HOST:PORT ("" = none; port 0 = any free
  // port) and the bearer token clients must send (required when not on loopback).
  std::string http_listen = "127.0.0.1:8080";
  std::string http_token;
};

struct LoadedConfig {
  AppConfig app;
  std::unique_ptr<decode::Catalog> catalog;
  std::unique_ptr<rules::RuleSet> rules;
  std::unique_ptr<engine::WorkflowSet> workflows;
};

// Loads DIR/careloop.yaml (optional: defaults when absent), DIR/tests.yaml, DIR/rules.yaml
// and the workflow definitions (files.topologies, default DIR/../topologies).
Result<LoadedConfig> LoadConfig(const std::string& dir);

}  // namespace careloop::app
