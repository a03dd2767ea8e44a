// LoadConfig: the shipped configuration's processing and state settings, and the errors
// that name a bad value's file and line.
#include <catch2/catch.hpp>
#include <string>

#include "config.h"
#include "support/config_copy.h"
#include "support/process.h"

namespace careloop::app {
namespace {

using careloop::testing::TempDir;

const std::string kSrc = CARELOOP_SOURCE_DIR;

// The shipped config with careloop.yaml's `key` line (two-space indented) set to `value`.
std::string ConfigWith(const TempDir& dir, const std::string& key, const std::string& value) {
  return careloop::testing::CopyConfig(dir.path(), {{"  " + key + ":", "  " + key + ": " + value}});
}

TEST_CASE("the shipped config bounds steps by time and sets blob garbage collection", "[unit]") {
  auto c = LoadConfig(kSrc + "/config");
  INFO(c.status().ToString());
  REQUIRE(c.ok());
  CHECK(c->app.batch_max == 5000);
  CHECK(c->app.step_max_ms == 100);
  CHECK(c->app.store.blob_gc_age_cutoff == 0.1);
  CHECK(c->app.store.blob_garbage_target == 0.3);
}

TEST_CASE("step_max_ms and the blob GC settings are read and checked", "[unit]") {
  TempDir dir;
  SECTION("step_max_ms 0: no time limit") {
    auto c = LoadConfig(ConfigWith(dir, "step_max_ms", "0"));
    REQUIRE(c.ok());
    CHECK(c->app.step_max_ms == 0);
  }
  SECTION("a negative step_max_ms is refused, with its file and line") {
    auto c = LoadConfig(ConfigWith(dir, "step_max_ms", "-5"));
    REQUIRE_FALSE(c.ok());
    CHECK_THAT(c.status().message(), Catch::Contains("careloop.yaml:") &&
                                         Catch::Contains("processing.step_max_ms must be >= 0"));
  }
  SECTION("a cutoff of 0.3 is taken") {
    auto c = LoadConfig(ConfigWith(dir, "blob_gc_age_cutoff", "0.3"));
    REQUIRE(c.ok());
    CHECK(c->app.store.blob_gc_age_cutoff == 0.3);
  }
  SECTION("cutoffs outside (0, 1] are refused") {
    const std::string bad = GENERATE("0", "-0.1", "1.5");
    auto c = LoadConfig(ConfigWith(dir, "blob_gc_age_cutoff", bad));
    REQUIRE_FALSE(c.ok());
    CHECK_THAT(c.status().message(), Catch::Contains("state.blob_gc_age_cutoff must be in (0, 1]"));
  }
  SECTION("a garbage target of 0 (fixed cutoff) is taken; 1 or more is refused") {
    auto c = LoadConfig(ConfigWith(dir, "blob_garbage_target", "0"));
    REQUIRE(c.ok());
    CHECK(c->app.store.blob_garbage_target == 0);
    TempDir other;
    auto bad = LoadConfig(ConfigWith(other, "blob_garbage_target", "1"));
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(bad.status().message(),
               Catch::Contains("state.blob_garbage_target must be in [0, 1)"));
  }
  SECTION("a cutoff that is not a number is refused") {
    auto c = LoadConfig(ConfigWith(dir, "blob_gc_age_cutoff", "most"));
    REQUIRE_FALSE(c.ok());
    CHECK_THAT(c.status().message(), Catch::Contains("blob_gc_age_cutoff"));
  }
}

}  // namespace
}  // namespace careloop::app
