// The live pipeline on the embedded broker with the wall clock: a red case escalated by
// the clock, then resolved by a check-in; and a deadline that falls due while careloop
// is killed fires at restart, late, never lost. Deadlines are shortened (seconds) in a
// copy of the shipped topologies so the test runs quickly; no assertion depends on speed.
#include <rapidjson/document.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "careloop/time.h"
#include "support/process.h"

using careloop::testing::Process;
using careloop::testing::RunCommand;
using careloop::testing::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kBin = CARELOOP_BIN;
const std::string kSrc = CARELOOP_SOURCE_DIR;

// config/ and topologies/ copied, with the red first-contact deadlines cut to seconds.
std::string FastConfig(const TempDir& dir, const std::string& level1, const std::string& level2) {
  fs::create_directories(dir.path() + "/config");
  fs::create_directories(dir.path() + "/topologies");
  for (const char* f : {"careloop.yaml", "tests.yaml", "rules.yaml"}) {
    fs::copy_file(kSrc + "/config/" + f, dir.path() + "/config/" + f);
  }
  for (const auto& e : fs::directory_iterator(kSrc + "/topologies")) {
    std::ifstream in(e.path());
    std::string text((std::istreambuf_iterator<char>(in)), {});
    if (e.path().filename() == "health_followup.yaml") {
      text = std::regex_replace(text, std::regex("after: 60m"), "after: " + level1);
      text = std::regex_replace(text, std::regex("after: 4h"), "after: " + level2);
    }
    std::ofstream(dir.path() + "/topologies/" + e.path().filename().string()) << text;
  }
  return dir.path() + "/config";
}

std::string Now() { return careloop::FormatRfc3339(careloop::WallClockNow()); }

void Produce(const std::string& bootstrap, const std::string& topic, const std::string& key,
             const std::string& json, const TempDir& dir) {
  std::string file = dir.path() + "/msg.txt";
  std::ofstream(file) << key << '\t' << json << '\n';
  int status = 0;
  RunCommand({"/usr/bin/kcat", "-b", bootstrap, "-P", "-t", topic, "-K", "\t", "-l", file},
             &status);
  REQUIRE(status == 0);
}

