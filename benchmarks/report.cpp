#include "report.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <rocksdb/version.h>
#include <simdjson.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>

namespace careloop::bench {
namespace {

std::string Trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\n");
  const auto e = s.find_last_not_of(" \t\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// "1,234,567" (rounded) for figures of a thousand and more, else 3 significant digits.
std::string N(double v) {
  if (v < 1000) return fmt::format("{:.3g}", v);
  std::string digits = fmt::format("{:.0f}", v);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Ratio(double a, double b) { return b > 0 ? fmt::format("{:.3f}", a / b) : "–"; }

const rapidjson::Value* Find(const rapidjson::Value& v, const char* key) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(key);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

std::string Str(const rapidjson::Value& v, const char* a, const char* b) {
  const rapidjson::Value* x = Find(v, a);
  const rapidjson::Value* y = x ? Find(*x, b) : nullptr;
  return y && y->IsString() ? y->GetString() : "";
}

std::string RunsOf(const rapidjson::Value& root, const char* key) {
  const rapidjson::Value* runs = Find(root, "runs");
  const rapidjson::Value* arr = runs ? Find(*runs, key) : nullptr;
  if (!arr || !arr->IsArray()) return "";
  std::string out;
  for (const auto& x : arr->GetArray()) out += (out.empty() ? "" : " · ") + N(x.GetDouble());
  return out;
}

}  // namespace

void DescribeMachine(JsonOut& out) {
  JsonOut::Value& m = out.Object(out.root(), "machine");
  if (FILE* p = popen("lscpu 2>/dev/null", "r")) {
    char line[512];
    while (std::fgets(line, sizeof(line), p)) {
      std::string l(line);
      const auto colon = l.find(':');
      if (colon == std::string::npos) continue;
      const std::string k = Trim(l.substr(0, colon)), v = Trim(l.substr(colon + 1));
      if (k == "Model name") out.Set(m, "cpu", v);
      if (k == "CPU(s)") out.Set(m, "cpus", std::stod(v));
      if (k == "Thread(s) per core") out.Set(m, "threads_per_core", std::stod(v));
      if (k == "Hypervisor vendor") out.Set(m, "hypervisor", v);
      if (k == "L3 cache") out.Set(m, "l3_cache", v);
    }
    pclose(p);
  }
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  double kb = 0;
  while (meminfo >> key >> kb) {
    if (key == "MemTotal:") out.Set(m, "memory_gb", kb / 1048576.0);
    meminfo.ignore(256, '\n');
  }
  utsname u{};
  if (uname(&u) == 0) out.Set(m, "kernel", fmt::format("{} {}", u.sysname, u.release));
  out.Set(m, "compiler", fmt::format("g++ {}", __VERSION__));
  out.Set(m, "librdkafka", rd_kafka_version_str());
  out.Set(m, "rocksdb", fmt::format("{}.{}.{}", ROCKSDB_MAJOR, ROCKSDB_MINOR, ROCKSDB_PATCH));
  out.Set(m, "simdjson",
          fmt::format("{}.{}.{}", static_cast<int>(simdjson::SIMDJSON_VERSION_MAJOR),
                      static_cast<int>(simdjson::SIMDJSON_VERSION_MINOR),
                      static_cast<int>(simdjson::SIMDJSON_VERSION_REVISION)));
#ifdef NDEBUG
  out.Set(m, "build", "Release (-O3 -DNDEBUG)");
#else
  out.Set(m, "build", "not Release: figures not comparable");
#endif
  std::time_t now = std::time(nullptr);
  char date[64];
  std::strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  out.Set(m, "date", date);
  out.Set(m, "load_at_start", LoadAverage());
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

void DescribeSettings(const Settings& s, JsonOut& out) {
  JsonOut::Value& v = out.Object(out.root(), "settings");
  out.Set(v, "form", s.short_form ? "short" : "long");
  out.Set(v, "runs", s.runs);
  out.Set(v, "partitions", s.partitions);
  out.Set(v, "main_workers", static_cast<double>(s.main_workers));
  std::vector<double> scale(s.scale_workers.begin(), s.scale_workers.end());
  out.Set(v, "scale_workers", scale);
  out.Set(v, "new_events_per_run", static_cast<double>(s.new_events));
  out.Set(v, "engine_workers", static_cast<double>(s.engine_workers));
  out.Set(v, "latency_seconds", s.latency_seconds);
  out.Set(v, "latency_load", s.latency_load);
}

void AddRatios(JsonOut& out) {
  const auto& r = out.root();
  auto num = [&](const char* k) { return Number(r, {k}); };
  auto div = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  const double e2e = num("e2e_eps");
  out.Set(out.root(), "e2e_ratio_to_consume", div(e2e, num("consume_ceiling_eps")));
  JsonOut::Value& x = out.Object(out.root(), "ratios");
  out.Set(x, "decoder_to_parse_ceiling", div(num("decoder_eps"), num("parse_ceiling_eps")));
  out.Set(x, "engine_to_decoder", div(num("engine_eps"), num("decoder_eps")));
  out.Set(x, "engine_rocksdb_to_rmw_ceiling",
          div(num("engine_rocksdb_eps"), num("rocksdb_rmw_ceiling_ups")));
  out.Set(x, "e2e_to_consume_ceiling", div(e2e, num("consume_ceiling_eps")));
  out.Set(x, "e2e_to_rmw_ceiling", div(e2e, num("rocksdb_rmw_ceiling_ups")));
  out.Set(x, "e2e_to_engine", div(e2e, num("engine_eps")));
  out.Set(x, "e2e_to_engine_rocksdb", div(e2e, num("engine_rocksdb_eps")));
  // Each input event causes records_out_per_event outbound records: the produce ceiling
  // divided by that is the output side's ceiling in input events per second.
  const double out_per_event = Number(r, {"engine", "records_out_per_event"});
  const double output_ceiling = div(num("produce_ceiling_eps"), out_per_event);
  out.Set(x, "output_side_ceiling_eps", output_ceiling);
  out.Set(x, "e2e_to_output_side_ceiling", div(e2e, output_ceiling));
  const rapidjson::Value* scale = Find(r, "scale");
  if (scale && scale->IsObject() && scale->MemberCount() > 1) {
    double smallest_w = 1e18, largest_w = 0, smallest_eps = 0, largest_eps = 0;
    for (const auto& m : scale->GetObject()) {
      const double w = std::stod(m.name.GetString());
      const double eps = Number(m.value, {"eps"});
      if (w < smallest_w) smallest_w = w, smallest_eps = eps;
      if (w > largest_w) largest_w = w, largest_eps = eps;
    }
    out.Set(x, "scale_largest_to_smallest", div(largest_eps, smallest_eps));
  }
}

std::string MarkdownFigures(const JsonOut& out) {
  const rapidjson::Value& r = out.root();
  auto num = [&](std::initializer_list<std::string_view> p) { return Number(r, p); };
  std::ostringstream md;
  md << fmt::format(
      "Measured {} with `careloop_bench {}` ({} form): {} · {} CPUs · {:.1f} GB · {} · {} · "
      "librdkafka {} · RocksDB {} · simdjson {} · {}.\n\n",
      Str(r, "machine", "date"), Str(r, "settings", "command"), Str(r, "settings", "form"),
      Str(r, "machine", "cpu"), N(num({"machine", "cpus"})), num({"machine", "memory_gb"}),
      Str(r, "machine", "kernel"), Str(r, "machine", "compiler"), Str(r, "machine", "librdkafka"),
      Str(r, "machine", "rocksdb"), Str(r, "machine", "simdjson"), Str(r, "machine", "build"));
  md << fmt::format(
      "Load average (1/5/15 min; the machine is shared) at start: {}; at end: {}. Total "
      "measuring time {:.0f} s.\n\n",
      Str(r, "machine", "load_at_start"), Str(r, "machine", "load_at_end"),
      num({"settings", "seconds"}));
  const double w = num({"e2e_workers"});
  md << fmt::format(
      "Settings: {} partitions per topic; {} new lab-result events per end-to-end run "
      "(mean {:.0f} bytes) hitting workers drawn uniformly from the population; medians of "
      "{} runs (each run's value in the last column).\n\n",
      N(num({"settings", "partitions"})), N(num({"e2e_events"})),
      num({"scale", std::to_string(static_cast<std::uint64_t>(w)), "mean_message_bytes"}),
      N(num({"settings", "runs"})));
  md << "| figure | median | compared with | ratio | target | runs |\n";
  md << "|---|---:|---|---:|---|---|\n";
  auto row = [&](const std::string& name, const std::string& value, const std::string& vs,
                 const std::string& ratio, const std::string& target, const std::string& runs) {
    md << "| " << name << " | " << value << " | " << vs << " | " << ratio << " | " << target
       << " | " << runs << " |\n";
  };
  const double consume = num({"consume_ceiling_eps"}), simd = num({"parse_ceiling_eps"});
  const double decoder = num({"decoder_eps"}), rmw = num({"rocksdb_rmw_ceiling_ups"});
  const double engine = num({"engine_eps"}), engine_rocks = num({"engine_rocksdb_eps"});
  const double produce = num({"produce_ceiling_eps"}), e2e = num({"e2e_eps"});
  row("**consume ceiling**: raw librdkafka batch consume from the embedded broker",
      N(consume) + " msg/s", "", "", "", RunsOf(r, "consume_ceiling_eps"));
  row("produce ceiling: careloop Producer (idempotent, acks=all, lz4)", N(produce) + " msg/s", "",
      "", "", RunsOf(r, "produce_ceiling_eps"));
  row("**parse ceiling**: simdjson On-Demand, every field", N(simd) + " msg/s", "", "", "",
      RunsOf(r, "parse_ceiling_eps"));
  row("careloop EventDecoder (same messages)", N(decoder) + " msg/s", "parse ceiling",
      Ratio(decoder, simd), "", RunsOf(r, "decoder_eps"));
  row(fmt::format("**RocksDB ceiling**: naive Get+Put of 400 B, {} keys", N(w)), N(rmw) + " upd/s",
      "", "", "", RunsOf(r, "rocksdb_rmw_ceiling_ups"));
  row(fmt::format("engine: Replay(), memory store, {} workers", N(num({"engine", "workers"}))),
      N(engine) + " ev/s", "EventDecoder", Ratio(engine, decoder), "", RunsOf(r, "engine_eps"));
  row("engine: Replay(), RocksDB store", N(engine_rocks) + " ev/s", "RocksDB ceiling",
      Ratio(engine_rocks, rmw), "", RunsOf(r, "engine_rocksdb_eps"));
  row(fmt::format("**end to end**, {} workers in state, full guarantees", N(w)), N(e2e) + " ev/s",
      "consume ceiling", Ratio(e2e, consume), "≥ 250,000 ev/s; ≥ 0.25", RunsOf(r, "e2e_eps"));
  row("… the same", N(e2e) + " ev/s", "RocksDB ceiling", Ratio(e2e, rmw), "", "");
  row("… the same", N(e2e) + " ev/s", "engine (memory)", Ratio(e2e, engine), "", "");
  row("… the same", N(e2e) + " ev/s", "output-side ceiling (produce ÷ records per event)",
      Ratio(e2e, num({"ratios", "output_side_ceiling_eps"})), "", "");
  row("… the pipeline's CPU per event (all its threads, first record to all confirmed)",
      fmt::format("{:.0f} µs", num({"e2e_cpu_us_per_event"})), "2 cores ÷ that",
      N(2e6 / std::max(num({"e2e_cpu_us_per_event"}), 1.0)) + " ev/s", "", "");
  const std::string w_key = std::to_string(static_cast<std::uint64_t>(w));
  if (const double cold = num({"scale", w_key, "cold_page_cache", "eps"}); cold > 0) {
    row(fmt::format("… the same with the state's {:.0f} MB dropped from the page cache first "
                    "({:.0f} % left cached; the runs above read it first, {:.0f} % of it "
                    "cached before)",
                    num({"scale", w_key, "cold_page_cache", "state_mb"}),
                    100 * num({"scale", w_key, "cold_page_cache", "cached_share_after_emptying"}),
                    100 * num({"scale", w_key, "state_cached_share_before_warming"})),
        fmt::format("{} ev/s, {:.0f} µs of CPU per event", N(cold),
                    num({"scale", w_key, "cold_page_cache", "cpu_us_per_event"})),
        "end to end", Ratio(cold, e2e), "", "1 run");
  }
  row(fmt::format("**red-alert latency** produce → readable on alerts.red, at {} ev/s offered "
                  "({} achieved)",
                  N(num({"red_alert_latency_ms", "offered_eps"})),
                  N(num({"red_alert_latency_ms", "achieved_eps"}))),
      fmt::format("p50 {:.1f} · p99 {:.1f} · p999 {:.1f} ms", num({"red_alert_latency_ms", "p50"}),
                  num({"red_alert_latency_ms", "p99"}), num({"red_alert_latency_ms", "p999"})),
      "offered / e2e", Ratio(num({"red_alert_latency_ms", "offered_eps"}), e2e), "p99 ≤ 25 ms",
      fmt::format("p99 {}; {} red alerts in all", RunsOf(r, "red_alert_p99_ms"),
                  N(num({"red_alert_latency_ms", "samples"}))));
  auto fifths = [&](const char* key, const char* format) {
    std::string out;
    const rapidjson::Value* v = Find(r, "red_alert_latency_ms");
    if (v == nullptr || !v->IsObject() || !v->HasMember(key) || !(*v)[key].IsArray()) return out;
    for (const auto& x : (*v)[key].GetArray()) {
      if (!out.empty()) out += " · ";
      out += fmt::format(fmt::runtime(format), x.GetDouble());
    }
    return out;
  };
  row("… the same by fifth of the run with the median p99: p50 / p99 (ms); the embedded "
      "broker's thread (cores)",
      fifths("p50_by_fifth", "{:.1f}") + " / " + fifths("p99_by_fifth", "{:.1f}"), "broker thread",
      fifths("broker_cores_by_fifth", "{:.2f}"), "", "");
  row(fmt::format("**restart** to processing, {} workers in state (same consumer group)",
                  N(num({"restart", "workers"}))),
      fmt::format("{:.2f} s", num({"restart_s"})),
      fmt::format("new group {:.2f} s; empty state {:.2f} s",
                  num({"restart", "new_group_first_event_s"}),
                  num({"restart", "empty_state_first_event_s"})),
      "", "≤ 5 s", RunsOf(r, "restart_s"));
  row("… the same with `kafka.assignment: all` (no consumer group; offsets from the state)",
      fmt::format("{:.2f} s", num({"restart", "no_group_first_event_s"})),
      fmt::format("of which opening the state, outbox, producer, consumer {:.2f} s",
                  num({"restart", "no_group_open_s"})),
      "", "≤ 5 s", RunsOf(r, "restart_no_group_s"));
  md << "\n**Scale** (end to end, the same number of new events each):\n\n";
  md << "| workers in state | events/s | ratio to smallest | RSS at end (MB) | peak RSS (MB) | "
        "block cache (MB) | preload (events/s through the engine) | worker file (B) |\n";
  md << "|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  if (const rapidjson::Value* scale = Find(r, "scale"); scale && scale->IsObject()) {
    double base = 0;
    for (const auto& m : scale->GetObject()) {
      const std::string workers = m.name.GetString();
      const double eps = Number(m.value, {"eps"});
      if (base == 0) base = eps;
      md << fmt::format(
          "| {} | {} | {} | {:.0f} | {:.0f} | {:.0f} | {} | {:.0f} |\n", N(std::stod(workers)),
          N(eps), Ratio(eps, base), Number(m.value, {"rss_mb"}), Number(m.value, {"peak_rss_mb"}),
          Number(m.value, {"block_cache_mb"}), N(num({"preload", workers, "events_per_second"})),
          num({"preload", workers, "worker_file_bytes"}));
    }
  }
  return md.str();
}

Status WriteMarkdown(const std::string& path, const std::string& figures) {
  static const std::string kBegin = "<!-- figures:begin -->", kEnd = "<!-- figures:end -->";
  std::string text;
  {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    text = s.str();
  }
  const std::string block = kBegin + "\n" + figures + kEnd;
  const auto b = text.find(kBegin), e = text.find(kEnd);
  if (b != std::string::npos && e != std::string::npos && e > b) {
    text.replace(b, e + kEnd.size() - b, block);
  } else {
    text += "\n" + block + "\n";
  }
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out) return Status::IoError("cannot write " + path);
  return Status::Ok();
}

}  // namespace careloop::bench
