#include "child.h"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include <filesystem>

namespace careloop::bench {
namespace {

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

double Num(const rapidjson::Document& d, const char* key) {
  auto it = d.FindMember(key);
  return it != d.MemberEnd() && it->value.IsNumber() ? it->value.GetDouble() : 0;
}

bool Flag(const rapidjson::Document& d, const char* key) {
  auto it = d.FindMember(key);
  return it != d.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}

}  // namespace

Result<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(const ChildArgs& a,
                                                          const std::string& log_file) {
  std::error_code ec;
  const std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec) return Status::Internal("cannot find this executable: " + ec.message());
  const std::string cmd = fmt::format(
      "exec {} pipeline --config {} --bootstrap {} --state {} --group {} --expect {} "
      "--timeout {} 2>>{}",
      Quote(self), Quote(a.config_dir), Quote(a.bootstrap), Quote(a.state_dir), Quote(a.group),
      a.expect, a.timeout_s, Quote(log_file));
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return Status::Internal("cannot start the pipeline child");
  return std::unique_ptr<ChildProcess>(new ChildProcess(pipe));
}

ChildProcess::~ChildProcess() {
  if (pipe_ != nullptr) pclose(pipe_);
}

Result<std::string> ChildProcess::NextLine() {
  if (pipe_ == nullptr) return Status::Unavailable("the pipeline child has exited");
  char buf[4096];
  if (std::fgets(buf, sizeof(buf), pipe_) == nullptr) {
    const int rc = pclose(pipe_);
    pipe_ = nullptr;
    return Status::Internal(
        fmt::format("the pipeline child exited without a result (status {}); see its log", rc));
  }
  std::string line(buf);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

Result<double> ChildProcess::WaitFirst() {
  for (;;) {
    auto line = NextLine();
    if (!line.ok()) return line.status();
    if (line->rfind("first ", 0) == 0) return std::stod(line->substr(6));
  }
}

Result<ChildResult> ChildProcess::Wait() {
  for (;;) {
    auto line = NextLine();
    if (!line.ok()) return line.status();
    if (line->rfind("result ", 0) != 0) continue;
    rapidjson::Document d;
    d.Parse(line->c_str() + 7);
    if (d.HasParseError() || !d.IsObject()) return Status::Internal("bad child result: " + *line);
    ChildResult r;
    r.open_s = Num(d, "open_s");
    r.first_s = Num(d, "first_s");
    r.last_s = Num(d, "last_s");
    r.done_s = Num(d, "done_s");
    r.events = Num(d, "events");
    r.records_lost = Num(d, "records_lost");
    r.outbox_left = Num(d, "outbox_left");
    r.rss_mb = Num(d, "rss_mb");
    r.peak_rss_mb = Num(d, "peak_rss_mb");
    r.block_cache_mb = Num(d, "block_cache_mb");
    r.cpu_s = Num(d, "cpu_s");
    r.timed_out = Flag(d, "timed_out");
    r.ok = Flag(d, "ok");
    const int rc = pclose(pipe_);
    pipe_ = nullptr;
    if (rc != 0 && r.ok) r.ok = false;
    return r;
  }
}

}  // namespace careloop::bench
