// Test support: child processes (the careloop binary, kcat) with their stdout readable.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace careloop::testing {

class Process {
 public:
  // Starts argv[0] (a path) with stdout piped to us, stderr to ours (or /dev/null when
  // `quiet`), stdin from `stdin_file` (or /dev/null).
  static std::optional<Process> Start(const std::vector<std::string>& argv, bool quiet = false,
                                      const std::string& stdin_file = "");
  Process(Process&& o) noexcept;
  ~Process();

  // One line of stdout (without '\n'), waiting at most `timeout`.
  std::optional<std::string> ReadLine(std::chrono::milliseconds timeout);
  // All remaining stdout until EOF (bounded by `timeout`).
  std::string ReadAll(std::chrono::milliseconds timeout);
  void Signal(int sig);
  // Exit status (or 128 + signal), waiting at most `timeout`; nullopt if still running.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  pid_t pid() const { return pid_; }

 private:
  Process(pid_t pid, int out_fd) : pid_(pid), out_fd_(out_fd) {}
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
  bool reaped_ = false;
};

// Runs to completion, returning stdout; exit status in *status.
std::string RunCommand(const std::vector<std::string>& argv, int* status,
                       std::chrono::milliseconds timeout = std::chrono::seconds(120));

// A fresh temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace careloop::testing
