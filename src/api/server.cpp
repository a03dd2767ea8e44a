#include "api/server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <thread>

#include <fmt/format.h>

#include "api/routes.h"

namespace careloop::api {
namespace {

class HttpServer final : public Server {
 public:
  HttpServer(const ServerOptions& options, ServerDeps deps)
      : options_(options), metrics_(deps.metrics), routes_(std::move(deps), options.token) {}
  ~HttpServer() override { Stop(); }

  Status Bind() {
    int threads = std::max(1, options_.threads);
    server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    // SO_REUSEADDR only: httplib's default SO_REUSEPORT would let a second process bind
    // the same port and silently take half of the requests.
    server_.set_socket_options([](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    });
    server_.set_keep_alive_timeout(5);
    server_.set_read_timeout(10);
    server_.set_payload_max_length(64 * 1024);
    // Every request goes through Routes; httplib's own routing is not used.
    server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      HttpRequest in;
      in.method = req.method;
      in.path = req.path;
      for (const auto& [k, v] : req.params) in.params.emplace_back(k, v);
      in.authorization = req.get_header_value("Authorization");
      HttpResponse out = routes_.Handle(in);
      res.status = out.status;
      for (const auto& [k, v] : out.headers) res.set_header(k, v);
      res.set_header("Cache-Control", "no-store");
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_content(out.body, out.content_type.c_str());
      if (metrics_) metrics_->HttpRequest(out.route, out.status);
      spdlog::debug("http {} {} -> {}", req.method, req.path, out.status);
      return httplib::Server::HandlerResponse::Handled;
    });
    if (options_.port == 0) {
      port_ = server_.bind_to_any_port(options_.host);
      if (port_ <= 0) {
        return Status::Unavailable(fmt::format("cannot listen on {} (any port)", options_.host));
      }
    } else {
      if (!server_.bind_to_port(options_.host, options_.port)) {
        return Status::Unavailable(
            fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)",
                        options_.host, options_.port));
      }
      port_ = options_.port;
    }
    thread_ = std::thread([this] {
      if (!server_.listen_after_bind()) spdlog::error("http server stopped on an error");
    });
    return Status::Ok();
  }

  int port() const override { return port_; }
  std::string address() const override {
    bool v6 = options_.host.find(':') != std::string::npos;
    return v6 ? fmt::format("[{}]:{}", options_.host, port_)
              : fmt::format("{}:{}", options_.host, port_);
  }
  void Stop() override {
    if (!thread_.joinable()) return;
    server_.stop();
    thread_.join();
  }

 private:
  ServerOptions options_;
  metrics::Metrics* metrics_;
  Routes routes_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

Status ParseListen(const std::string& listen, ServerOptions* options) {
  std::string host, port;
  if (!listen.empty() && listen.front() == '[') {
    auto close = listen.find("]:");
    if (close == std::string::npos) {
      return Status::InvalidArgument(
          fmt::format("listen address '{}': expected [IPv6]:PORT", listen));
    }
    host = listen.substr(1, close - 1);
    port = listen.substr(close + 2);
  } else {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos || listen.find(':') != colon) {
      return Status::InvalidArgument(
          fmt::format("listen address '{}': expected HOST:PORT, e.g. 127.0.0.1:8080", listen));
    }
    host = listen.substr(0, colon);
    port = listen.substr(colon + 1);
  }
  int p = -1;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (host.empty() || ec != std::errc() || end != port.data() + port.size() || p < 0 || p > 65535) {
    return Status::InvalidArgument(
        fmt::format("listen address '{}': expected HOST:PORT with a port 0..65535", listen));
  }
  options->host = host;
  options->port = p;
  return Status::Ok();
}

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options, ServerDeps deps) {
  if (!IsLoopback(options.host) && options.token.empty()) {
    return Status::InvalidArgument(
        fmt::format("the HTTP API would listen on {}, which is not loopback: set http.token in "
                    "careloop.yaml (clients then send 'Authorization: Bearer <token>')",
                    options.host));
  }
  if (deps.indexer == nullptr) return Status::InvalidArgument("the HTTP API needs the indexer");
  auto server = std::make_unique<HttpServer>(options, std::move(deps));
  CARELOOP_RETURN_IF_ERROR(server->Bind());
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace careloop::api
