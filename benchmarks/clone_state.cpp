#include "clone_state.h"

#include <fmt/format.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <unordered_map>
#include <vector>

#include "bench.h"
#include "careloop/state/store.h"
#include "careloop/state/worker_file.h"

namespace careloop::bench {
namespace fs = std::filesystem;
namespace {

// Mirrors src/state/keys.h (entities: kind char + be32 partition + id) and the family
// names of src/state/rocks_options.cpp, which benchmarks cannot include.
constexpr const char* kEntities = "entities";
constexpr char kWorkerKind = static_cast<char>(state::EntityKind::kWorker);
constexpr std::size_t kTableFileBytes = 64u << 20;  // RocksDB's target_file_size_base
constexpr std::size_t kBatchBytes = 64u << 20;

std::string WorkerKey(std::int32_t partition, std::string_view id) {
  std::string k(1, kWorkerKind);
  const auto p = static_cast<std::uint32_t>(partition);
  for (int i = 3; i >= 0; --i) k.push_back(static_cast<char>((p >> (8 * i)) & 0xff));
  k.append(id);
  return k;
}

Status Rocks(const std::string& what, const rocksdb::Status& s) {
  if (s.ok()) return Status::Ok();
  return Status::IoError(fmt::format("cloned state: {}: {}", what, s.ToString()));
}

// A DB and its column family handles, closed in the right order.
struct Db {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  std::vector<std::string> names;
  Db() = default;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db() { Close(); }
  void Close() {
    if (!db) return;
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    handles.clear();
    db->Close().PermitUncheckedError();
    db.reset();
  }
  rocksdb::ColumnFamilyHandle* Family(std::string_view name) const {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return handles[i];
    }
    return nullptr;
  }
};

// The table options careloop's own store uses for point-lookup families (bloom filter of
// 10 bits per key, the same compression), so the ingested tables read as its own do.
rocksdb::ColumnFamilyOptions TableOptions() {
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions cf;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  const auto supported = rocksdb::GetSupportedCompressions();
  cf.compression = rocksdb::kNoCompression;
  for (auto c : {rocksdb::kLZ4Compression, rocksdb::kSnappyCompression}) {
    if (std::find(supported.begin(), supported.end(), c) != supported.end()) {
      cf.compression = c;
      break;
    }
  }
  return cf;
}

double DirMb(const std::string& dir) {
  std::error_code ec;
  std::uintmax_t bytes = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) bytes += e.file_size(ec);
  }
  return bytes / 1048576.0;
}

struct Entry {
  std::string key;
  std::string value;
};

struct Clone {
  std::string key;
  std::uint32_t source;  // index into the base entries
  std::uint64_t index;   // the clone's worker index
};

}  // namespace

Status LinkCopyState(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::remove_all(to, ec);
  if (!fs::is_directory(from, ec)) {
    return Status::NotFound(fmt::format("copy of state {}: not a directory", from));
  }
  fs::create_directories(to, ec);
  if (ec) return Status::IoError(fmt::format("copy of state: create {}: {}", to, ec.message()));
  bool warned = false;
  for (const auto& e : fs::directory_iterator(from, ec)) {
    const fs::path target = fs::path(to) / e.path().filename();
    const std::string name = e.path().filename().string();
    if (name == "LOCK") continue;  // RocksDB creates its own
    std::error_code fe;
    if (e.is_directory(fe)) {
      fs::copy(e.path(), target, fs::copy_options::recursive, fe);
    } else {
      const std::string ext = e.path().extension().string();
      if (ext == ".sst" || ext == ".blob") {
        fs::create_hard_link(e.path(), target, fe);
        if (!fe) continue;
        if (!warned) {
          spdlog::warn("copy of state {}: cannot hard-link table files ({}); copying them", from,
                       fe.message());
          warned = true;
        }
        fe.clear();
      }
      fs::copy_file(e.path(), target, fs::copy_options::overwrite_existing, fe);
    }
    if (fe) {
      return Status::IoError(
          fmt::format("copy of state {} to {}: {}: {}", from, to, name, fe.message()));
    }
  }
  if (ec) return Status::IoError(fmt::format("copy of state: list {}: {}", from, ec.message()));
  return Status::Ok();
}

