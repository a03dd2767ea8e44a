// Storage faults (issue 5, item 3): a simulated full disk while running, then open
// failures (LOCK held by another process, a corrupted CURRENT, no space at open). Each
// time `careloop run` must exit non-zero with a clear error before any input offset moves
// (the stored offsets are read back after each failure); a restart once the fault is
// cleared must publish what `careloop replay` of the same input publishes, nothing twice.
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "careloop/state/store.h"
#include "faults/fault_support.h"

using namespace careloop::faults;

namespace {

constexpr int kPartitions = 6;  // config/careloop.yaml broker.partitions

// Runs `careloop run` on `state` expecting it to refuse to start: exit 1 and a log line
// naming the state store.
void ExpectRefusedStart(const std::string& bootstrap, const std::string& state,
                        const std::string& log, const std::vector<std::string>& env,
                        const std::string& why) {
  const std::size_t before = Slurp(log).size();
  auto run = Runner::Start(kConfig, bootstrap, state, log, env, false);
  REQUIRE(run);
  auto rc = run->Wait(std::chrono::seconds(60));
  REQUIRE(rc);
  CHECK(*rc == 1);
  const std::string text = Slurp(log).substr(before);
  INFO(text);
  CHECK(text.find("cannot start") != std::string::npos);
  CHECK(text.find(why) != std::string::npos);
}

}  // namespace

TEST_CASE("disk full and open failures stop before offsets move; a restart loses nothing",
          "[kafka][faults][integration]") {
  careloop::testing::TempDir dir;
  Input input = MakeInput(dir.path(), 1500, 33, 2);
  REQUIRE(Total(input.want.at("alerts")) > 100);
  auto broker = Broker::Start(dir.path(), 1);
  REQUIRE(broker);
  const std::string state = dir.path() + "/state";
  const std::string log = dir.path() + "/run.log";
  const std::string full = dir.path() + "/disk-full";
  const std::string fault = "CARELOOP_FAULT_FS=nospace-when=" + full;

  // 1. Part 1 is processed and committed under the fault file system (not yet full).
  REQUIRE(broker->Produce("lab-results", input.parts[0]));
  auto run = Runner::Start(kConfig, broker->bootstrap(), state, log, {fault});
  REQUIRE(run);
  const std::int64_t part1 = input.part_sizes[0];
  REQUIRE(WaitFor(std::chrono::seconds(60), [&] {
    return StoredOffsets(state, "lab-results", kPartitions).value_or(-1) == part1;
  }));

  // 2. The disk fills; part 2 arrives: the first write fails and the run stops, exit 1.
  std::ofstream(full) << "x";
  REQUIRE(broker->Produce("lab-results", input.parts[1]));
  auto rc = run->Wait(std::chrono::seconds(60));
  REQUIRE(rc);
  CHECK(*rc == 1);
  {
    const std::string text = Slurp(log);
    INFO(text);
    CHECK(text.find("simulated disk full") != std::string::npos);
    CHECK(text.find("stopping before any offset moves") != std::string::npos);
    CHECK(text.find("stopped on error") != std::string::npos);
  }
  CHECK(StoredOffsets(state, "lab-results", kPartitions) == part1);
  std::filesystem::remove(full);

  // 3. Open failures, each refused at start with the offsets untouched.
  {
    careloop::state::StoreOptions o;
    o.path = state;
    o.block_cache_mb = 8;
    o.write_buffer_mb = 8;
    auto holder = careloop::state::OpenRocksStore(o);  // holds the LOCK
    REQUIRE(holder.ok());
    ExpectRefusedStart(broker->bootstrap(), state, log, {}, "lock");
  }
  const std::string current = state + "/CURRENT";
  const std::string saved = Slurp(current);
  REQUIRE_FALSE(saved.empty());
  std::ofstream(current, std::ios::trunc) << "MANIFEST-999999\n";
  ExpectRefusedStart(broker->bootstrap(), state, log, {}, "MANIFEST-999999");
  std::ofstream(current, std::ios::trunc) << saved;
  ExpectRefusedStart(broker->bootstrap(), state, log, {"CARELOOP_FAULT_FS=nospace-after=0"},
                     "simulated disk full");
  CHECK(StoredOffsets(state, "lab-results", kPartitions) == part1);

  // 4. Cleared: the restart goes on from the stored offsets and catches up.
  auto again = Runner::Start(kConfig, broker->bootstrap(), state, log);
  REQUIRE(again);
  const bool caught_up = WaitFor(kCatchUpBound, [&] {
    return Total(broker->ReadIds("alerts")) >= Total(input.want.at("alerts")) &&
           StoredOffsets(state, "lab-results", kPartitions) == part1 + input.part_sizes[1];
  });
  INFO(again->Diagnosis(log));
  CHECK(caught_up);
  CHECK(again->Stop() == 0);
  CheckOutputsOnce(*broker, input);
  CHECK(broker->Stop() == 0);
}
