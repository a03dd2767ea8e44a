// End to end through the real processes, as an operator would run them: `careloop gen`,
// `careloop broker`, kcat producing, `careloop run`, kcat reading the outputs, and
// `careloop replay` on the same input: the alerts must match id for id.
#include <rapidjson/document.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "support/config_copy.h"
#include "support/keyed_lines.h"
#include "support/process.h"

using careloop::testing::Process;
using careloop::testing::RunCommand;
using careloop::testing::TempDir;

namespace {

const std::string kBin = CARELOOP_BIN;
const std::string kConfig = std::string(CARELOOP_SOURCE_DIR) + "/config";

// id -> count, for the records of `topic` in replay output lines.
std::map<std::string, int> ReplayIds(const std::string& path, const std::string& topic) {
  std::map<std::string, int> ids;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    rapidjson::Document d;
    d.Parse(line.c_str());
    REQUIRE_FALSE(d.HasParseError());
    if (d["topic"].GetString() == topic) ids[d["value"]["id"].GetString()]++;
  }
  return ids;
}

// id -> count, for kcat output (one record value per line).
std::map<std::string, int> KafkaIds(const std::string& text) {
  return careloop::testing::CountIds(text);
}

int Total(const std::map<std::string, int>& m) {
  int n = 0;
  for (const auto& [k, v] : m) n += v;
  return n;
}

std::string ReadTopic(const std::string& bootstrap, const std::string& topic) {
  int status = 0;
  std::string out = RunCommand({"/usr/bin/kcat", "-b", bootstrap, "-C", "-t", topic, "-o",
                                "beginning", "-e", "-q", "-f", "%s\\n"},
                               &status, std::chrono::seconds(60));
  REQUIRE(status == 0);
  return out;
}

}  // namespace

