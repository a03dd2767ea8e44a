// `careloop replay`: contract.md's replay command.
#include <spdlog/spdlog.h>

#include <fstream>

#include "careloop/engine/replay.h"
#include "commands.h"
#include "config.h"

namespace careloop::app {

int RunReplay(const ReplayArgs& args) {
  auto config = LoadConfig(args.config_dir);
  if (!config.ok()) {
    spdlog::error("{}", config.status().message());
    return 2;
  }
  std::optional<TimeMs> until;
  if (!args.until.empty()) {
    auto t = ParseRfc3339(args.until);
    if (!t.ok()) {
      spdlog::error("--until: {}", t.status().message());
      return 2;
    }
    until = *t;
  }
  std::ifstream in(args.in, std::ios::binary);
  if (!in) {
    spdlog::error("cannot read {}", args.in);
    return 1;
  }
  std::ofstream out(args.out, std::ios::binary | std::ios::trunc);
  if (!out) {
    spdlog::error("cannot write {}", args.out);
    return 1;
  }
  auto store = state::NewMemoryStore();
  auto stats = engine::Replay(
      *config->catalog, *config->rules, *config->workflows, config->app.topics, *store, in, until,
      [&](std::string_view topic, std::string_view key, std::string_view value) {
        out << engine::ReplayLine(topic, key, value) << '\n';
      });
  if (!stats.ok()) {
    spdlog::error("replay failed: {}", stats.status().ToString());
    return 1;
  }
  out.flush();
  if (!out) {
    spdlog::error("writing {} failed", args.out);
    return 1;
  }
  spdlog::info("replayed {} events, wrote {} records", stats->lines, stats->records_out);
  return 0;
}

}  // namespace careloop::app
