#include "decode/hostile_cases.h"

#include <catch2/catch.hpp>

#include "decode/decode_fixture.h"

namespace careloop::decode::testing {

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
