// Test support for the end-to-end tests of the HTTP API: a shortened configuration, the
// careloop broker and processor as child processes, a scenario fed through kcat, HTTP
// reads, bounded waits. Nothing here depends on speed: every wait has a generous limit
// and only the eventual state is checked.
#pragma once

#include <httplib.h>
#include <netinet/in.h>
#include <rapidjson/document.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "careloop/time.h"
#include "support/process.h"

namespace careloop::apitest {

using careloop::testing::Process;
using careloop::testing::RunCommand;
using careloop::testing::TempDir;

inline const std::string kBin = CARELOOP_BIN;

// config/ and topologies/ copied with the plain red first-contact deadline cut to 2 s
// (critical red keeps its 30 min) and the yellow re-check due in 7 days (not 90), so
// that a scenario has an overdue red case, a red case due and yellow re-checks due.
inline std::string FastConfig(const TempDir& dir) {
  namespace fs = std::filesystem;
  const std::string src = CARELOOP_SOURCE_DIR;
  fs::create_directories(dir.path() + "/config");
  fs::create_directories(dir.path() + "/topologies");
  for (const char* f : {"careloop.yaml", "tests.yaml", "rules.yaml"}) {
    fs::copy_file(src + "/config/" + f, dir.path() + "/config/" + f);
  }
  for (const auto& e : fs::directory_iterator(src + "/topologies")) {
    std::ifstream in(e.path());
    std::string text((std::istreambuf_iterator<char>(in)), {});
    if (e.path().filename() == "health_followup.yaml") {
      text = std::regex_replace(text, std::regex("after: 60m"), "after: 2s");
      text = std::regex_replace(text, std::regex("after: 4h"), "after: 600s");
      text = std::regex_replace(text, std::regex("due: 90d"), "due: 7d");
      text = std::regex_replace(text, std::regex("after: 90d"), "after: 7d");
      text = std::regex_replace(text, std::regex("after: 104d"), "after: 10d");
    }
    std::ofstream(dir.path() + "/topologies/" + e.path().filename().string()) << text;
  }
  return dir.path() + "/config";
}

// A free loopback TCP port (for servers that cannot report the one they bound).
inline int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  close(fd);
  return ntohs(a.sin_port);
}

// Polls `done` every 300 ms until it holds or `limit` passes.
inline bool WaitUntil(const std::function<bool()>& done,
                      std::chrono::seconds limit = std::chrono::seconds(120)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  return done();
}

struct HttpResult {
  int status = 0;
  std::string body;
};

inline HttpResult HttpGet(const std::string& host_port, const std::string& path) {
  auto colon = host_port.rfind(':');
  httplib::Client c(host_port.substr(0, colon), std::stoi(host_port.substr(colon + 1)));
  c.set_connection_timeout(10);
  c.set_read_timeout(60);
  auto res = c.Get(path.c_str());
  if (!res) return {};
  return {res->status, res->body};
}

inline rapidjson::Document ParseJson(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  return d;
}

// A sample of the Prometheus text exposition ("name{labels}" exactly), or nullopt.
inline std::optional<double> MetricValue(const std::string& text, const std::string& series) {
  std::string needle = "\n" + series + " ";
  auto at = text.find(needle);
  if (at == std::string::npos) return std::nullopt;
  return std::stod(text.substr(at + needle.size()));
}

struct Broker {
  std::optional<Process> proc;
  std::string bootstrap;
};

inline void StartBroker(Broker* b, const std::string& config) {
  auto p = Process::Start({kBin, "broker", "--config", config}, true);
  REQUIRE(p);
  b->proc.emplace(std::move(*p));
  auto line = b->proc->ReadLine(std::chrono::seconds(60));
  REQUIRE(line);
  REQUIRE(line->rfind("bootstrap.servers=", 0) == 0);
  b->bootstrap = line->substr(std::string("bootstrap.servers=").size());
}

struct Careloop {
  std::optional<Process> proc;
  std::string http;  // HOST:PORT it serves
};

