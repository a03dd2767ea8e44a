// JsonOut: the results document (RapidJSON), built member by member. Keys that look
// like numbers (worker counts) stay object keys.
//
// Ownership: owns the document; references to its values are valid while it lives.
// Thread-safety: one thread.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <vector>

namespace careloop::bench {

class JsonOut {
 public:
  using Value = rapidjson::Value;

  JsonOut() { doc_.SetObject(); }
  Value& root() { return doc_; }
  const Value& root() const { return doc_; }

  // The object member `key` of `parent`, added if absent.
  Value& Object(Value& parent, std::string_view key);
  void Set(Value& parent, std::string_view key, double v);
  void Set(Value& parent, std::string_view key, std::string_view v);
  void SetBool(Value& parent, std::string_view key, bool v);
  void Set(Value& parent, std::string_view key, const std::vector<double>& v);

  std::string Pretty() const;

 private:
  Value& Member(Value& parent, std::string_view key);
  rapidjson::Document doc_;
};

// A number under a path of object keys, or `fallback`.
double Number(const rapidjson::Value& v, std::initializer_list<std::string_view> path,
              double fallback = 0);

}  // namespace careloop::bench
