#include "api/routes.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "api/views.h"
#include "api/worker_view.h"

namespace careloop::api {
namespace {

constexpr std::string_view kWorkers = "/api/workers/";
constexpr std::string_view kPetitions = "/api/petitions/";
constexpr std::size_t kMaxIdBytes = 200;

HttpResponse Json(int status, std::string body, std::string route) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.route = std::move(route);
  return r;
}

HttpResponse Error(int status, std::string_view code, std::string_view message, std::string route) {
  return Json(status, ErrorJson(code, message), std::move(route));
}

// Compares without an early exit, so the time taken does not tell how much matched.
bool SameSecret(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

bool ValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdBytes) return false;
  return std::none_of(id.begin(), id.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '/';
  });
}

}  // namespace

Routes::Routes(ServerDeps deps, std::string token)
    : deps_(std::move(deps)), token_(std::move(token)) {
  if (deps_.workflows != nullptr) {
    if (const auto* def = deps_.workflows->Find("health_followup"))
      vocabulary_.stages = def->states;
  }
  vocabulary_.conditions = deps_.conditions;
}

bool Routes::ready() const {
  return deps_.indexer->ready() && (!deps_.consuming || deps_.consuming());
}

bool Routes::Authorised(const HttpRequest& req) const {
  if (token_.empty()) return true;
  constexpr std::string_view kBearer = "Bearer ";
  std::string_view h = req.authorization;
  if (h.substr(0, kBearer.size()) != kBearer) return false;
  return SameSecret(h.substr(kBearer.size()), token_);
}

std::vector<std::int32_t> Routes::Partitions() const {
  std::set<std::int32_t> all;
  for (std::int32_t p = 0; p < deps_.partitions; ++p) all.insert(p);
  for (std::int32_t p : deps_.indexer->index().partitions()) all.insert(p);
  return {all.begin(), all.end()};
}

HttpResponse Routes::Handle(const HttpRequest& req) const {
  const std::string& path = req.path;
  if (req.method != "GET" && req.method != "HEAD") {
    HttpResponse r = Error(405, "method_not_allowed", "only GET is served", "other");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  if (path == "/" || path == "/index.html") {
    HttpResponse r;
    r.content_type = "text/html; charset=utf-8";
    r.body = std::string(WorklistPage());
    r.route = "/";
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'self'; script-src 'self' 'unsafe-inline'; "
                           "style-src 'self' 'unsafe-inline'");
    return r;
  }
  if (path == "/healthz") return Json(200, R"({"status":"ok"})", "/healthz");
  if (path == "/readyz") return Ready();
  if (!Authorised(req)) {
    HttpResponse r = Error(401, "unauthorized",
                           "this address needs the header 'Authorization: Bearer <token>' "
                           "(http.token in careloop.yaml)",
                           "auth");
    r.headers.emplace_back("WWW-Authenticate", R"(Bearer realm="careloop")");
    return r;
  }
  if (path == "/metrics") return Metrics();
  if (path == "/api/summary") return Summary();
  if (path == "/api/cases") return Cases(req.params);
  if (path.compare(0, kWorkers.size(), kWorkers) == 0) {
    return Worker(path.substr(kWorkers.size()));
  }
  if (path.compare(0, kPetitions.size(), kPetitions) == 0) {
    return Petition(path.substr(kPetitions.size()));
  }
  return Error(404, "not_found",
               "no such route; try /api/workers/{id}, /api/cases, /api/petitions/{id}, "
               "/api/summary, /metrics, /healthz, /readyz",
               "other");
}

HttpResponse Routes::Ready() const {
  bool index = deps_.indexer->ready();
  bool consuming = !deps_.consuming || deps_.consuming();
  std::string body = std::string(R"({"ready":)") + (index && consuming ? "true" : "false") +
                     R"(,"index_ready":)" + (index ? "true" : "false") + R"(,"consuming":)" +
                     (consuming ? "true" : "false") + "}";
  return Json(index && consuming ? 200 : 503, std::move(body), "/readyz");
}

HttpResponse Routes::Metrics() const {
  deps_.indexer->Refresh(ready());
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = deps_.metrics ? deps_.metrics->Serialize() : std::string();
  r.route = "/metrics";
  return r;
}

HttpResponse Routes::Summary() const {
  TimeMs now = WallClockNow();
  Census census = deps_.indexer->index().TakeCensus(now);
  SummaryInputs in;
  in.census = &census;
  auto stats = deps_.indexer->store().GetMeta("stats/petitions");
  if (!stats.ok()) {
    spdlog::error("api: reading petition figures failed: {}", stats.status().ToString());
    return Error(500, "state_unreadable", "state could not be read", "/api/summary");
  }
  in.petition_stats = stats->value_or("");
  in.index_ready = deps_.indexer->ready();
  in.consuming = !deps_.consuming || deps_.consuming();
  in.ready = in.index_ready && in.consuming;
  in.version = deps_.version;
  in.rules_version = deps_.rules_version;
  return Json(200, SummaryJson(in, now), "/api/summary");
}

HttpResponse Routes::Cases(const Params& params) const {
  const std::string route = "/api/cases";
  TimeMs now = WallClockNow();
  auto q = ParseCaseQuery(params, vocabulary_, now);
  if (!q.ok()) return Error(400, "bad_parameter", q.status().message(), route);
  if (!deps_.indexer->ready()) {
    return Error(503, "not_ready", "the case index is still being built from state", route);
  }
  CasePage page = deps_.indexer->index().Cases(*q, now);
  return Json(200, CasesJson(page, *q, now), route);
}

HttpResponse Routes::Worker(const std::string& id) const {
  const std::string route = "/api/workers/{id}";
  if (!ValidId(id)) {
    return Error(400, "bad_id", "a worker id is 1 to 200 printable characters without '/'", route);
  }
  for (std::int32_t p : Partitions()) {
    auto bytes = deps_.indexer->store().GetEntity(state::EntityKind::kWorker, p, id);
    if (!bytes.ok()) {
      spdlog::error("api: reading a worker file failed: {}", bytes.status().ToString());
      return Error(500, "state_unreadable", "state could not be read", route);
    }
    if (!bytes->has_value()) continue;
    auto file = state::DecodeWorkerFile(**bytes);
    if (!file.ok()) {
      spdlog::error("api: a stored worker file cannot be decoded: {}", file.status().ToString());
      return Error(500, "state_corrupt", "the stored file cannot be decoded", route);
    }
    return Json(200, WorkerFileJson(*file), route);
  }
  return Error(404, "not_found", "no worker file has this id", route);
}

HttpResponse Routes::Petition(const std::string& id) const {
  const std::string route = "/api/petitions/{id}";
  if (!ValidId(id)) {
    return Error(400, "bad_id", "a petition id is 1 to 200 printable characters without '/'",
                 route);
  }
  for (std::int32_t p : Partitions()) {
    auto bytes = deps_.indexer->store().GetEntity(state::EntityKind::kPetition, p, id);
    if (!bytes.ok()) {
      spdlog::error("api: reading a petition file failed: {}", bytes.status().ToString());
      return Error(500, "state_unreadable", "state could not be read", route);
    }
    if (!bytes->has_value()) continue;
    auto file = state::DecodePetitionFile(**bytes);
    if (!file.ok()) {
      spdlog::error("api: a stored petition file cannot be decoded: {}", file.status().ToString());
      return Error(500, "state_corrupt", "the stored file cannot be decoded", route);
    }
    return Json(200, PetitionFileJson(*file), route);
  }
  return Error(404, "not_found", "no petition file has this id", route);
}

}  // namespace careloop::api