// `careloop run` on the broker with the HTTP API on a free loopback port.
inline void StartCareloop(Careloop* c, const std::string& config, const std::string& bootstrap,
                          const std::string& state_dir) {
  auto p = Process::Start({kBin, "run", "--config", config, "--bootstrap", bootstrap, "--state-dir",
                           state_dir, "--http", "127.0.0.1:0"},
                          true);
  REQUIRE(p);
  c->proc.emplace(std::move(*p));
  auto line = c->proc->ReadLine(std::chrono::seconds(60));
  REQUIRE(line);
  REQUIRE(line->rfind("http.listen=", 0) == 0);
  c->http = line->substr(std::string("http.listen=").size());
  REQUIRE(WaitUntil([&] { return HttpGet(c->http, "/readyz").status == 200; }));
}

inline void StopCareloop(Careloop* c) {
  c->proc->Signal(SIGTERM);
  auto rc = c->proc->Wait(std::chrono::seconds(60));
  REQUIRE(rc);
  CHECK(*rc == 0);
}

// The scenario, as records per input topic (key, value), with event times now. Only the
// plain red first contact is short (2 s, FastConfig); every other deadline is 30 min or
// more, so nothing but W-RED-LATE's escalation depends on the clock.
//   W-RED-LATE  TG 6.1: red lipids, first contact due in 2 s: overdue, escalated
//   W-RED-CRIT  SBP 186: red blood_pressure, critical, due in 30 min
//   W-RED-OK    DBP 115: red blood_pressure, critical, then reached by phone: contacted
//   W-YEL-1/2   TG 3.0 / ALT 90: yellow, re-check due in 7 days
//   W-GREEN     TG 1.8: green;  W-NONE  TG 1.0: nothing
//   one line that is not JSON (dead-letter); petitions P-1 (submitted, accepted, responded
//   on time), P-2 (submitted)
// Lab results are fed first and consumed before the check-in and the petitions (the
// check-in must find W-RED-OK's case open; topics are not ordered with each other).
// Cases the scenario opens: three red, two yellow, one green.
constexpr std::uint64_t kOpenCases = 6;

struct Scenario {
  std::vector<std::pair<std::string, std::string>> lab_results;  // lab-results
  std::vector<std::pair<std::string, std::string>> checkins;     // checkins
  std::vector<std::pair<std::string, std::string>> petitions;    // petitions
  std::size_t events() const { return lab_results.size() + checkins.size() + petitions.size(); }
};

// The lab test values of the scenario (none may show in the worklist page).
inline const std::vector<std::string> kScenarioValues = {"6.1", "186", "115", "7.0",
                                                         "3.0", "1.8", "1.0"};

inline Scenario MakeScenario() {
  Scenario s;
  std::string now = FormatRfc3339(WallClockNow());
  auto lab = [&](const std::string& id, const std::string& w, const std::string& test,
                 const std::string& value, const std::string& unit) {
    s.lab_results.emplace_back(
        w,
        fmt::format(
            R"({{"type":"lab_result","event_id":"{}","worker_id":"{}","occurred_at":"{}","source":"van-1","exam_id":"X-{}","results":[{{"test":"{}","value":{},"unit":"{}"}}]}})",
            id, w, now, w, test, value, unit));
  };
  lab("e1", "W-RED-LATE", "TG", "6.1", "mmol/L");
  lab("e2", "W-RED-CRIT", "SBP", "186", "mm[Hg]");
  lab("e3", "W-RED-OK", "DBP", "115", "mm[Hg]");
  lab("e4", "W-YEL-1", "TG", "3.0", "mmol/L");
  lab("e5", "W-YEL-2", "ALT", "90", "U/L");
  lab("e6", "W-GREEN", "TG", "1.8", "mmol/L");
  lab("e7", "W-NONE", "TG", "1.0", "mmol/L");
  s.lab_results.emplace_back("W-BAD", "{this is not json");
  s.checkins.emplace_back(
      "W-RED-OK",
      fmt::format(
          R"({{"type":"checkin","event_id":"c1","worker_id":"W-RED-OK","occurred_at":"{}","source":"app","kind":"contact","channel":"phone","outcome":"reached","staff_id":"S07"}})",
          now));
  auto petition = [&](const std::string& id, const std::string& pid, const std::string& action) {
    s.petitions.emplace_back(
        "W-NONE",
        fmt::format(
            R"({{"type":"petition","event_id":"{}","petition_id":"{}","worker_id":"W-NONE","occurred_at":"{}","source":"union-app","action":"{}","channel":"app","category":"facility","weight":"routine","summary":"rest station needs a first-aid kit","handler":"S01"}})",
            id, pid, now, action));
  };
  petition("p1", "P-1", "submitted");
  petition("p2", "P-2", "submitted");
  petition("p3", "P-1", "accepted");
  petition("p4", "P-1", "responded");
  return s;
}

