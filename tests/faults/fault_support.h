// Test support for the fault suites: real `careloop` processes (a controllable embedded
// broker, the processor with its stderr in a file), input produced with kcat, outputs
// read back with kcat, and the expected outputs from `careloop replay` of the same input.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/process.h"

namespace careloop::faults {

extern const std::string kBin;     // the careloop executable
extern const std::string kConfig;  // the repository's config/

// id -> count.
using IdCount = std::map<std::string, int>;
int Total(const IdCount& ids);
// Ids that appear more than once.
std::vector<std::string> Doubled(const IdCount& ids);

// Generated input split into `parts` consecutive chunks of kcat "key<TAB>value" lines,
// and replay's records per output topic for the whole input.
struct Input {
  std::vector<std::string> parts;       // files of key<TAB>value lines
  std::vector<int> part_sizes;          // lines per part
  std::map<std::string, IdCount> want;  // topic -> ids, from replay
};
Input MakeInput(const std::string& dir, int workers, int seed, int parts);

// `careloop broker --control`: commands go through a FIFO on its stdin.
class Broker {
 public:
  static std::optional<Broker> Start(const std::string& dir, int brokers);
  Broker(Broker&&) noexcept;
  ~Broker();
  const std::string& bootstrap() const { return bootstrap_; }
  // Sends one control line; the reply line ("ok ..." or "error: ...").
  std::string Command(const std::string& line);
  // Produces a file of key<TAB>value lines to `topic` (kcat), waiting for it.
  bool Produce(const std::string& topic, const std::string& file);
  // Every record value of `topic`, one id per record.
  IdCount ReadIds(const std::string& topic);
  int Stop();

 private:
  Broker(testing::Process p, std::string fifo) : proc_(std::move(p)), fifo_(std::move(fifo)) {}
  testing::Process proc_;
  std::string fifo_;
  int fd_ = -1;
  std::string bootstrap_;
};

// `careloop run` with stderr appended to `log`, extra environment `env` ("K=V"), the HTTP
// API on a free port (unless `http` is false).
class Runner {
 public:
  static std::optional<Runner> Start(const std::string& config, const std::string& bootstrap,
                                     const std::string& state, const std::string& log,
                                     const std::vector<std::string>& env = {}, bool http = true);
  // /metrics, as text ("" if it cannot be read).
  std::string Metrics();
  // The value of one sample line "NAME VALUE" of /metrics (sum if NAME has several
  // label sets and is given without labels); nullopt if absent.
  std::optional<double> Metric(const std::string& name);
  // Where a run that has not caught up stands, for a failure message: its progress
  // metrics (events, consumer lag, outbox depth, outputs, delivery failures, Kafka
  // errors) and the last `lines` lines of `log`.
  std::string Diagnosis(const std::string& log, int lines = 40);
  testing::Process& process() { return *proc_; }
  std::optional<int> Wait(std::chrono::milliseconds timeout) { return proc_->Wait(timeout); }
  int Stop();  // SIGTERM and wait; the exit status (-1 on timeout)
  pid_t pid() const { return proc_->pid(); }

 private:
  explicit Runner(testing::Process p) : proc_(std::move(p)) {}
  std::optional<testing::Process> proc_;
  std::string http_;
};

// careloop's six output topics.
inline constexpr const char* kOutputs[] = {"alerts",    "alerts.red",  "notifications",
                                           "referrals", "escalations", "dead-letter"};

// Every output topic of `broker` holds no id twice, and alerts and red alerts hold
// exactly the ids of `input.want` (replay of the same input); a difference is reported
// as counts and the first ids missing and unexpected. Notifications, escalations
// and dead-letter are not compared id for id: wall-clock deadlines and input positions
// make their ids differ from replay's.
void CheckOutputsOnce(Broker& broker, const Input& input);

// How long a run may take to catch up after a fault before the test calls its output
// incomplete. The suites check what arrives, not how fast: here a catch-up takes 5-20 s,
// under ASan on a loaded 2-core CI machine several times that; and a partition held
// back by the one-minute processing.align_max_idle_ms must still finish inside it.
inline constexpr std::chrono::seconds kCatchUpBound{180};

// Waits (bounded) until `fn` is true, checking every 250 ms.
template <typename Fn>
bool WaitFor(std::chrono::seconds timeout, Fn fn) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (fn()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return fn();
}

std::string Slurp(const std::string& path);
// Sum of the stored next offsets of `topic` in a state directory, opened read-only.
std::optional<std::int64_t> StoredOffsets(const std::string& state, const std::string& topic,
                                          int partitions);
// VmRSS of a process in KiB (0 if unknown).
long RssKb(pid_t pid);

}  // namespace careloop::faults
