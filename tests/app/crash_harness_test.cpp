// Crash harness (issue 5): the broker in its own process, a stream of >= 200,000 mixed
// events, the processor killed with SIGKILL at random moments and restarted each time.
// At the end, compared with one uninterrupted run of the same input on a second broker:
// the same set of outbound records by id on every topic, no id missing, no id twice, and
// the same final worker and petition files (times of the run aside).
//
// Short form (CI): 200,000 events, 3 kills. Long form:
//   CARELOOP_CRASH_KILLS=20 build/tests/app/test_crash
// CARELOOP_CRASH_EVENTS sets the stream length. No assertion depends on speed.
#include <signal.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "careloop/gen/generator.h"
#include "careloop/kafka/kafka.h"
#include "careloop/state/store.h"
#include "careloop/state/worker_file.h"
#include "src/api/worker_view.h"
#include "support/process.h"

using careloop::testing::Process;
using careloop::testing::RunCommand;
using careloop::testing::TempDir;
namespace fs = std::filesystem;
using namespace careloop;

namespace {

const std::string kBin = CARELOOP_BIN;
const std::string kSrc = CARELOOP_SOURCE_DIR;
constexpr int kPartitions = 64;
const std::vector<std::string> kInputs = {"lab-results", "checkins", "petitions"};
const std::vector<std::string> kOutputs = {"alerts",    "alerts.red",  "notifications",
                                           "referrals", "escalations", "dead-letter"};

std::uint64_t EnvOr(const char* name, std::uint64_t dflt) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : dflt;
}

// config/ with more partitions (the broker keeps 5 MiB per partition) and a short
// session timeout (a killed member holds the group's next join for that long).
std::string Config(const TempDir& dir) {
  const std::string cfg = dir.path() + "/config";
  fs::create_directories(cfg);
  for (const char* f : {"tests.yaml", "rules.yaml"})
    fs::copy_file(kSrc + "/config/" + f, cfg + "/" + f);
  std::ofstream(cfg + "/careloop.yaml") << fmt::format(
      "kafka:\n  consumer:\n    group.id: careloop\n    session.timeout.ms: 3000\n"
      "    heartbeat.interval.ms: 500\nbroker:\n  partitions: {}\nfiles:\n  topologies: "
      "{}/topologies\n",
      kPartitions, kSrc);
  return cfg;
}

struct Broker {
  std::optional<Process> proc;
  std::string bootstrap;
};

void StartBroker(Broker* b, const std::string& cfg) {
  auto p = Process::Start({kBin, "broker", "--config", cfg}, true);
  REQUIRE(p);
  b->proc.emplace(std::move(*p));
  auto line = b->proc->ReadLine(std::chrono::seconds(30));
  REQUIRE(line);
  b->bootstrap = line->substr(std::string("bootstrap.servers=").size());
}

// id -> count of every record of `topic` (values start with {"id":"…").
std::map<std::string, int> Ids(const std::string& bootstrap, const std::string& topic) {
  int status = 0;
  std::string out = RunCommand({"/usr/bin/kcat", "-b", bootstrap, "-C", "-t", topic, "-o",
                                "beginning", "-e", "-q", "-f", "%s\\n"},
                               &status, std::chrono::seconds(300));
  REQUIRE(status == 0);
  std::map<std::string, int> ids;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("{\"id\":\"", 0) != 0) continue;
    auto end = line.find('"', 7);
    ids[line.substr(7, end - 7)]++;
  }
  return ids;
}

// Low and high watermarks of every partition of `topics`.
std::map<std::string, std::pair<std::int64_t, std::int64_t>> Watermarks(
    const std::string& bootstrap, const std::vector<std::string>& topics) {
  auto reader = kafka::TailReader::Create(bootstrap, {});
  REQUIRE(reader.ok());
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> out;
  for (const auto& t : topics) {
    for (int p = 0; p < kPartitions; ++p) {
      auto wm = (*reader)->Watermarks(t, p, 10000);
      REQUIRE(wm.ok());
      out[fmt::format("{}[{}]", t, p)] = *wm;
    }
  }
  return out;
}

