#include "support/replay_fixture.h"

#include <catch2/catch.hpp>

namespace careloop::testing {

namespace {
std::string ConfigPath(const char* file) {
  return std::string(CARELOOP_SOURCE_DIR) + "/config/" + file;
}
}  // namespace

ReplayFixture::ReplayFixture() {
  auto catalog = decode::Catalog::LoadFile(ConfigPath("tests.yaml"));
  REQUIRE(catalog.ok());
  catalog_ = std::make_unique<decode::Catalog>(std::move(catalog).value());
  auto rules = rules::RuleSet::LoadFile(ConfigPath("rules.yaml"), *catalog_);
  INFO(rules.status().ToString());
  REQUIRE(rules.ok());
  rules_ = std::make_unique<rules::RuleSet>(std::move(rules).value());
  auto wfs = engine::WorkflowSet::LoadDir(std::string(CARELOOP_SOURCE_DIR) + "/topologies");
  INFO(wfs.status().ToString());
  REQUIRE(wfs.ok());
  workflows_ = std::make_unique<engine::WorkflowSet>(std::move(wfs).value());
  store_ = state::NewMemoryStore();
}

std::vector<OutRecord> ReplayFixture::Feed(const std::string& jsonl, std::optional<TimeMs> until) {
  std::vector<OutRecord> out;
  std::istringstream in(jsonl);
  auto stats = engine::Replay(
      *catalog_, *rules_, *workflows_, engine::Topics{}, *store_, in, until,
      [&](std::string_view topic, std::string_view key, std::string_view value) {
        OutRecord r;
        r.topic = topic;
        r.key = key;
        r.raw = value;
        r.doc = std::make_shared<rapidjson::Document>();
        r.doc->Parse(r.raw.c_str());
        REQUIRE_FALSE(r.doc->HasParseError());
        out.push_back(std::move(r));
      },
      metrics_);
  INFO(stats.status().ToString());
  REQUIRE(stats.ok());
  return out;
}

std::vector<OutRecord> ReplayFixture::Of(const std::vector<OutRecord>& all,
                                         const std::string& topic) {
  std::vector<OutRecord> out;
  for (const auto& r : all) {
    if (r.topic == topic) out.push_back(r);
  }
  return out;
}

std::string ReplayFixture::ReplayText(const std::string& jsonl) {
  ReplayFixture f;
  std::string text;
  std::istringstream in(jsonl);
  auto stats = engine::Replay(
      *f.catalog_, *f.rules_, *f.workflows_, engine::Topics{}, *f.store_, in, std::nullopt,
      [&](std::string_view topic, std::string_view key, std::string_view value) {
        text += engine::ReplayLine(topic, key, value);
        text += '\n';
      });
  REQUIRE(stats.ok());
  return text;
}

}  // namespace careloop::testing
