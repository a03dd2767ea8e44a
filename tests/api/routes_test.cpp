// Routes: every endpoint's answer and every 4xx, over a store the engine wrote, without
// sockets.
#include "api/routes.h"

#include <rapidjson/document.h>

#include <atomic>

#include "careloop/metrics/metrics.h"
#include "tests/api/events.h"

using namespace careloop;
using namespace careloop::apitest;

namespace {

struct Harness {
  testing::ReplayFixture f;
  metrics::Metrics m;
  std::atomic<bool> consuming{true};
  std::unique_ptr<api::Indexer> indexer;

  Harness() {
    f.Feed(Lab("e1", "W1", kT0, "TG", 6.1, "mmol/L") + Lab("e2", "W2", kT0, "TG", 3.0, "mmol/L") +
           PetitionEvent("p1", "P-1", "W2", kT0, "submitted"));
    // A worker stored under partition 4, which the config's partition count misses.
    auto bytes = f.store().GetEntity(state::EntityKind::kWorker, 0, "W2");
    REQUIRE(bytes.ok());
    auto file = state::DecodeWorkerFile(**bytes);
    REQUIRE(file.ok());
    file->worker_id = "W40";
    state::WriteSet set;
    set.PutEntity(state::EntityKind::kWorker, 4, "W40", state::EncodeWorkerFile(*file));
    REQUIRE(f.store().Apply(set).ok());
    indexer = std::make_unique<api::Indexer>(f.store(), Workflows(), &m, "alerts");
    indexer->Start();
    REQUIRE(indexer->WaitIdle(std::chrono::seconds(30)));
  }

