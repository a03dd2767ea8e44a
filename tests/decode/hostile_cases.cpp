#include "decode/hostile_cases.h"

#include <simdjson.h>
#include <catch2/catch.hpp>

#include "decode/decode_fixture.h"

namespace careloop::decode::testing {
namespace {

// The number of items in the message's top-level `results` array, read with simdjson's
// DOM parser (independent of the decoder); -1 when it is not valid JSON or has none.
int64_t ResultCount(const std::string& json) {
  static simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc)) return -1;
  simdjson::dom::array results;
  if (doc["results"].get_array().get(results)) return -1;
  return static_cast<int64_t>(results.size());
}

// The good parts of a usable message survive: ids are set, and for a lab_result every
// result not rejected is decoded (kept + rejected == sent) and none that was rejected.
void CheckGoodPartsKept(const HostileCase& c, const Decoded& d) {
  if (!d.usable) return;
  REQUIRE(d.type.has_value());
  CHECK_FALSE(d.event_id.empty());
  if (*d.type != EventType::kLabResult) return;
  CHECK(d.lab.event_id == d.event_id);
  REQUIRE_FALSE(d.lab.results.empty());
  for (const Measurement& m : d.lab.results) {
    CHECK_FALSE(m.obs.test.empty());
    for (const RejectedItem& r : d.rejected) CHECK(m.index != r.index);
  }
  const int64_t sent = ResultCount(c.json);
  if (sent >= 0) {  // duplicates, NaN in an unknown field, ...: the DOM count is not defined
    CHECK(static_cast<int64_t>(d.lab.results.size() + d.rejected.size()) == sent);
  }
}

}  // namespace

std::string ToJson(const Members& members) {
  std::string s = "{";
  for (const auto& [key, value] : members) {
    if (s.size() > 1) s += ',';
    s += '"' + key + "\":" + value;
  }
  return s + "}";
}

Members With(Members members, const std::string& key, const std::string& value) {
  for (auto& [k, v] : members) {
    if (k == key) {
      v = value;
      return members;
    }
  }
  members.emplace_back(key, value);
  return members;
}

void CheckHostile(EventDecoder& decoder, const HostileCase& c) {
  INFO(c.name);
  Decoded d;
  decoder.Decode(c.json, &d);
  CHECK(d.usable == c.usable);
  if (c.code == nullptr) {
    CHECK(d.rejected.empty());
  } else {
    REQUIRE(d.rejected.size() == 1);
    CHECK(d.rejected[0].reason_code == c.code);
    CHECK(d.rejected[0].index == c.index);
    CHECK_FALSE(d.rejected[0].reason.empty());
  }
  CheckGoodPartsKept(c, d);
  // The stream goes on: the next message decodes normally with the same decoder.
  decoder.Decode(LabWithResults(R"([{"test":"SBP","value":120,"unit":"mmHg"}])"), &d);
  CHECK(d.usable);
  CHECK(d.rejected.empty());
}

void CheckAllHostile(const std::vector<HostileCase>& cases) {
  EventDecoder decoder(ShippedCatalog());
  for (const HostileCase& c : cases) CheckHostile(decoder, c);
}

}  // namespace careloop::decode::testing