// Produces `records` to `topic` with kcat (keyed, in order).
inline void Produce(const std::string& topic,
                    const std::vector<std::pair<std::string, std::string>>& records,
                    const std::string& bootstrap, const TempDir& dir) {
  std::string file = dir.path() + "/" + topic + ".txt";
  {
    std::ofstream out(file);
    for (const auto& [key, value] : records) out << key << '\t' << value << '\n';
  }
  int status = 0;
  RunCommand({"/usr/bin/kcat", "-b", bootstrap, "-P", "-t", topic, "-K", "\t", "-l", file},
             &status);
  REQUIRE(status == 0);
}

// Input events careloop has counted on `topic` (any type).
inline double EventsIn(const std::string& metrics_text, const std::string& topic) {
  double n = 0;
  for (const char* type : {"lab_result", "checkin", "petition", "unknown"}) {
    n += MetricValue(metrics_text,
                     fmt::format(R"(careloop_events_total{{topic="{}",type="{}"}})", topic, type))
             .value_or(0);
  }
  return n;
}

// Feeds the scenario to a running careloop and waits until it has consumed all of it and
// indexed it: the lab results first (until all are counted), then check-ins and
// petitions; done when W-RED-LATE's case is overdue and escalated.
inline void FeedAndWait(const Careloop& c, const Scenario& s, const std::string& bootstrap,
                        const TempDir& dir) {
  std::string m;
  Produce("lab-results", s.lab_results, bootstrap, dir);
  bool labs_in = WaitUntil([&] {
    m = HttpGet(c.http, "/metrics").body;
    return EventsIn(m, "lab-results") >= static_cast<double>(s.lab_results.size());
  });
  INFO("lab-results counted " << EventsIn(m, "lab-results") << " of " << s.lab_results.size());
  REQUIRE(labs_in);
  // The case index has them too (a deadline met is seen by comparing indexed versions).
  REQUIRE(WaitUntil([&] {
    auto all = ParseJson(HttpGet(c.http, "/api/cases").body);
    return all.IsObject() && all.HasMember("total") && all["total"].GetUint64() == kOpenCases;
  }));
  Produce("checkins", s.checkins, bootstrap, dir);
  Produce("petitions", s.petitions, bootstrap, dir);
  std::string red_body;
  bool done = WaitUntil([&] {
    m = HttpGet(c.http, "/metrics").body;
    if (EventsIn(m, "checkins") < static_cast<double>(s.checkins.size()) ||
        EventsIn(m, "petitions") < static_cast<double>(s.petitions.size())) {
      return false;
    }
    red_body = HttpGet(c.http, "/api/cases?tier=red&overdue=true").body;
    auto red = ParseJson(red_body);
    return red.IsObject() && red.HasMember("total") && red["total"].GetUint64() == 1 &&
           red["cases"][0]["escalated"].GetBool();
  });
  INFO("checkins counted " << EventsIn(m, "checkins") << ", petitions " << EventsIn(m, "petitions")
                           << "; overdue red: " << red_body);
  REQUIRE(done);
}

}  // namespace careloop::apitest