std::vector<std::string> ReadTopic(const std::string& bootstrap, const std::string& topic) {
  int status = 0;
  std::string out = RunCommand({"/usr/bin/kcat", "-b", bootstrap, "-C", "-t", topic, "-o",
                                "beginning", "-e", "-q", "-f", "%s\\n"},
                               &status, std::chrono::seconds(60));
  REQUIRE(status == 0);
  std::vector<std::string> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Waits (bounded) until `topic` holds at least `n` records.
std::vector<std::string> WaitFor(const std::string& bootstrap, const std::string& topic, size_t n,
                                 std::chrono::seconds limit = std::chrono::seconds(90)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  std::vector<std::string> got;
  while (std::chrono::steady_clock::now() < deadline) {
    got = ReadTopic(bootstrap, topic);
    if (got.size() >= n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  return got;
}

std::string StartBroker(std::optional<Process>& broker, const std::string& config) {
  auto started = Process::Start({kBin, "broker", "--config", config}, true);
  REQUIRE(started);
  broker.emplace(std::move(*started));
  auto line = broker->ReadLine(std::chrono::seconds(30));
  REQUIRE(line);
  return line->substr(std::string("bootstrap.servers=").size());
}

}  // namespace

TEST_CASE("A red case is escalated by the wall clock, then a check-in stops its clock",
          "[kafka][e2e]") {
  TempDir dir;
  const std::string config = FastConfig(dir, "2s", "600s");
  std::optional<Process> broker;
  const std::string bootstrap = StartBroker(broker, config);
  const std::string state = dir.path() + "/state";
  auto run = Process::Start(
      {kBin, "run", "--config", config, "--bootstrap", bootstrap, "--state-dir", state}, true);
  REQUIRE(run);

  Produce(
      bootstrap, "lab-results", "W1",
      fmt::format(
          R"({{"type":"lab_result","event_id":"e1","worker_id":"W1","occurred_at":"{}","source":"van","exam_id":"X1","results":[{{"test":"TG","value":6.1,"unit":"mmol/L"}}]}})",
          Now()),
      dir);
  auto esc = WaitFor(bootstrap, "escalations", 1);
  REQUIRE(esc.size() == 1);
  rapidjson::Document d;
  d.Parse(esc[0].c_str());
  CHECK(std::string(d["stage"].GetString()) == "first_contact");
  CHECK(d["level"].GetInt() == 1);
  // SMS and WeChat went out with the level-1 escalation, after the phone call.
  auto notes = WaitFor(bootstrap, "notifications", 3);
  CHECK(notes.size() == 3);

  Produce(
      bootstrap, "checkins", "W1",
      fmt::format(
          R"({{"type":"checkin","event_id":"c1","worker_id":"W1","occurred_at":"{}","source":"app","kind":"contact","channel":"phone","outcome":"reached","staff_id":"S07"}})",
          Now()),
      dir);
  // Stop, then read the worker file: the case is contacted and no deadline is pending.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  run->Signal(SIGTERM);
  auto rc = run->Wait(std::chrono::seconds(60));
  REQUIRE(rc);
  CHECK(*rc == 0);
  int status = 0;
  std::string json =
      RunCommand({kBin, "inspect", "worker", "W1", "--state-dir", state, "--json"}, &status);
  REQUIRE(status == 0);
  rapidjson::Document w;
  w.Parse(json.c_str());
  REQUIRE_FALSE(w.HasParseError());
  const auto& kase = w["conditions"][0]["cases"][0];
  CHECK(std::string(kase["stage"].GetString()) == "contacted");
  CHECK(kase["deadlines"].Size() == 0);
  CHECK(std::string(kase["attributes"]["staff"].GetString()) == "S07");
  CHECK(ReadTopic(bootstrap, "escalations").size() == 1);
}

TEST_CASE("A deadline that falls due while careloop is killed fires at restart, late",
          "[kafka][e2e]") {
  TempDir dir;
  const std::string config = FastConfig(dir, "3s", "600s");
  std::optional<Process> broker;
  const std::string bootstrap = StartBroker(broker, config);
  const std::string state = dir.path() + "/state";
  auto run = Process::Start(
      {kBin, "run", "--config", config, "--bootstrap", bootstrap, "--state-dir", state}, true);
  REQUIRE(run);
  Produce(
      bootstrap, "lab-results", "W2",
      fmt::format(
          R"({{"type":"lab_result","event_id":"e2","worker_id":"W2","occurred_at":"{}","source":"van","exam_id":"X2","results":[{{"test":"TG","value":7.0,"unit":"mmol/L"}}]}})",
          Now()),
      dir);
  // The alert is out: the state (and its timer) is committed. Kill hard before the deadline.
  REQUIRE(WaitFor(bootstrap, "alerts", 1).size() == 1);
  run->Signal(SIGKILL);
  REQUIRE(run->Wait(std::chrono::seconds(30)));
  CHECK(ReadTopic(bootstrap, "escalations").empty());
  std::this_thread::sleep_for(std::chrono::seconds(5));  // the deadline passes while down

  auto again = Process::Start(
      {kBin, "run", "--config", config, "--bootstrap", bootstrap, "--state-dir", state}, true);
  REQUIRE(again);
  auto esc = WaitFor(bootstrap, "escalations", 1);
  REQUIRE(esc.size() == 1);
  rapidjson::Document d;
  d.Parse(esc[0].c_str());
  CHECK(d["lateness_seconds"].GetInt64() >= 1);
  CHECK(ReadTopic(bootstrap, "alerts").size() == 1);  // nothing re-processed
  again->Signal(SIGTERM);
  auto rc = again->Wait(std::chrono::seconds(60));
  REQUIRE(rc);
  CHECK(*rc == 0);
}