// True when the state's stored offsets reach every input partition's end.
bool CaughtUp(const std::string& state_dir,
              const std::map<std::string, std::pair<std::int64_t, std::int64_t>>& in) {
  state::StoreOptions so;
  so.path = state_dir;
  so.read_only = true;
  so.block_cache_mb = 8;
  auto store = state::OpenRocksStore(so);
  if (!store.ok()) return false;
  for (const auto& t : kInputs) {
    for (int p = 0; p < kPartitions; ++p) {
      std::int64_t high = in.at(fmt::format("{}[{}]", t, p)).second;
      if (high == 0) continue;
      auto off = (*store)->GetOffset(t, p);
      if (!off.ok() || !off->has_value() || **off < high) return false;
    }
  }
  return true;
}

// Its log (stderr) goes to STATE.log, read at the end for the restart figures.
std::optional<Process> Run(const std::string& cfg, const std::string& bootstrap,
                           const std::string& state) {
  auto p = Process::Start(
      {"/bin/sh", "-c",
       fmt::format("exec '{}' run --config '{}' --bootstrap '{}' --state-dir '{}' 2>>'{}.log'",
                   kBin, cfg, bootstrap, state, state)},
      true);
  REQUIRE(p);
  return p;
}

void RunToEnd(Process& run, const std::string& state,
              const std::map<std::string, std::pair<std::int64_t, std::int64_t>>& in) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(20);
  while (!CaughtUp(state, in)) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));  // confirmations drain
  run.Signal(SIGTERM);
  auto rc = run.Wait(std::chrono::seconds(120));
  REQUIRE(rc);
  CHECK(*rc == 0);
}

// Times of the run (wall clock) aside, the files must be equal.
void Normalize(state::WorkerFile* f) {
  f->first_seen = f->last_seen = 0;
  auto events = [](state::LazyList<state::CaseEvent>& v) {
    for (auto& e : v) e.at = 0;
  };
  auto wf = [](state::WorkflowState& w) {
    for (auto& d : w.deadlines) d.started_at = d.next_due = 0;
  };
  events(f->log);
  for (auto& c : f->conditions) {
    for (auto& k : c.cases) {
      k.opened_at = k.closed_at = 0;
      events(k.history);
      wf(k.wf);
    }
  }
  for (auto& x : f->exams) {
    x.done_at = 0;
    wf(x.wf);
  }
}

void NormalizePetition(state::PetitionFile* p) {
  p->submitted_at = p->accepted_at = p->responded_at = p->closed_at = 0;
  for (auto& e : p->history) e.at = 0;
  for (auto& d : p->wf.deadlines) d.started_at = d.next_due = 0;
}

std::map<std::string, std::string> Files(const std::string& state_dir) {
  state::StoreOptions so;
  so.path = state_dir;
  so.read_only = true;
  auto store = state::OpenRocksStore(so);
  REQUIRE(store.ok());
  std::map<std::string, std::string> out;
  for (auto kind : {state::EntityKind::kWorker, state::EntityKind::kPetition}) {
    Status st = (*store)->ForEachEntity(
        kind, [&](std::int32_t p, std::string_view id, std::string_view bytes) {
          std::string key = fmt::format("{}/{}/{}", static_cast<char>(kind), p, id);
          if (kind == state::EntityKind::kWorker) {
            auto f = state::DecodeWorkerFile(bytes);
            REQUIRE(f.ok());
            Normalize(&*f);
            out[key] = api::WorkerFileJson(*f);
          } else {
            auto f = state::DecodePetitionFile(bytes);
            REQUIRE(f.ok());
            NormalizePetition(&*f);
            out[key] = api::PetitionFileJson(*f);
          }
          return true;
        });
    REQUIRE(st.ok());
  }
  return out;
}

}  // namespace

