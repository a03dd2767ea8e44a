// `careloop gen`, `careloop rules show`, `careloop inspect`.
#include <spdlog/spdlog.h>

#include <atomic>
#include <fstream>
#include <iostream>

#include "careloop/gen/generator.h"
#include "careloop/kafka/kafka.h"
#include "careloop/state/store.h"
#include "careloop/state/worker_file.h"
#include "commands.h"
#include "config.h"
#include "worker_view.h"

namespace careloop::app {

int RunGen(const GenArgs& args) {
  gen::Options o;
  o.seed = args.seed;
  o.workers = args.workers;
  o.bad_share = args.bad_share;
  o.duplicate_share = args.duplicate_share;
  if (!args.out.empty()) {
    std::ofstream out(args.out, std::ios::binary | std::ios::trunc);
    if (!out) {
      spdlog::error("cannot write {}", args.out);
      return 1;
    }
    gen::WriteJsonl(o, out);
    out.flush();
    if (!out) {
      spdlog::error("writing {} failed", args.out);
      return 1;
    }
    return 0;
  }
  if (args.bootstrap.empty()) {
    gen::WriteJsonl(o, std::cout);
    return 0;
  }
  InstallStopSignals();
  kafka::Producer::Options po;
  po.bootstrap_servers = args.bootstrap;
  std::atomic<std::uint64_t> failed{0};
  auto producer = kafka::Producer::Create(po, [&](std::uint64_t, const Status& s) {
    if (!s.ok()) failed++;
  });
  if (!producer.ok()) {
    spdlog::error("cannot create a producer: {}", producer.status().ToString());
    return 1;
  }
  gen::Generator g(o);
  gen::GeneratedEvent ev;
  std::uint64_t n = 0;
  while (!StopFlag().load() && g.Next(&ev)) {
    while (true) {
      Status st = (*producer)->Produce(ev.topic, ev.key, ev.json, n);
      if (st.ok()) break;
      if (st.code() != Status::Code::kUnavailable) {
        spdlog::error("produce failed: {}", st.ToString());
        return 1;
      }
      (*producer)->Poll(10);
    }
    ++n;
    (*producer)->Poll(0);
  }
  Status st = (*producer)->Flush(60000);
  if (!st.ok() || failed > 0) {
    spdlog::error("{} of {} events not delivered {}", failed.load(), n,
                  st.ok() ? "" : st.ToString());
    return 1;
  }
  spdlog::info("produced {} events", n);
  return 0;
}

int RunRulesShow(const std::string& config_dir) {
  auto config = LoadConfig(config_dir);
  if (!config.ok()) {
    spdlog::error("{}", config.status().message());
    return 2;
  }
  std::cout << config->rules->Describe();
  return 0;
}

int RunWorkflowsShow(const std::string& config_dir) {
  auto config = LoadConfig(config_dir);
  if (!config.ok()) {
    spdlog::error("{}", config.status().message());
    return 2;
  }
  for (const auto& d : config->workflows->all()) std::cout << d.Describe() << "\n";
  return 0;
}

int RunInspect(const InspectArgs& args) {
  state::StoreOptions so;
  so.path = args.state_dir;
  so.read_only = true;
  so.block_cache_mb = 16;
  auto store = state::OpenRocksStore(so);
  if (!store.ok()) {
    spdlog::error("cannot open {}: {}", args.state_dir, store.status().ToString());
    return 1;
  }
  bool found = false;
  const bool petition = args.kind == "petition";
  Status st =
      (*store)->ForEachEntity(petition ? state::EntityKind::kPetition : state::EntityKind::kWorker,
                              [&](std::int32_t, std::string_view id, std::string_view bytes) {
                                if (id != args.id) return true;
                                if (petition) {
                                  auto pf = state::DecodePetitionFile(bytes);
                                  if (!pf.ok()) {
                                    spdlog::error("stored file of {} cannot be decoded: {}",
                                                  args.id, pf.status().ToString());
                                    return false;
                                  }
                                  found = true;
                                  if (args.json) {
                                    std::cout << PetitionFileJson(*pf) << "\n";
                                  } else {
                                    PrintPetitionFile(*pf, std::cout);
                                  }
                                  return false;
                                }
                                auto file = state::DecodeWorkerFile(bytes);
                                if (!file.ok()) {
                                  spdlog::error("stored file of {} cannot be decoded: {}", args.id,
                                                file.status().ToString());
                                  return false;
                                }
                                found = true;
                                if (args.json) {
                                  std::cout << WorkerFileJson(*file) << "\n";
                                } else {
                                  PrintWorkerFile(*file, std::cout);
                                }
                                return false;
                              });
  if (!st.ok()) {
    spdlog::error("reading state failed: {}", st.ToString());
    return 1;
  }
  if (!found) {
    std::cerr << "no file for " << args.kind << " " << args.id << " in " << args.state_dir << "\n";
    return 3;
  }
  return 0;
}

}  // namespace careloop::app
