// Server: careloop's HTTP API (cpp-httplib), on its own threads beside the pipeline.
//
//   GET /                       the staff worklist page (HTML + JS, no build step)
//   GET /api/workers/{id}       the worker file: tiers, cases with history, exams, petitions
//   GET /api/cases?...          open cases, filtered and paginated (query.h)
//   GET /api/petitions/{id}     the petition file with its history
//   GET /api/summary            workers by tier, open and overdue cases, petition figures
//   GET /metrics                Prometheus text format
//   GET /healthz                200 while the process serves
//   GET /readyz                 200 when consuming with state restored and indexed, else 503
//
// Every answer but the page and /metrics is JSON; errors are {"error","message"} with a
// 4xx status that says what is wrong (400 bad parameter, 401 no or wrong token, 404 no
// such file or route, 405 not GET, 503 not ready). Reads go to the store and the index,
// never through the pipeline, so they never block processing.
//
// Authorisation: with a token configured, every route but /, /healthz and /readyz needs
// `Authorization: Bearer TOKEN`; Start() refuses a non-loopback address without a token
// (on loopback the token is optional).
//
// Ownership: borrows the Indexer, Metrics and WorkflowSet (all must outlive it); owns
// the HTTP server and its threads. Thread-safety: Start/Stop from one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/indexer.h"
#include "careloop/engine/workflow_set.h"
#include "careloop/metrics/metrics.h"
#include "careloop/status.h"

namespace careloop::api {

struct ServerOptions {
  std::string host = "127.0.0.1";  // Default: loopback
  int port = 8080;                 // Default: 8080; 0 = any free port
  std::string token;               // Default: none. Required when `host` is not loopback
  int threads = 4;                 // Default: 4 request threads
};

struct ServerDeps {
  Indexer* indexer = nullptr;
  metrics::Metrics* metrics = nullptr;
  const engine::WorkflowSet* workflows = nullptr;
  std::vector<std::string> conditions;  // the test catalog's conditions
  std::int32_t partitions = 1;          // input partitions to look files up in (at least)
  std::function<bool()> consuming;      // the pipeline is consuming
  std::string version;
  std::string rules_version;
};

// "127.0.0.1", "127.x.y.z", "::1", "localhost".
bool IsLoopback(const std::string& host);
// "HOST:PORT" or "[V6]:PORT" -> options.host/port. InvalidArgument says what is wrong.
Status ParseListen(const std::string& listen, ServerOptions* options);

class Server {
 public:
  // Binds and starts serving. InvalidArgument: no token for a non-loopback address;
  // Unavailable: the address cannot be bound (in use, not local).
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options, ServerDeps deps);
  virtual ~Server() = default;
  virtual int port() const = 0;
  virtual std::string address() const = 0;  // "HOST:PORT" as bound
  virtual void Stop() = 0;
};

// The worklist page (embedded at build time from src/api/static/index.html).
std::string_view WorklistPage();

}  // namespace careloop::api
