// Test support: runs JSONL through the replay engine with the shipped config/ and
// gives the output records back parsed, for assertions.
#pragma once

#include <rapidjson/document.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "careloop/decode/catalog.h"
#include "careloop/engine/replay.h"
#include "careloop/engine/workflow_set.h"
#include "careloop/metrics/metrics.h"
#include "careloop/rules/rule_set.h"
#include "careloop/state/store.h"

namespace careloop::testing {

struct OutRecord {
  std::string topic;
  std::string key;
  std::string raw;  // the value's JSON
  std::shared_ptr<rapidjson::Document> doc;
  const rapidjson::Value& v() const { return *doc; }
  std::string Str(const char* field) const {
    const auto& d = *doc;
    if (!d.HasMember(field) || !d[field].IsString()) return "";
    return d[field].GetString();
  }
};

class ReplayFixture {
 public:
  ReplayFixture();
  // Feeds `jsonl` (several lines) and returns the records it produced. State carries
  // over between calls, like one long input file.
  std::vector<OutRecord> Feed(const std::string& jsonl, std::optional<TimeMs> until = {});
  // Records of one topic from the last Feed.
  static std::vector<OutRecord> Of(const std::vector<OutRecord>& all, const std::string& topic);
  // The whole replay output text of `jsonl` from a fresh state (byte comparisons).
  static std::string ReplayText(const std::string& jsonl);

  const decode::Catalog& catalog() const { return *catalog_; }
  const rules::RuleSet& rules() const { return *rules_; }
  state::Store& store() { return *store_; }
  // Metrics the engine reports to from the next Feed on (borrowed; null = none).
  void set_metrics(metrics::Metrics* m) { metrics_ = m; }

 private:
  std::unique_ptr<decode::Catalog> catalog_;
  std::unique_ptr<rules::RuleSet> rules_;
  std::unique_ptr<engine::WorkflowSet> workflows_;
  std::unique_ptr<state::Store> store_;
  metrics::Metrics* metrics_ = nullptr;
};

}  // namespace careloop::testing
