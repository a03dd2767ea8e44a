// Routes: the HTTP API's request handling without the HTTP server, so that it can be
// tested without sockets. server.cpp adapts cpp-httplib's requests to these.
//
// Ownership: borrows what ServerDeps names. Thread-safety: Handle() may run on several
// threads at once (it only reads the store, the index and the metrics).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "api/query.h"
#include "api/server.h"

namespace careloop::api {

struct HttpRequest {
  std::string method = "GET";
  std::string path;
  Params params;
  std::string authorization;  // the Authorization header, if any
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string route;  // the route pattern, for metrics (never the path: it can hold an id)
};

class Routes {
 public:
  // `token` non-empty: required as a bearer token on every route but /, /healthz, /readyz.
  Routes(ServerDeps deps, std::string token);

  HttpResponse Handle(const HttpRequest& request) const;

 private:
  HttpResponse Worker(const std::string& id) const;
  HttpResponse Petition(const std::string& id) const;
  HttpResponse Cases(const Params& params) const;
  HttpResponse Summary() const;
  HttpResponse Metrics() const;
  HttpResponse Ready() const;
  bool Authorised(const HttpRequest& request) const;
  bool ready() const;
  std::vector<std::int32_t> Partitions() const;

  ServerDeps deps_;
  std::string token_;
  QueryVocabulary vocabulary_;
};

}  // namespace careloop::api
