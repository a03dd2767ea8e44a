// Shared by the hostile-input tests: a table row (one message and what decoding it must
// give) and the check that runs it through a long-lived decoder, followed by a good
// message, so every case also shows that the stream goes on after it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "careloop/decode/event_decoder.h"

namespace careloop::decode::testing {

struct HostileCase {
  std::string name;
  std::string json;
  bool usable = false;
  const char* code = nullptr;  // the one RejectedItem's reason_code; nullptr: none
  int index = -1;              // its index: -1 for the whole message, else the result's
};

// Ordered (key, JSON value) members of an object, to build messages field by field.
using Members = std::vector<std::pair<std::string, std::string>>;

// `{"k":v,...}` in order.
std::string ToJson(const Members& members);
// `members` with `key`'s value replaced by `value` (appended when absent).
Members With(Members members, const std::string& key, const std::string& value);

// Decodes `c.json` with `decoder` and checks the outcome (the reason code and index, and
// for a usable message that its good parts survive: every result not rejected is
// decoded); then decodes a good message with the same decoder and checks that it is
// usable.
void CheckHostile(EventDecoder& decoder, const HostileCase& c);
// CheckHostile for every case, with one decoder over the shipped catalog.
void CheckAllHostile(const std::vector<HostileCase>& cases);

}  // namespace careloop::decode::testing
