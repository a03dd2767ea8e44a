// libFuzzer target: EventDecoder::Decode on arbitrary bytes, with the shipped catalog.
//
// Besides the sanitizers, it traps (__builtin_trap) when a decoded message breaks one of
// the decoder's promises (event_decoder.h):
//   - a usable message has a type and a non-empty event_id (and, for a lab_result, at
//     least one result);
//   - an unusable message has at least one RejectedItem (nothing is dropped silently);
//   - every RejectedItem has a non-empty reason_code from the documented list and a
//     non-empty reason, and an index of -1 or a result's position;
//   - a reason never contains a result's numeric `value` (health data stays out of
//     reasons; the check ignores quoted codes/units and the bracketed plausible range,
//     where a number may legitimately appear);
//   - decoding is independent of what the decoder and the Decoded saw before.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "careloop/decode/catalog.h"
#include "careloop/decode/event_decoder.h"

namespace {

using careloop::RejectedItem;
using careloop::decode::Catalog;
using careloop::decode::Decoded;
using careloop::decode::EventDecoder;
using careloop::decode::EventType;

namespace od = simdjson::ondemand;

const Catalog& ShippedCatalog() {
  static const Catalog* catalog = [] {
    auto r = Catalog::LoadFile(std::string(CARELOOP_SOURCE_DIR) + "/config/tests.yaml");
    if (!r.ok()) {
      std::fprintf(stderr, "fuzz_event_decoder: %s\n", r.status().ToString().c_str());
      std::abort();
    }
    return new Catalog(std::move(r).value());
  }();
  return *catalog;
}

#define FUZZ_CHECK(cond)                                                                 \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      __builtin_trap();                                                                  \
    }                                                                                    \
  } while (0)

bool KnownCode(std::string_view code) {
  static constexpr std::string_view kCodes[] = {
      "too_large",           "invalid_utf8",      "not_json",       "not_object",
      "duplicate_key",       "missing_field",     "invalid_field",  "unknown_type",
      "empty_results",       "unknown_kind",      "unknown_action", "unknown_test",
      "test_loinc_mismatch", "wrong_result_kind", "missing_value",  "non_numeric_value",
      "out_of_range",        "missing_unit",      "unknown_unit",   "missing_finding",
      "unknown_finding",     "invalid_hpv",       "invalid_flag",   "invalid_status"};
  for (std::string_view c : kCodes) {
    if (c == code) return true;
  }
  return false;
}

// The reason without the parts where numbers are allowed: everything from the first to
// the last single quote (codes, units, field names) and every [...] (result indexes,
// plausible ranges).
std::string WithoutAllowedNumbers(std::string_view reason) {
  std::string s(reason);
  const size_t first = s.find('\'');
  const size_t last = s.rfind('\'');
  if (first != std::string::npos && last > first) s.erase(first, last - first + 1);
  for (size_t open = s.find('['); open != std::string::npos; open = s.find('[', open)) {
    const size_t close = s.find(']', open);
    if (close == std::string::npos) break;
    s.erase(open, close - open + 1);
  }
  return s;
}

bool Distinctive(std::string_view number_text) {
  if (number_text.find_first_of("0123456789") == std::string_view::npos) return false;
  return number_text.find('.') != std::string_view::npos || number_text.size() >= 5;
}

// The texts a leaked `value` of `obj` would show: its token and its shortest double form.
void ValueTexts(od::object obj, std::vector<std::string>* out) {
  for (auto field_result : obj) {
    od::field field;
    std::string_view key;
    if (std::move(field_result).get(field) || field.unescaped_key().get(key)) return;
    if (key != "value") continue;
    od::value v = field.value();
    od::json_type type;
    if (v.type().get(type) || type != od::json_type::number) continue;
    std::string_view token = v.raw_json_token();
    while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' ||
                              token.back() == '\t' || token.back() == ',' || token.back() == '}')) {
      token.remove_suffix(1);
    }
    if (Distinctive(token)) out->emplace_back(token);
    double d = 0;
    if (!v.get_double().get(d) && std::isfinite(d)) {
      std::string shortest = fmt::format("{}", d);
      if (Distinctive(shortest)) out->push_back(std::move(shortest));
    }
  }
}

// The `value` texts of a rejected result (its payload is the result's JSON).
std::vector<std::string> ResultValueTexts(const RejectedItem& item) {
  std::vector<std::string> texts;
  static od::parser parser;
  simdjson::padded_string padded(item.payload);
  od::document doc;
  od::object obj;
  if (parser.iterate(padded).get(doc) || doc.get_object().get(obj)) return texts;
  ValueTexts(obj, &texts);
  return texts;
}

void CheckDecoded(const Decoded& d) {
  if (d.usable) {
    FUZZ_CHECK(d.type.has_value());
    FUZZ_CHECK(!d.event_id.empty());
    if (*d.type == EventType::kLabResult) {
      FUZZ_CHECK(!d.lab.results.empty());
      FUZZ_CHECK(d.lab.event_id == d.event_id);
      for (const auto& m : d.lab.results) FUZZ_CHECK(!m.obs.test.empty());
    }
  } else {
    FUZZ_CHECK(!d.rejected.empty());
  }
  for (const RejectedItem& item : d.rejected) {
    FUZZ_CHECK(!item.reason_code.empty());
    FUZZ_CHECK(KnownCode(item.reason_code));
    FUZZ_CHECK(!item.reason.empty());
    FUZZ_CHECK(item.index >= -1);
    if (item.index >= 0) {
      const std::string rest = WithoutAllowedNumbers(item.reason);
      for (const std::string& text : ResultValueTexts(item)) {
        if (rest.find(text) != std::string::npos) {
          std::fprintf(stderr, "reason leaks value %s: %s\n", text.c_str(), item.reason.c_str());
          __builtin_trap();
        }
      }
    }
  }
}

bool SameOutcome(const Decoded& a, const Decoded& b) {
  if (a.usable != b.usable || a.type != b.type || a.event_id != b.event_id ||
      a.worker_id != b.worker_id || a.rejected.size() != b.rejected.size() ||
      a.lab.results.size() != b.lab.results.size()) {
    return false;
  }
  for (size_t i = 0; i < a.rejected.size(); ++i) {
    const RejectedItem& x = a.rejected[i];
    const RejectedItem& y = b.rejected[i];
    if (x.reason_code != y.reason_code || x.reason != y.reason || x.index != y.index ||
        x.payload != y.payload) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // One long-lived decoder and Decoded (reused as in the pipeline) and a fresh pair.
  static EventDecoder reused_decoder(ShippedCatalog());
  static Decoded reused;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  reused_decoder.Decode(bytes, &reused);
  CheckDecoded(reused);

  EventDecoder fresh_decoder(ShippedCatalog());
  Decoded fresh;
  fresh_decoder.Decode(bytes, &fresh);
  FUZZ_CHECK(SameOutcome(reused, fresh));
  return 0;
}
