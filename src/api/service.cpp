#include "api/service.h"

namespace careloop::api {

Result<std::unique_ptr<HttpService>> HttpService::Start(state::Store& store,
                                                        const engine::WorkflowSet& workflows,
                                                        metrics::Metrics* metrics,
                                                        ServiceOptions options) {
  std::unique_ptr<HttpService> s(new HttpService());
  s->indexer_ = std::make_unique<Indexer>(store, workflows, metrics, options.alerts_topic);
  ServerDeps deps;
  deps.indexer = s->indexer_.get();
  deps.metrics = metrics;
  deps.workflows = &workflows;
  deps.conditions = std::move(options.conditions);
  deps.partitions = options.partitions;
  deps.consuming = std::move(options.consuming);
  deps.version = std::move(options.version);
  deps.rules_version = std::move(options.rules_version);
  auto server = Server::Start(options.server, std::move(deps));
  if (!server.ok()) return server.status();
  s->server_ = std::move(server).value();
  s->indexer_->Start();
  return s;
}

HttpService::~HttpService() { Stop(); }

void HttpService::Stop() {
  if (server_) server_->Stop();
  if (indexer_) indexer_->Stop();
}

}  // namespace careloop::api
