// config/grafana/careloop.json: importable (a Prometheus datasource input) and every
// metric it queries is one careloop exports.
#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "careloop/metrics/metrics.h"

namespace {

void CollectExprs(const rapidjson::Value& v, std::vector<std::string>* out) {
  if (v.IsObject()) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      if (std::string(it->name.GetString()) == "expr" && it->value.IsString()) {
        out->push_back(it->value.GetString());
      } else {
        CollectExprs(it->value, out);
      }
    }
  } else if (v.IsArray()) {
    for (const auto& e : v.GetArray()) CollectExprs(e, out);
  }
}

}  // namespace

TEST_CASE("Every metric the Grafana dashboard queries is exported", "[unit]") {
  std::ifstream in(std::string(CARELOOP_SOURCE_DIR) + "/config/grafana/careloop.json");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  rapidjson::Document d;
  d.Parse(text.str().c_str());
  REQUIRE_FALSE(d.HasParseError());
  REQUIRE(d.HasMember("__inputs"));
  REQUIRE(d.HasMember("panels"));

  careloop::metrics::Metrics m;
  std::set<std::string> exported;
  for (const auto& n : m.FamilyNames()) exported.insert(n);

  std::vector<std::string> exprs;
  CollectExprs(d, &exprs);
  REQUIRE(exprs.size() >= 20);
  std::regex metric("careloop_[a-z0-9_]+");
  std::set<std::string> queried;
  for (const auto& e : exprs) {
    for (auto it = std::sregex_iterator(e.begin(), e.end(), metric); it != std::sregex_iterator();
         ++it) {
      std::string name = it->str();
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        std::string s(suffix);
        if (name.size() > s.size() && name.substr(name.size() - s.size()) == s &&
            exported.count(name.substr(0, name.size() - s.size()))) {
          name = name.substr(0, name.size() - s.size());
        }
      }
      queried.insert(name);
    }
  }
  for (const auto& name : queried) {
    INFO(name);
    CHECK(exported.count(name) == 1);
  }
  // The panels: volume, census, red contact time, deadlines, petitions, health.
  for (const char* must : {"careloop_events_total", "careloop_workers", "careloop_open_cases",
                           "careloop_red_first_contact_seconds", "careloop_deadlines_missed_total",
                           "careloop_petition_first_response_ratio",
                           "careloop_consumer_lag_records", "careloop_outbox_depth"}) {
    INFO(must);
    CHECK(queried.count(must) == 1);
  }
}
