// Test support: a real Prometheus server (Debian `prometheus`, /usr/bin/prometheus) run as
// a child process on a free loopback port, scraping one target every second, with its
// TSDB in a temporary directory; and instant queries through its HTTP API.
//
// Ownership: PrometheusServer owns the process (SIGTERM, then SIGKILL by ~Process) and
// its directory. Waits are bounded and generous; nothing depends on speed.
#pragma once

#include <cctype>
#include <csignal>
#include <optional>
#include <string>

#include "tests/api/e2e_support.h"

namespace careloop::apitest {

inline const std::string kPrometheusBin = "/usr/bin/prometheus";

// Percent-encodes a query-string value (RFC 3986 unreserved characters kept).
inline std::string UrlEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

class PrometheusServer {
 public:
  // Writes prometheus.yml (job "careloop", scrape_interval 1s, target `target`
  // HOST:PORT) and starts the server; REQUIREs that it answers /-/ready within 60 s.
  void Start(const std::string& target, const TempDir& dir) {
    REQUIRE(std::filesystem::exists(kPrometheusBin));  // Debian package `prometheus`
    const std::string home = dir.path() + "/prometheus";
    std::filesystem::create_directories(home + "/data");
    const std::string yml = home + "/prometheus.yml";
    std::ofstream(yml) << fmt::format(
        "global:\n"
        "  scrape_interval: 1s\n"
        "  scrape_timeout: 1s\n"
        "  evaluation_interval: 1s\n"
        "scrape_configs:\n"
        "  - job_name: careloop\n"
        "    static_configs:\n"
        "      - targets: ['{}']\n",
        target);
    // A port taken between FreePort() and the bind makes Prometheus exit: try again.
    for (int attempt = 0; attempt < 3 && !proc_; ++attempt) {
      address_ = fmt::format("127.0.0.1:{}", FreePort());
      auto p = Process::Start(
          {kPrometheusBin, "--config.file=" + yml, "--storage.tsdb.path=" + home + "/data",
           "--web.listen-address=" + address_, "--log.level=warn"},
          true);
      REQUIRE(p);
      proc_.emplace(std::move(*p));
      bool up = WaitUntil([&] { return HttpGet(address_, "/-/ready").status == 200 || Exited(); },
                          std::chrono::seconds(60));
      if (!up || Exited()) proc_.reset();
    }
    REQUIRE(proc_);
  }

  // Unchecked (it may run while a failed REQUIRE unwinds); ~Process kills what is left.
  ~PrometheusServer() {
    if (proc_) {
      proc_->Signal(SIGTERM);
      (void)proc_->Wait(std::chrono::seconds(30));
    }
  }

  // SIGTERM and a bounded wait for a clean exit.
  void Stop() {
    REQUIRE(proc_);
    proc_->Signal(SIGTERM);
    auto rc = proc_->Wait(std::chrono::seconds(30));
    CHECK(rc == std::optional<int>(0));
    proc_.reset();
  }

  // The value of an instant query that must return exactly one sample; nullopt when it
  // returns none (not scraped yet); REQUIREs a successful answer.
  std::optional<double> Query(const std::string& promql) const {
    auto res = HttpGet(address_, "/api/v1/query?query=" + UrlEncode(promql));
    INFO(promql << " -> HTTP " << res.status << ": " << res.body);
    REQUIRE(res.status == 200);
    auto doc = ParseJson(res.body);
    REQUIRE(doc.IsObject());
    REQUIRE(std::string(doc["status"].GetString()) == "success");
    const auto& result = doc["data"]["result"];
    if (result.Size() == 0) return std::nullopt;
    REQUIRE(result.Size() == 1);
    return std::stod(result[0]["value"][1].GetString());
  }

  const std::string& address() const { return address_; }

 private:
  bool Exited() { return proc_->Wait(std::chrono::milliseconds(0)).has_value(); }

  std::optional<Process> proc_;
  std::string address_;
};

}  // namespace careloop::apitest