Result<CloneResult> CloneState(const std::string& base_dir, std::uint64_t base_workers,
                               std::uint64_t workers, int partitions, const std::string& dir) {
  if (base_workers == 0 || workers <= base_workers) {
    return Status::InvalidArgument(
        fmt::format("cloned state: {} workers from a base of {}", workers, base_workers));
  }
  const auto start = SteadyClock::now();
  CloneResult r;
  const rocksdb::ColumnFamilyOptions cfo = TableOptions();

  // The base, read-only (its WAL is replayed in memory, not changed).
  Db base;
  CARELOOP_RETURN_IF_ERROR(
      Rocks("list the families of " + base_dir,
            rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), base_dir, &base.names)));
  if (std::find(base.names.begin(), base.names.end(), kEntities) == base.names.end()) {
    return Status::Corruption(fmt::format("cloned state: {} has no entities family", base_dir));
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (const auto& n : base.names) descs.emplace_back(n, cfo);
  {
    rocksdb::DB* raw = nullptr;
    CARELOOP_RETURN_IF_ERROR(Rocks(
        "open the base " + base_dir,
        rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), base_dir, descs, &base.handles, &raw)));
    base.db.reset(raw);
  }

  // The result: the same families, created empty.
  fs::remove_all(dir);
  Db out;
  out.names = base.names;
  {
    rocksdb::DBOptions o;
    o.create_if_missing = true;
    o.create_missing_column_families = true;
    o.error_if_exists = true;
    rocksdb::DB* raw = nullptr;
    CARELOOP_RETURN_IF_ERROR(
        Rocks("create " + dir, rocksdb::DB::Open(o, dir, descs, &out.handles, &raw)));
    out.db.reset(raw);
  }

  // Every family but the entities: copied as is (WAL off, flushed at the end).
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;
  std::vector<Entry> entities;  // the base's, in key order
  for (std::size_t f = 0; f < base.names.size(); ++f) {
    std::unique_ptr<rocksdb::Iterator> it(
        base.db->NewIterator(rocksdb::ReadOptions(), base.handles[f]));
    const bool is_entities = base.names[f] == kEntities;
    rocksdb::WriteBatch batch;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (is_entities) {
        entities.push_back({it->key().ToString(), it->value().ToString()});
        continue;
      }
      CARELOOP_RETURN_IF_ERROR(
          Rocks("copy " + base.names[f], batch.Put(out.handles[f], it->key(), it->value())));
      if (batch.GetDataSize() > kBatchBytes) {
        CARELOOP_RETURN_IF_ERROR(Rocks("write " + base.names[f], out.db->Write(wo, &batch)));
        batch.Clear();
      }
    }
    CARELOOP_RETURN_IF_ERROR(Rocks("read " + base.names[f], it->status()));
    if (batch.Count() > 0) {
      CARELOOP_RETURN_IF_ERROR(Rocks("write " + base.names[f], out.db->Write(wo, &batch)));
    }
  }
  CARELOOP_RETURN_IF_ERROR(Rocks("flush", out.db->Flush(rocksdb::FlushOptions(), out.handles)));

  // The base's worker files by id.
  std::unordered_map<std::string_view, std::uint32_t> by_id;
  by_id.reserve(entities.size());
  for (std::uint32_t i = 0; i < entities.size(); ++i) {
    const std::string& k = entities[i].key;
    if (k.size() > 5 && k[0] == kWorkerKind) by_id.emplace(std::string_view(k).substr(5), i);
  }
  r.base_workers = by_id.size();
  spdlog::info("cloned state: {} base entities read in {:.1f} s", entities.size(),
               SecondsSince(start));

  // The clones' keys, sorted.
  std::vector<Clone> clones;
  clones.reserve(workers - base_workers);
  for (std::uint64_t j = base_workers; j < workers; ++j) {
    auto src = by_id.find(WorkerId(j % base_workers));
    if (src == by_id.end()) continue;
    const std::string id = WorkerId(j);
    clones.push_back({WorkerKey(KafkaPartition(id, partitions), id), src->second, j});
  }
  std::sort(clones.begin(), clones.end(),
            [](const Clone& a, const Clone& b) { return a.key < b.key; });
  spdlog::info("cloned state: {} clone keys sorted at {:.1f} s", clones.size(),
               SecondsSince(start));

  // Base entities and clones merged in key order into table files of ~64 MiB (the size compaction
  // makes).
  const rocksdb::Options so(rocksdb::DBOptions(), cfo);
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), so);
  std::vector<std::string> files;
  bool open = false;
  std::uint64_t worker_bytes = 0;
  auto put = [&](const std::string& key, const std::string& value) -> Status {
    if (!open) {
      files.push_back((fs::path(dir) / fmt::format("clone-{:05d}.sst", files.size())).string());
      CARELOOP_RETURN_IF_ERROR(Rocks("open " + files.back(), writer.Open(files.back())));
      open = true;
    }
    CARELOOP_RETURN_IF_ERROR(Rocks("write " + files.back(), writer.Put(key, value)));
    if (!key.empty() && key[0] == kWorkerKind) {
      ++r.workers;
      worker_bytes += value.size();
    }
    if (writer.FileSize() > kTableFileBytes) {
      CARELOOP_RETURN_IF_ERROR(Rocks("finish " + files.back(), writer.Finish()));
      open = false;
    }
    return Status::Ok();
  };
  auto last_log = SteadyClock::now();
  std::size_t b = 0;
  for (std::size_t c = 0; b < entities.size() || c < clones.size();) {
    if (c == clones.size() || (b < entities.size() && entities[b].key <= clones[c].key)) {
      // A clone whose key a base entity already has (an odd id of bad input) is dropped.
      if (c < clones.size() && entities[b].key == clones[c].key) ++c;
      CARELOOP_RETURN_IF_ERROR(put(entities[b].key, entities[b].value));
      ++b;
      continue;
    }
    const Clone& cl = clones[c++];
    auto file = state::DecodeWorkerFile(entities[cl.source].value);
    if (!file.ok()) {
      return Status::Corruption(fmt::format("cloned state: a base worker file does not decode: {}",
                                            file.status().ToString()));
    }
    file->worker_id = WorkerId(cl.index);
    CARELOOP_RETURN_IF_ERROR(put(cl.key, state::EncodeWorkerFile(*file)));
    ++r.clones;
    if (SteadyClock::now() - last_log > std::chrono::seconds(30)) {
      last_log = SteadyClock::now();
      spdlog::info("cloned state: {} of {} clones written at {:.0f} s", r.clones, clones.size(),
                   SecondsSince(start));
    }
  }
  if (open) CARELOOP_RETURN_IF_ERROR(Rocks("finish " + files.back(), writer.Finish()));
  const bool last_has_source = by_id.count(WorkerId((workers - 1) % base_workers)) > 0;
  by_id.clear();
  entities.clear();
  entities.shrink_to_fit();
  clones.clear();
  clones.shrink_to_fit();

  if (!files.empty()) {
    rocksdb::IngestExternalFileOptions io;
    io.move_files = true;
    CARELOOP_RETURN_IF_ERROR(
        Rocks("ingest the entities", out.db->IngestExternalFile(out.Family(kEntities), files, io)));
  }
  // Close both before the check below opens the result through careloop's store.
  base.Close();
  out.Close();
  r.worker_file_bytes = r.workers ? static_cast<double>(worker_bytes) / r.workers : 0;
  r.seconds = SecondsSince(start);
  r.store_mb = DirMb(dir);

  // The result opens as a state store (format marker checked) and finds the last clone.
  state::StoreOptions sto;
  sto.path = dir;
  auto store = state::OpenRocksStore(sto);
  if (!store.ok()) return store.status();
  const std::string last = WorkerId(workers - 1);
  auto got =
      (*store)->GetEntity(state::EntityKind::kWorker, KafkaPartition(last, partitions), last);
  if (!got.ok()) return got.status();
  if (got->has_value()) {
    auto f = state::DecodeWorkerFile(**got);
    if (!f.ok() || f->worker_id != last) {
      return Status::Corruption("cloned state: the last clone does not read back");
    }
  } else if (last_has_source) {
    return Status::Corruption("cloned state: the last clone is missing");
  }
  return r;
}

}  // namespace careloop::bench
