#include "decode/json_value.h"

#include <charconv>

namespace careloop::decode {

std::string_view JsonKindName(JsonKind k) {
  switch (k) {
    case JsonKind::kAbsent:
      return "absent";
    case JsonKind::kString:
      return "a string";
    case JsonKind::kNumber:
      return "a number";
    case JsonKind::kBool:
      return "a boolean";
    case JsonKind::kNull:
      return "null";
    case JsonKind::kArray:
      return "an array";
    case JsonKind::kObject:
      return "an object";
  }
  return "absent";
}

namespace {

// simdjson reports NUMBER_ERROR both for malformed numbers (01, 1.) and for numbers
// beyond a double (1e400). Only the second is valid JSON.
bool IsOverflowingNumber(std::string_view token) {
  size_t n = 0;
  while (n < token.size() &&
         std::string_view("0123456789+-.eE").find(token[n]) != std::string_view::npos)
    ++n;
  token = token.substr(0, n);
  if (token.empty()) return false;
  // JSON grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < token.size() && token[i] >= '0' && token[i] <= '9') ++i;
    return i - start;
  };
  if (token[i] == '-') ++i;
  if (i < token.size() && token[i] == '0') {
    ++i;
  } else if (digits() == 0) {
    return false;
  }
  if (i < token.size() && token[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  }
  if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    if (i < token.size() && (token[i] == '+' || token[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  if (i != token.size()) return false;
  double d = 0;
  auto res = std::from_chars(token.data(), token.data() + token.size(), d);
  return res.ec == std::errc::result_out_of_range;
}

}  // namespace

simdjson::error_code ReadValue(od::value& v, FieldValue* out) {
  od::json_type type;
  if (auto e = v.type().get(type)) return e;
  switch (type) {
    case od::json_type::string:
      out->kind = JsonKind::kString;
      return v.get_string().get(out->str);
    case od::json_type::number: {
      out->kind = JsonKind::kNumber;
      const std::string_view token = v.raw_json_token();
      auto e = v.get_double().get(out->number);
      if (e == simdjson::NUMBER_ERROR && IsOverflowingNumber(token)) {
        out->overflow = true;
        return simdjson::SUCCESS;
      }
      return e;
    }
    case od::json_type::boolean:
      out->kind = JsonKind::kBool;
      return v.get_bool().get(out->boolean);
    case od::json_type::null: {
      out->kind = JsonKind::kNull;
      bool is_null = false;
      if (auto e = v.is_null().get(is_null)) return e;
      return is_null ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
    }
    case od::json_type::array:
      out->kind = JsonKind::kArray;
      return simdjson::SUCCESS;
    case od::json_type::object:
      out->kind = JsonKind::kObject;
      return simdjson::SUCCESS;
  }
  return simdjson::INCORRECT_TYPE;
}

std::string_view TrimJsonSpace(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

simdjson::error_code RawJson(od::value& v, std::string_view* out) {
  od::json_type type;
  if (auto e = v.type().get(type)) return e;
  if (type == od::json_type::object) {
    od::object obj;
    if (auto e = v.get_object().get(obj)) return e;
    if (auto e = obj.raw_json().get(*out)) return e;
  } else if (type == od::json_type::array) {
    od::array arr;
    if (auto e = v.get_array().get(arr)) return e;
    if (auto e = arr.raw_json().get(*out)) return e;
  } else {
    *out = v.raw_json_token();
  }
  *out = TrimJsonSpace(*out);
  return simdjson::SUCCESS;
}

bool KeyTracker::Add(int index, std::string_view key) {
  bool repeat = false;
  if (index >= 0 && index < 64) {
    const std::uint64_t bit = std::uint64_t{1} << index;
    repeat = (known_ & bit) != 0;
    known_ |= bit;
  } else {
    for (std::string_view k : unknown_) repeat = repeat || k == key;
    if (!repeat) {
      if (unknown_.size() < kLinearKeys) {
        unknown_.push_back(key);
      } else {
        repeat = !many_.insert(key).second;
      }
    }
  }
  if (repeat && !has_duplicate_) {
    has_duplicate_ = true;
    duplicate_ = key;
  }
  return !repeat;
}

}  // namespace careloop::decode