TEST_CASE("SIGKILL at random moments loses nothing and doubles nothing", "[kafka][crash]") {
  const std::uint64_t events_wanted = EnvOr("CARELOOP_CRASH_EVENTS", 200000);
  const std::uint64_t kills = EnvOr("CARELOOP_CRASH_KILLS", 3);
  TempDir dir;
  const std::string cfg = Config(dir);

  // The input: lab results, check-ins and bad input, keyed by worker, as key<TAB>value.
  gen::Options o;
  o.seed = 2026;
  o.workers = events_wanted * 9 / 10;
  o.checkin_share = 0.05;
  std::map<std::string, std::string> files = {{"lab-results", dir.path() + "/lab.txt"},
                                              {"checkins", dir.path() + "/checkins.txt"}};
  std::uint64_t n = 0;
  {
    std::ofstream lab(files["lab-results"]), chk(files["checkins"]);
    gen::Generator g(o);
    gen::GeneratedEvent e;
    while (n < events_wanted && g.Next(&e)) {
      (e.topic == "checkins" ? chk : lab) << e.key << '\t' << e.json << '\n';
      ++n;
    }
  }
  REQUIRE(n == events_wanted);

  Broker a, b;
  StartBroker(&a, cfg);
  StartBroker(&b, cfg);
  for (const Broker* br : {&a, &b}) {
    for (const auto& [topic, file] : files) {
      int status = 0;
      RunCommand({"/usr/bin/kcat", "-b", br->bootstrap, "-P", "-t", topic, "-K", "\t", "-l", file},
                 &status, std::chrono::seconds(600));
      REQUIRE(status == 0);
    }
  }
  auto in_a = Watermarks(a.bootstrap, kInputs);
  REQUIRE(in_a == Watermarks(b.bootstrap, kInputs));
  for (const auto& [tp, wm] : in_a) {
    INFO(tp);
    REQUIRE(wm.first == 0);  // the broker dropped no input: a loss is never blamed wrongly
  }

  // The reference: one uninterrupted run on broker B.
  const std::string ref_state = dir.path() + "/ref";
  auto ref = Run(cfg, b.bootstrap, ref_state);
  RunToEnd(*ref, ref_state, in_a);

  // The run under fire on broker A: killed at random moments, restarted each time.
  const std::string state = dir.path() + "/state";
  std::mt19937 rng(7);
  for (std::uint64_t k = 0; k < kills; ++k) {
    auto run = Run(cfg, a.bootstrap, state);
    std::uniform_int_distribution<int> delay_ms(4000, 9000);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    run->Signal(SIGKILL);
    REQUIRE(run->Wait(std::chrono::seconds(30)));
  }
  auto last = Run(cfg, a.bootstrap, state);
  RunToEnd(*last, state, in_a);

  // Same records by id on every topic, each exactly once.
  for (const auto& topic : kOutputs) {
    INFO(topic);
    auto got = Ids(a.bootstrap, topic);
    auto want = Ids(b.bootstrap, topic);
    int twice = 0, missing = 0, extra = 0;
    for (const auto& [id, c] : got) {
      twice += c > 1 ? 1 : 0;
      extra += want.count(id) ? 0 : 1;
    }
    for (const auto& [id, c] : want) missing += got.count(id) ? 0 : 1;
    WARN(fmt::format("{}: {} records, {} twice, {} missing, {} extra", topic, got.size(), twice,
                     missing, extra));
    CHECK(twice == 0);
    CHECK(missing == 0);
    CHECK(extra == 0);
  }
  for (const auto& [tp, wm] : Watermarks(a.bootstrap, kOutputs)) {
    INFO(tp);
    CHECK(wm.first == 0);  // no output dropped by retention either
  }
  // What the restarts did (from the log): resent and skipped as already landed.
  {
    std::ifstream log(state + ".log");
    std::string line;
    int resend_lines = 0, landed_lines = 0;
    while (std::getline(log, line)) {
      if (line.find("unconfirmed outbound records") != std::string::npos) ++resend_lines;
      if (line.find("already landed") != std::string::npos) {
        ++landed_lines;
        WARN(line);
      }
    }
    WARN(fmt::format("{} restarts found unconfirmed records; {} of them found some already landed",
                     resend_lines, landed_lines));
  }
  // Either run going on without event-time alignment would explain a file differing.
  for (const std::string& log_path : {state + ".log", ref_state + ".log"}) {
    std::ifstream log(log_path);
    std::string line;
    while (std::getline(log, line)) {
      if (line.find("without waiting for a lagging input topic") != std::string::npos) {
        WARN(log_path << ": " << line);
      }
    }
  }
  // The same final state of every worker and petition file.
  auto fa = Files(state), fb = Files(ref_state);
  CHECK(fa.size() == fb.size());
  std::size_t differ = 0;
  for (const auto& [k, v] : fb) {
    auto it = fa.find(k);
    if (it == fa.end() || it->second != v) {
      if (++differ <= 3) {
        WARN(fmt::format("{} differs:\n reference: {}\n  crashed: {}", k, v,
                         it == fa.end() ? std::string("(missing)") : it->second));
      }
    }
  }
  CHECK(differ == 0);
  WARN(fmt::format("{} events, {} kills, {} files compared", n, kills, fb.size()));
}
