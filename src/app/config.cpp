#include "config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "api/server.h"

#include <fmt/format.h>

namespace careloop::app {
namespace {

namespace fs = std::filesystem;

Status Bad(const std::string& file, const YAML::Node& node, const std::string& what) {
  return Status::InvalidArgument(fmt::format("{}:{}: {}", file, node.Mark().line + 1, what));
}

Status ReadProps(const std::string& file, const YAML::Node& node, const char* name,
                 kafka::Properties* out) {
  if (!node) return Status::Ok();
  if (!node.IsMap()) return Bad(file, node, fmt::format("kafka.{} must be a map", name));
  for (const auto& kv : node) {
    if (!kv.second.IsScalar()) {
      return Bad(file, kv.second,
                 fmt::format("kafka.{}.{} must be a scalar", name, kv.first.as<std::string>()));
    }
    (*out)[kv.first.as<std::string>()] = kv.second.as<std::string>();
  }
  return Status::Ok();
}

template <typename T>
Status ReadScalar(const std::string& file, const YAML::Node& parent, const char* section,
                  const char* key, T* out) {
  if (!parent || !parent[key]) return Status::Ok();
  const YAML::Node n = parent[key];
  try {
    *out = n.as<T>();
  } catch (const YAML::Exception&) {
    return Bad(file, n, fmt::format("{}.{} has the wrong type", section, key));
  }
  return Status::Ok();
}

Status Parse(const std::string& file, const YAML::Node& root, AppConfig* c) {
  if (!root || root.IsNull()) return Status::Ok();
  if (!root.IsMap()) return Bad(file, root, "the top level must be a map");
  static const char* kSections[] = {"kafka",      "topics", "broker", "state",
                                    "processing", "files",  "http"};
  for (const auto& kv : root) {
    std::string k = kv.first.as<std::string>();
    if (std::find(std::begin(kSections), std::end(kSections), k) == std::end(kSections)) {
      return Bad(file, kv.first, fmt::format("unknown section '{}'", k));
    }
  }
  if (auto k = root["kafka"]) {
    CARELOOP_RETURN_IF_ERROR(ReadProps(file, k["common"], "common", &c->kafka_common));
    CARELOOP_RETURN_IF_ERROR(ReadProps(file, k["consumer"], "consumer", &c->consumer));
    CARELOOP_RETURN_IF_ERROR(ReadProps(file, k["producer"], "producer", &c->producer));
    std::string assignment = "group";
    CARELOOP_RETURN_IF_ERROR(ReadScalar(file, k, "kafka", "assignment", &assignment));
    if (assignment != "group" && assignment != "all") {
      return Bad(file, k["assignment"], "kafka.assignment must be group or all");
    }
    c->join_group = assignment == "group";
  }
  if (auto t = root["topics"]) {
    engine::Topics& tp = c->topics;
    std::pair<const char*, std::string*> names[] = {
        {"lab_results", &tp.lab_results}, {"checkins", &tp.checkins},
        {"petitions", &tp.petitions},     {"alerts", &tp.alerts},
        {"alerts_red", &tp.alerts_red},   {"notifications", &tp.notifications},
        {"referrals", &tp.referrals},     {"escalations", &tp.escalations},
        {"dead_letter", &tp.dead_letter}};
    for (const auto& kv : t) {
      std::string k = kv.first.as<std::string>();
      bool known = false;
      for (auto& [name, dst] : names) {
        if (k == name) {
          known = true;
          *dst = kv.second.as<std::string>();
          if (dst->empty()) return Bad(file, kv.second, fmt::format("topics.{} is empty", k));
        }
      }
      if (!known) return Bad(file, kv.first, fmt::format("unknown topic role '{}'", k));
    }
  }
  CARELOOP_RETURN_IF_ERROR(
      ReadScalar(file, root["broker"], "broker", "partitions", &c->broker_partitions));
  if (c->broker_partitions < 1 || c->broker_partitions > 1000) {
    return Bad(file, root["broker"]["partitions"], "broker.partitions must be 1..1000");
  }
  auto st = root["state"];
  CARELOOP_RETURN_IF_ERROR(
      ReadScalar(file, st, "state", "block_cache_mb", &c->store.block_cache_mb));
  CARELOOP_RETURN_IF_ERROR(
      ReadScalar(file, st, "state", "write_buffer_mb", &c->store.write_buffer_mb));
  CARELOOP_RETURN_IF_ERROR(ReadScalar(file, st, "state", "sync_writes", &c->store.sync_writes));
  CARELOOP_RETURN_IF_ERROR(
      ReadScalar(file, st, "state", "compress_worker_files", &c->store.compress_worker_files));
  CARELOOP_RETURN_IF_ERROR(
      ReadScalar(file, st, "state", "blob_gc_age_cutoff", &c->store.blob_gc_age_cutoff));
  if (!(c->store.blob_gc_age_cutoff > 0 && c->store.blob_gc_age_cutoff <= 1)) {
    return Bad(file, st["blob_gc_age_cutoff"], "state.blob_gc_age_cutoff must be in (0, 1]");
  }
  CARELOOP_RETURN_IF_ERROR(
      ReadScalar(file, st, "state", "blob_garbage_target", &c->store.blob_garbage_target));
  if (!(c->store.blob_garbage_target >= 0 && c->store.blob_garbage_target < 1)) {
    return Bad(file, st["blob_garbage_target"], "state.blob_garbage_target must be in [0, 1)");
  }
  auto pr = root["processing"];
  CARELOOP_RETURN_IF_ERROR(ReadScalar(file, pr, "processing", "batch_max", &c->batch_max));
  CARELOOP_RETURN_IF_ERROR(ReadScalar(file, pr, "processing", "step_max_ms", &c->step_max_ms));
  CARELOOP_RETURN_IF_ERROR(
      ReadScalar(file, pr, "processing", "poll_timeout_ms", &c->poll_timeout_ms));
  CARELOOP_RETURN_IF_ERROR(ReadScalar(file, pr, "processing", "max_in_flight", &c->max_in_flight));
  CARELOOP_RETURN_IF_ERROR(
      ReadScalar(file, pr, "processing", "align_max_idle_ms", &c->align_max_idle_ms));
  CARELOOP_RETURN_IF_ERROR(
      ReadScalar(file, pr, "processing", "align_max_buffered", &c->align_max_buffered));
  if (c->align_max_idle_ms < 0)
    return Bad(file, pr["align_max_idle_ms"], "processing.align_max_idle_ms must be >= 0");
  if (c->align_max_buffered < 1)
    return Bad(file, pr["align_max_buffered"], "processing.align_max_buffered must be >= 1");
  if (c->batch_max < 1) return Bad(file, pr["batch_max"], "processing.batch_max must be >= 1");
  if (c->step_max_ms < 0)
    return Bad(file, pr["step_max_ms"], "processing.step_max_ms must be >= 0 (0: no limit)");
  if (c->max_in_flight < 1)
    return Bad(file, pr["max_in_flight"], "processing.max_in_flight must be >= 1");
  auto f = root["files"];
  CARELOOP_RETURN_IF_ERROR(ReadScalar(file, f, "files", "tests", &c->tests_file));
  CARELOOP_RETURN_IF_ERROR(ReadScalar(file, f, "files", "rules", &c->rules_file));
  CARELOOP_RETURN_IF_ERROR(ReadScalar(file, f, "files", "topologies", &c->topologies_dir));
  auto h = root["http"];
  CARELOOP_RETURN_IF_ERROR(ReadScalar(file, h, "http", "listen", &c->http_listen));
  CARELOOP_RETURN_IF_ERROR(ReadScalar(file, h, "http", "token", &c->http_token));
  if (!c->http_listen.empty()) {
    api::ServerOptions so;
    Status ls = api::ParseListen(c->http_listen, &so);
    if (!ls.ok()) return Bad(file, h["listen"], "http.listen: " + ls.message());
    if (!api::IsLoopback(so.host) && c->http_token.empty()) {
      return Bad(file, h["listen"], "http.listen is not loopback: http.token is required");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<LoadedConfig> LoadConfig(const std::string& dir) {
  LoadedConfig out;
  AppConfig& c = out.app;
  c.dir = dir;
  c.consumer["group.id"] = "careloop";
  c.tests_file = "tests.yaml";
  c.rules_file = "rules.yaml";
  c.topologies_dir = "../topologies";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::InvalidArgument(fmt::format("config directory '{}' does not exist", dir));
  }
  fs::path main = fs::path(dir) / "careloop.yaml";
  if (fs::exists(main, ec)) {
    YAML::Node root;
    try {
      root = YAML::LoadFile(main.string());
    } catch (const YAML::Exception& e) {
      return Status::InvalidArgument(
          fmt::format("{}:{}: {}", main.string(), e.mark.line + 1, e.msg));
    }
    try {
      CARELOOP_RETURN_IF_ERROR(Parse(main.string(), root, &c));
    } catch (const YAML::Exception& e) {
      return Status::InvalidArgument(
          fmt::format("{}:{}: {}", main.string(), e.mark.line + 1, e.msg));
    }
  }
  auto resolve = [&](const std::string& f) {
    fs::path p(f);
    return p.is_absolute() ? p.string() : (fs::path(dir) / p).string();
  };
  c.tests_file = resolve(c.tests_file);
  c.rules_file = resolve(c.rules_file);
  c.topologies_dir = resolve(c.topologies_dir);
  auto catalog = decode::Catalog::LoadFile(c.tests_file);
  if (!catalog.ok()) return catalog.status();
  out.catalog = std::make_unique<decode::Catalog>(std::move(catalog).value());
  auto rules = rules::RuleSet::LoadFile(c.rules_file, *out.catalog);
  if (!rules.ok()) return rules.status();
  out.rules = std::make_unique<rules::RuleSet>(std::move(rules).value());
  auto workflows = engine::WorkflowSet::LoadDir(c.topologies_dir);
  if (!workflows.ok()) return workflows.status();
  out.workflows = std::make_unique<engine::WorkflowSet>(std::move(workflows).value());
  return out;
}

}  // namespace careloop::app