TEST_CASE("broker + kcat + run give the same alerts as replay, id for id", "[kafka][e2e]") {
  TempDir dir;
  REQUIRE(!dir.path().empty());
  // The shipped configuration, and one whose steps are at most 40 records and 1 ms: many
  // steps cut short, records carried over in the aligner between polls, polls skipped
  // while it holds a batch_max already. The outputs must not depend on where steps end.
  const bool tiny_steps = GENERATE(false, true);
  CAPTURE(tiny_steps);
  const std::string run_config =
      tiny_steps
          ? careloop::testing::CopyConfig(dir.path(), {{"  batch_max:", "  batch_max: 40"},
                                                       {"  step_max_ms:", "  step_max_ms: 1"}})
          : kConfig;
  const std::string events = dir.path() + "/events.jsonl";
  const std::string replay_out = dir.path() + "/replay.jsonl";
  int status = 0;
  RunCommand({kBin, "gen", "--workers", "1500", "--seed", "11", "--out", events}, &status);
  REQUIRE(status == 0);
  RunCommand({kBin, "replay", "--config", kConfig, "--in", events, "--out", replay_out}, &status);
  REQUIRE(status == 0);
  auto want_alerts = ReplayIds(replay_out, "alerts");
  auto want_red = ReplayIds(replay_out, "alerts.red");
  auto want_dead = ReplayIds(replay_out, "dead-letter");
  REQUIRE(want_alerts.size() > 100);
  REQUIRE(!want_red.empty());
  REQUIRE(!want_dead.empty());

  // key<TAB>value lines for kcat, keyed by worker_id as the contract says.
  const std::string keyed = dir.path() + "/keyed.txt";
  {
    std::ifstream in(events);
    std::ofstream out(keyed);
    std::string line;
    while (std::getline(in, line)) {
      REQUIRE(line.find('\t') == std::string::npos);
      out << careloop::testing::WorkerKey(line) << '\t' << line << '\n';
    }
  }

  auto broker = Process::Start({kBin, "broker", "--config", kConfig}, true);
  REQUIRE(broker);
  auto first = broker->ReadLine(std::chrono::seconds(30));
  REQUIRE(first);
  REQUIRE(first->rfind("bootstrap.servers=", 0) == 0);
  const std::string bootstrap = first->substr(std::string("bootstrap.servers=").size());

  RunCommand({"/usr/bin/kcat", "-b", bootstrap, "-P", "-t", "lab-results", "-K", "\t", "-l", keyed},
             &status);
  REQUIRE(status == 0);

  const std::string state = dir.path() + "/state";
  auto run = Process::Start(
      {kBin, "run", "--config", run_config, "--bootstrap", bootstrap, "--state-dir", state}, true);
  REQUIRE(run);

  // Wait (bounded) until every expected alert is readable.
  std::map<std::string, int> got_alerts;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    got_alerts = KafkaIds(ReadTopic(bootstrap, "alerts"));
    if (Total(got_alerts) >= Total(want_alerts)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  run->Signal(SIGTERM);
  auto rc = run->Wait(std::chrono::seconds(60));
  REQUIRE(rc);
  CHECK(*rc == 0);

  got_alerts = KafkaIds(ReadTopic(bootstrap, "alerts"));
  auto got_red = KafkaIds(ReadTopic(bootstrap, "alerts.red"));
  auto got_dead = KafkaIds(ReadTopic(bootstrap, "dead-letter"));
  CHECK(got_alerts == want_alerts);  // same ids, each once
  CHECK(got_red == want_red);
  CHECK(got_dead.size() == want_dead.size());

  // Restart on the same state: nothing is processed or produced again.
  auto again = Process::Start(
      {kBin, "run", "--config", run_config, "--bootstrap", bootstrap, "--state-dir", state}, true);
  REQUIRE(again);
  std::this_thread::sleep_for(std::chrono::seconds(4));
  again->Signal(SIGTERM);
  rc = again->Wait(std::chrono::seconds(60));
  REQUIRE(rc);
  CHECK(*rc == 0);
  CHECK(KafkaIds(ReadTopic(bootstrap, "alerts")) == want_alerts);

  // inspect reads the stored worker file offline.
  std::string some_worker;
  {
    std::ifstream in(replay_out);
    std::string line;
    std::getline(in, line);
    rapidjson::Document d;
    d.Parse(line.c_str());
    some_worker = d["key"].GetString();
  }
  std::string text =
      RunCommand({kBin, "inspect", "worker", some_worker, "--state-dir", state}, &status);
  CHECK(status == 0);
  CHECK(text.find("worker " + some_worker) != std::string::npos);
  CHECK(text.find("case c-") != std::string::npos);

  broker->Signal(SIGTERM);
  rc = broker->Wait(std::chrono::seconds(30));
  REQUIRE(rc);
  CHECK(*rc == 0);
}

TEST_CASE("replay is byte-identical on two runs and rules show prints the table", "[integration]") {
  TempDir dir;
  const std::string events = dir.path() + "/events.jsonl";
  int status = 0;
  RunCommand({kBin, "gen", "--workers", "800", "--seed", "5", "--out", events}, &status);
  REQUIRE(status == 0);
  RunCommand(
      {kBin, "replay", "--config", kConfig, "--in", events, "--out", dir.path() + "/a.jsonl"},
      &status);
  REQUIRE(status == 0);
  RunCommand(
      {kBin, "replay", "--config", kConfig, "--in", events, "--out", dir.path() + "/b.jsonl"},
      &status);
  REQUIRE(status == 0);
  auto slurp = [](const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  std::string a = slurp(dir.path() + "/a.jsonl");
  CHECK(a.size() > 1000);
  CHECK(a == slurp(dir.path() + "/b.jsonl"));

  std::string table = RunCommand({kBin, "rules", "show", "--config", kConfig}, &status);
  CHECK(status == 0);
  CHECK(table.find("r-") != std::string::npos);
  CHECK(table.find("SBP") != std::string::npos);

  // A bad config is refused with the file and line.
  RunCommand({kBin, "replay", "--config", dir.path() + "/missing", "--in", events, "--out",
              dir.path() + "/c.jsonl"},
             &status);
  CHECK(status == 2);
}
