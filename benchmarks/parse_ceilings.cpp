// Parse ceilings: simdjson On-Demand over every field, and careloop's EventDecoder.
#include <simdjson.h>

#include "careloop/decode/event_decoder.h"
#include "ceilings.h"

namespace careloop::bench {
namespace {

namespace od = simdjson::ondemand;

// Visits every value; returns a checksum so the work cannot be optimised away.
std::uint64_t Visit(od::value v) {
  od::json_type type;
  if (v.type().get(type)) return 1;
  switch (type) {
    case od::json_type::object: {
      std::uint64_t sum = 0;
      od::object obj;
      if (v.get_object().get(obj)) return 1;
      for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key)) return sum + 1;
        sum += key.size() + Visit(field.value());
      }
      return sum;
    }
    case od::json_type::array: {
      std::uint64_t sum = 0;
      od::array arr;
      if (v.get_array().get(arr)) return 1;
      for (auto element : arr) {
        od::value ev;
        if (element.get(ev)) return sum + 1;
        sum += Visit(ev);
      }
      return sum;
    }
    case od::json_type::number: {
      double d = 0;
      return v.get_double().get(d) ? 1 : static_cast<std::uint64_t>(d);
    }
    case od::json_type::string: {
      std::string_view s;
      return v.get_string().get(s) ? 1 : s.size();
    }
    case od::json_type::boolean: {
      bool b = false;
      return v.get_bool().get(b) ? 1 : b;
    }
    case od::json_type::null:
      return 0;
  }
  return 0;
}

}  // namespace

Rate SimdjsonCeiling(const std::vector<Event>& events) {
  // Every message padded in place in one arena: no copy while parsing.
  std::vector<std::size_t> offsets;
  std::size_t total = 0;
  for (const Event& e : events) {
    offsets.push_back(total);
    total += e.json.size() + simdjson::SIMDJSON_PADDING;
  }
  std::vector<char> arena(total, ' ');
  for (std::size_t i = 0; i < events.size(); ++i) {
    std::copy(events[i].json.begin(), events[i].json.end(), arena.begin() + offsets[i]);
  }
  od::parser parser;
  std::uint64_t checksum = 0;
  double bytes = 0;
  const auto start = SteadyClock::now();
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::size_t len = events[i].json.size();
    od::document doc;
    if (parser.iterate(arena.data() + offsets[i], len, len + simdjson::SIMDJSON_PADDING).get(doc)) {
      continue;
    }
    od::value root;
    if (doc.get_value().get(root)) continue;
    checksum += Visit(root);
    bytes += static_cast<double>(len);
  }
  Rate r;
  r.seconds = SecondsSince(start);
  r.count = events.size();
  r.per_second = r.count / r.seconds;
  r.mb_per_second = bytes / 1048576.0 / r.seconds;
  if (checksum == 42) r.count++;  // keeps the checksum live
  return r;
}

Rate DecoderCeiling(const decode::Catalog& catalog, const std::vector<Event>& events) {
  decode::EventDecoder decoder(catalog);
  decode::Decoded out;
  std::uint64_t usable = 0;
  double bytes = 0;
  const auto start = SteadyClock::now();
  for (const Event& e : events) {
    decoder.Decode(e.json, &out);
    usable += out.usable;
    bytes += static_cast<double>(e.json.size());
  }
  Rate r;
  r.seconds = SecondsSince(start);
  r.count = events.size();
  r.per_second = r.count / r.seconds;
  r.mb_per_second = bytes / 1048576.0 / r.seconds;
  if (usable == ~std::uint64_t{0}) r.count++;  // keeps the work live
  return r;
}

}  // namespace careloop::bench
