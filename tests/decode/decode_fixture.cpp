#include "decode/decode_fixture.h"

#include <catch2/catch.hpp>

namespace careloop::decode::testing {

const Catalog& ShippedCatalog() {
  static const Catalog catalog = [] {
    auto r = Catalog::LoadFile(std::string(CARELOOP_SOURCE_DIR) + "/config/tests.yaml");
    if (!r.ok()) FAIL(r.status().ToString());
    return std::move(r).value();
  }();
  return catalog;
}

Decoded DecodeOnce(std::string_view json) {
  EventDecoder decoder(ShippedCatalog());
  Decoded d;
  decoder.Decode(json, &d);
  return d;
}

std::string LabWithResults(std::string_view results) {
  return std::string(R"({"type":"lab_result","event_id":"e-1","worker_id":"W0012345",)"
                     R"("occurred_at":"2026-04-12T09:13:22+08:00","source":"van-03","results":)") +
         std::string(results) + "}";
}

std::string LabWithCommon(std::string_view common) {
  return "{" + std::string(common) + R"(,"results":[{"test":"TG","value":2.91,"unit":"mmol/L"}]})";
}

}  // namespace careloop::decode::testing
