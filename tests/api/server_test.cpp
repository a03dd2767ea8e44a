// Server: real sockets on loopback, a port chosen by the system; the address rules.
#include "api/server.h"

#include <httplib.h>

#include "careloop/metrics/metrics.h"
#include "tests/api/events.h"

using namespace careloop;
using namespace careloop::apitest;

TEST_CASE("Listen addresses are parsed; loopback is recognised", "[unit][api]") {
  api::ServerOptions o;
  REQUIRE(api::ParseListen("127.0.0.1:8080", &o).ok());
  CHECK(o.host == "127.0.0.1");
  CHECK(o.port == 8080);
  REQUIRE(api::ParseListen("[::1]:0", &o).ok());
  CHECK(o.host == "::1");
  CHECK(o.port == 0);
  for (const char* bad : {"8080", "host:", ":80", "h:99999", "h:8x", "::1:80", "[::1]80"}) {
    INFO(bad);
    CHECK_FALSE(api::ParseListen(bad, &o).ok());
  }
  CHECK(api::IsLoopback("127.0.0.1"));
  CHECK(api::IsLoopback("127.1.2.3"));
  CHECK(api::IsLoopback("::1"));
  CHECK(api::IsLoopback("localhost"));
  CHECK_FALSE(api::IsLoopback("0.0.0.0"));
  CHECK_FALSE(api::IsLoopback("10.0.0.5"));
}

TEST_CASE("The server answers over HTTP and refuses a taken port or a bare public address",
          "[integration][api]") {
  testing::ReplayFixture f;
  f.Feed(Lab("e1", "W1", kT0, "TG", 6.1, "mmol/L"));
  metrics::Metrics m;
  api::Indexer indexer(f.store(), Workflows(), &m, "alerts");
  indexer.Start();
  REQUIRE(indexer.WaitIdle(std::chrono::seconds(30)));
  api::ServerDeps deps;
  deps.indexer = &indexer;
  deps.metrics = &m;
  deps.workflows = &Workflows();
  api::ServerOptions o;
  o.port = 0;
  auto server = api::Server::Start(o, deps);
  REQUIRE(server.ok());
  int port = (*server)->port();
  REQUIRE(port > 0);
  CHECK((*server)->address() == "127.0.0.1:" + std::to_string(port));

  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(10);
  client.set_read_timeout(30);
  auto res = client.Get("/api/cases?tier=red");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK_THAT(res->body, Catch::Contains("\"worker_id\":\"W1\""));
  CHECK(res->get_header_value("Cache-Control") == "no-store");
  auto bad = client.Get("/api/cases?page_size=9999");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  auto del = client.Delete("/api/cases");
  REQUIRE(del);
  CHECK(del->status == 405);
  CHECK_THAT(m.Serialize(),
             Catch::Contains(R"(careloop_http_requests_total{code="400",route="/api/cases"} 1)"));

  // The same port again: refused (no SO_REUSEPORT sharing).
  api::ServerOptions same = o;
  same.port = port;
  auto second = api::Server::Start(same, deps);
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == Status::Code::kUnavailable);

  // A public address without a token: refused before binding.
  api::ServerOptions open;
  open.host = "0.0.0.0";
  open.port = 0;
  auto refused = api::Server::Start(open, deps);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Status::Code::kInvalidArgument);
  CHECK_THAT(refused.status().message(), Catch::Contains("http.token"));

  (*server)->Stop();
  indexer.Stop();
}
