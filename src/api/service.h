// HttpService: the case index and the HTTP server together, as `careloop run` and
// `careloop demo` start them beside the Pipeline. The caller connects the pipeline's
// hooks to indexer() (OnCommit, OnDelivered) before running it.
//
// Ownership: borrows the store, workflows and metrics (all must outlive it: destroy the
// service before the pipeline); owns the Indexer and the Server. Thread-safety: Start
// and Stop from one thread; indexer() hooks as Indexer documents.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/indexer.h"
#include "api/server.h"

namespace careloop::api {

struct ServiceOptions {
  ServerOptions server;
  std::string alerts_topic = "alerts";
  std::vector<std::string> conditions;  // the test catalog's, for /api/cases?condition=
  std::int32_t partitions = 1;          // input partitions to look files up in
  std::function<bool()> consuming;      // the pipeline is consuming
  std::string version;
  std::string rules_version;
};

class HttpService {
 public:
  // Starts the indexer (its scan runs in the background) and binds the server; errors
  // as Server::Start.
  static Result<std::unique_ptr<HttpService>> Start(state::Store& store,
                                                    const engine::WorkflowSet& workflows,
                                                    metrics::Metrics* metrics,
                                                    ServiceOptions options);
  ~HttpService();

  Indexer& indexer() { return *indexer_; }
  const Server& server() const { return *server_; }
  void Stop();

 private:
  HttpService() = default;
  std::unique_ptr<Indexer> indexer_;
  std::unique_ptr<Server> server_;
};

}  // namespace careloop::api