  api::Routes MakeRoutes(const std::string& token = "") {
    api::ServerDeps d;
    d.indexer = indexer.get();
    d.metrics = &m;
    d.workflows = &Workflows();
    d.conditions = f.catalog().conditions();
    d.partitions = 1;
    d.consuming = [this] { return consuming.load(); };
    d.version = "0.1.0";
    d.rules_version = f.rules().version();
    return api::Routes(d, token);
  }
};

api::HttpResponse Get(const api::Routes& r, const std::string& path, api::Params params = {},
                      const std::string& auth = "") {
  api::HttpRequest req;
  req.path = path;
  req.params = std::move(params);
  req.authorization = auth;
  return r.Handle(req);
}

rapidjson::Document Json(const api::HttpResponse& res) {
  rapidjson::Document d;
  d.Parse(res.body.c_str());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

}  // namespace

TEST_CASE("GET /api/cases lists open cases as JSON", "[integration][api]") {
  Harness h;
  auto routes = h.MakeRoutes();
  auto res = Get(routes, "/api/cases", {{"tier", "red"}});
  CHECK(res.status == 200);
  CHECK(res.content_type.find("application/json") == 0);
  auto d = Json(res);
  CHECK(d["total"].GetUint64() == 1);
  const auto& c = d["cases"][0];
  CHECK(std::string(c["worker_id"].GetString()) == "W1");
  CHECK(std::string(c["tier"].GetString()) == "red");
  CHECK(std::string(c["stage"].GetString()) == "alerted");
  CHECK(std::string(c["due_at"].GetString()) == At(kT0 + 60 * kMinute));
  CHECK(std::string(c["due_stage"].GetString()) == "first_contact");
  CHECK(c["overdue"].GetBool());  // kT0 is long past
  CHECK(res.route == "/api/cases");

  auto bad = Get(routes, "/api/cases", {{"tier", "purple"}});
  CHECK(bad.status == 400);
  CHECK(std::string(Json(bad)["error"].GetString()) == "bad_parameter");
}

TEST_CASE("GET /api/workers/{id} and /api/petitions/{id} return the files", "[integration][api]") {
  Harness h;
  auto routes = h.MakeRoutes();
  auto w = Get(routes, "/api/workers/W1");
  REQUIRE(w.status == 200);
  auto d = Json(w);
  CHECK(std::string(d["worker_id"].GetString()) == "W1");
  CHECK(d["conditions"][0]["cases"][0]["history"].Size() >= 1);
  CHECK(w.route == "/api/workers/{id}");
  // Found in a partition only the index knows of.
  CHECK(Get(routes, "/api/workers/W40").status == 200);
  auto p = Get(routes, "/api/petitions/P-1");
  REQUIRE(p.status == 200);
  CHECK(std::string(Json(p)["stage"].GetString()) == "submitted");

  auto missing = Get(routes, "/api/workers/W404");
  CHECK(missing.status == 404);
  CHECK(std::string(Json(missing)["error"].GetString()) == "not_found");
  CHECK(Get(routes, "/api/petitions/P-404").status == 404);
  CHECK(Get(routes, "/api/workers/").status == 400);
  CHECK(Get(routes, "/api/workers/" + std::string(300, 'x')).status == 400);
}

TEST_CASE("GET /api/summary has the census and the petition figures", "[integration][api]") {
  Harness h;
  auto routes = h.MakeRoutes();
  auto d = Json(Get(routes, "/api/summary"));
  CHECK(d["ready"].GetBool());
  CHECK(d["workers_total"].GetUint64() == 3);
  CHECK(d["workers"]["red"].GetUint64() == 1);
  CHECK(d["workers"]["yellow"].GetUint64() == 2);
  CHECK(d["open_cases"]["red"].GetUint64() == 1);
  CHECK(d["overdue_cases"]["red"].GetUint64() == 1);
  CHECK(d["petitions"]["submitted"].GetUint64() == 1);
  CHECK(d["petitions"]["open"].GetUint64() == 1);
}

TEST_CASE("/healthz, /readyz, /metrics and the page", "[integration][api]") {
  Harness h;
  auto routes = h.MakeRoutes();
  CHECK(Get(routes, "/healthz").status == 200);
  CHECK(Get(routes, "/readyz").status == 200);
  h.consuming = false;
  auto not_ready = Get(routes, "/readyz");
  CHECK(not_ready.status == 503);
  CHECK_FALSE(Json(not_ready)["consuming"].GetBool());
  auto metrics = Get(routes, "/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.content_type.find("text/plain") == 0);
  CHECK_THAT(metrics.body, Catch::Contains(R"(careloop_open_cases{stage="alerted",tier="red"} 1)"));
  CHECK_THAT(metrics.body, Catch::Contains("careloop_ready 0"));
  auto page = Get(routes, "/");
  CHECK(page.status == 200);
  CHECK(page.content_type.find("text/html") == 0);
  CHECK_THAT(page.body, Catch::Contains("follow-up worklist"));
  CHECK_THAT(page.body, Catch::Contains("/api/cases?tier=red"));
}

TEST_CASE("Unknown routes are 404, other methods 405", "[integration][api]") {
  Harness h;
  auto routes = h.MakeRoutes();
  CHECK(Get(routes, "/api/nothing").status == 404);
  api::HttpRequest post;
  post.method = "POST";
  post.path = "/api/cases";
  auto res = routes.Handle(post);
  CHECK(res.status == 405);
  CHECK(std::string(Json(res)["error"].GetString()) == "method_not_allowed");
}

TEST_CASE("With a token, data needs 'Authorization: Bearer <token>'", "[integration][api]") {
  Harness h;
  auto routes = h.MakeRoutes("s3cret-token");
  for (const char* path : {"/api/cases", "/api/workers/W1", "/api/summary", "/metrics"}) {
    INFO(path);
    auto none = Get(routes, path);
    CHECK(none.status == 401);
    CHECK(std::string(Json(none)["error"].GetString()) == "unauthorized");
    CHECK(Get(routes, path, {}, "Bearer wrong-token!").status == 401);
    CHECK(Get(routes, path, {}, "Basic s3cret-token").status == 401);
    CHECK(Get(routes, path, {}, "Bearer s3cret-token").status == 200);
  }
  // The page, liveness and readiness stay open (they carry no data).
  CHECK(Get(routes, "/").status == 200);
  CHECK(Get(routes, "/healthz").status == 200);
  CHECK(Get(routes, "/readyz").status == 200);
}
