// Bad input is really bad and good input really good, by careloop's own decoder and the
// shipped catalog: the generator and the decode stage agree on the contract.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "careloop/decode/catalog.h"
#include "careloop/decode/event_decoder.h"
#include "gen/gen_fixture.h"

namespace careloop::gen::testing {
namespace {

const decode::Catalog& ShippedCatalog() {
  static const decode::Catalog catalog = [] {
    auto r = decode::Catalog::LoadFile(std::string(CARELOOP_SOURCE_DIR) + "/config/tests.yaml");
    if (!r.ok()) FAIL(r.status().ToString());
    return std::move(r).value();
  }();
  return catalog;
}

}  // namespace

TEST_CASE("The decoder accepts every good event whole and rejects part of every bad one",
          "[unit]") {
  Options o;
  o.workers = 4000;
  o.bad_share = 0.1;
  o.checkin_share = 0.2;
  decode::EventDecoder decoder(ShippedCatalog());
  decode::Decoded d;
  std::map<std::string, int> reasons;
  int whole = 0, partial = 0;
  for (const GeneratedEvent& e : Generate(o)) {
    decoder.Decode(e.json, &d);
    if (!e.bad) {
      INFO(e.json);
      REQUIRE(d.usable);
      if (!d.rejected.empty()) FAIL(d.rejected.front().reason);
      continue;
    }
    INFO(e.json);
    REQUIRE_FALSE(d.rejected.empty());
    ++reasons[d.rejected.front().reason_code];
    if (d.usable) {
      ++partial;
      CHECK(d.rejected.size() == 1);
      CHECK(d.rejected.front().index >= 0);
    } else {
      ++whole;
    }
  }
  INFO("whole " << whole << ", partial " << partial);
  CHECK(whole > 100);
  CHECK(partial > 100);
  for (const char* reason : {"not_json", "missing_field", "invalid_field", "empty_results",
                             "unknown_test", "unknown_unit", "non_numeric_value", "out_of_range"}) {
    INFO(reason);
    CHECK(reasons[reason] > 5);
  }
}

}  // namespace careloop::gen::testing
