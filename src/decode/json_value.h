// simdjson On-Demand helpers for the decoders (private): reading one field's value in a
// single step, the raw JSON of an item, and duplicate-key tracking.
//
// Every string_view produced here points into the parser's string buffer or the
// decoder's padded input buffer: valid until the next document is parsed.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace careloop::decode {

namespace od = simdjson::ondemand;

// What a JSON value was, as far as a decoder needs to know.
enum class JsonKind : std::uint8_t { kAbsent, kString, kNumber, kBool, kNull, kArray, kObject };

std::string_view JsonKindName(JsonKind k);  // "a string", "a number", …

struct FieldValue {
  JsonKind kind = JsonKind::kAbsent;
  std::string_view str;   // kString: unescaped
  double number = 0;      // kNumber
  bool overflow = false;  // kNumber too large for a double (1e400); `number` is meaningless
  bool boolean = false;   // kBool

  bool present() const { return kind != JsonKind::kAbsent; }
  bool is_string() const { return kind == JsonKind::kString; }
};

// Reads `v` into `*out`: strings unescaped, numbers parsed, true/false/null checked.
// Arrays and objects only get their kind; the iterator skips them. Returns an error only
// when the JSON itself is malformed (NaN, 01, an unterminated string, …).
simdjson::error_code ReadValue(od::value& v, FieldValue* out);

// The JSON text of `v` as it appears in the input (objects and arrays whole, scalars as
// their token), without trailing whitespace. Consumes `v`.
simdjson::error_code RawJson(od::value& v, std::string_view* out);

// `s` without trailing JSON whitespace.
std::string_view TrimJsonSpace(std::string_view s);

// Finds `key` in a table of field names; -1 when it is not there.
template <size_t N>
int FindKey(const std::string_view (&names)[N], std::string_view key) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == key) return static_cast<int>(i);
  }
  return -1;
}

// Notices repeated keys in one JSON object: known keys by their table index (a bit
// each), unknown ones by name: the first kLinearKeys in a vector, the rest in a hash set,
// so an object of 100,000 distinct unknown keys costs linear time, not quadratic.
class KeyTracker {
 public:
  void Reset() {
    known_ = 0;
    unknown_.clear();
    if (!many_.empty()) many_ = {};  // frees what an object of many keys grew
    duplicate_ = {};
    has_duplicate_ = false;
  }
  // Records `key` (`index` in its table, or -1 when unknown); false when it repeats.
  bool Add(int index, std::string_view key);
  bool has_duplicate() const { return has_duplicate_; }
  std::string_view duplicate() const { return duplicate_; }  // the first repeated key

 private:
  static constexpr size_t kLinearKeys = 16;
  std::uint64_t known_ = 0;
  std::vector<std::string_view> unknown_;      // the first kLinearKeys unknown keys
  std::unordered_set<std::string_view> many_;  // the unknown keys after those
  std::string_view duplicate_;
  bool has_duplicate_ = false;
};

}  // namespace careloop::decode
