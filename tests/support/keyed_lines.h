// Kafka keys for native input events in tests: the contract keys every input by its
// worker_id (none for a line that is not a JSON object naming one).
#pragma once

#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <map>
#include <sstream>
#include <string>

namespace careloop::testing {

inline std::string WorkerKey(const std::string& json_line) {
  rapidjson::Document d;
  d.Parse(json_line.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("worker_id") ||
      !d["worker_id"].IsString()) {
    return "";
  }
  return d["worker_id"].GetString();
}

// id -> count of output records, one record value (JSON with "id") per line of `text`.
inline std::map<std::string, int> CountIds(const std::string& text) {
  std::map<std::string, int> ids;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    rapidjson::Document d;
    d.Parse(line.c_str());
    REQUIRE_FALSE(d.HasParseError());
    ids[d["id"].GetString()]++;
  }
  return ids;
}

}  // namespace careloop::testing
