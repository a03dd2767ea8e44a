// Kafka keys for native input events in tests: the contract keys every input by its
// worker_id (none for a line that is not a JSON object naming one).
#pragma once

#include <rapidjson/document.h>

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

}  // namespace careloop::testing
