// The RocksDB implementation of Store. Key layout: keys.h; tuning: rocks_options.h.
#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>

#include "careloop/state/store.h"
#include "state/blob_gc.h"
#include "state/fault_fs.h"
#include "state/keys.h"
#include "state/outbox_layout.h"
#include "state/rocks_options.h"
#include "state/rocks_store_testing.h"

namespace careloop::state {
namespace {

std::string_view View(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

class RocksStore final : public Store {
 public:
  RocksStore(StoreOptions options, RocksOptions rocks)
      : options_(std::move(options)), rocks_(std::move(rocks)) {}
  ~RocksStore() override;

  Status Open();

  Result<std::optional<std::string>> GetEntity(EntityKind kind, std::int32_t partition,
                                               std::string_view id) override {
    return Get(kEntities, keys::Entity(kind, partition, id));
  }
  Result<bool> IsSeen(std::int32_t partition, std::string_view event_id) override;
  Result<std::optional<std::int64_t>> GetOffset(std::string_view topic,
                                                std::int32_t partition) override;
  Result<std::optional<std::string>> GetMeta(std::string_view key) override {
    return Get(kDefault, keys::Meta(key));
  }
  std::uint64_t NextOutboxSeq() const override { return next_seq_.load(); }
  Status ForEachOutbox(const std::function<bool(const OutboxEntry&)>& fn) override;
  Status ForEachDueTimerAfter(const Timer* after, TimeMs until,
                              const std::function<bool(const Timer&)>& fn) override;
  Status ForEachEntity(
      EntityKind kind,
      const std::function<bool(std::int32_t, std::string_view, std::string_view)>& fn) override;
  Status Apply(const WriteSet& set) override;
  std::uint64_t ApproximateSizeBytes() const override;
  std::uint64_t BlockCacheUsageBytes() const override { return rocks_.cache->GetUsage(); }

 private:
  Result<std::optional<std::string>> Get(Family f, const std::string& key);
  Status RocksError(std::string_view what, const rocksdb::Status& s) const {
    return Status::IoError(
        fmt::format("state store {}: {} failed: {}", options_.path, what, s.ToString()));
  }
  Status CheckFormat();
  Status BuildBatch(const WriteSet& set, rocksdb::WriteBatch* batch, std::uint64_t* next_seq);
  // Moves the blob GC age cutoff towards options_.blob_garbage_target (blob_gc.h).
  // REQUIRES: failed_mu_ held.
  void TuneBlobGc();

  const StoreOptions options_;
  RocksOptions rocks_;  // owns the cache and buffer budget the DB uses
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> cf_;  // in Family order; owned, freed in ~
  std::atomic<std::uint64_t> next_seq_{1};

  std::mutex failed_mu_;
  Status failed_;  // the first failed write; guarded by failed_mu_
  // The outbox's groups (outbox_layout.h); guarded by failed_mu_ (Apply). Planned ahead
  // of each write: a failed write latches failed_, so it is never used again then.
  OutboxLayout outbox_;
  std::vector<OutboxLayout::Write> outbox_writes_;  // guarded by failed_mu_ (reused buffer)
  // Reused by each Apply, guarded by failed_mu_: the batch keeps its capacity (a step's
  // batch is megabytes; growing a new one copied it at each doubling, into fresh pages),
  // and a group's value goes in as slices of its entries' own bytes.
  rocksdb::WriteBatch batch_;
  std::string group_prefixes_;
  std::vector<std::string_view> group_pieces_;
  std::vector<rocksdb::Slice> group_slices_;
  // Blob GC (blob_gc.h), guarded by failed_mu_: the cutoff in force, and the writes
  // since the last look at the garbage.
  double gc_cutoff_ = options_.blob_gc_age_cutoff;
  int writes_since_gc_check_ = 0;

  // Where timer scans start. Fired timers are deleted, and a scan from the first key
  // would step over every tombstone they left (O(timers ever fired) per scan, which made
  // replay and the deadline tick slow). The floor is a key at or below the first live
  // timer: a scan raises it to the first live key it finds, an Apply that puts a timer
  // below it lowers it. `timer_gen_` counts Applies that put timers, so a scan that raced
  // with one does not raise the floor past a timer it did not see.
  std::mutex timer_mu_;
  std::string timer_floor_;      // "" = unknown: scan from the first key; guarded by timer_mu_
  std::uint64_t timer_gen_ = 0;  // guarded by timer_mu_
};

RocksStore::~RocksStore() {
  if (!db_) return;
  // Flush the memtables so the next open need not replay the WAL into new memtables and
  // flush them to L0 before it can serve (with a large write-buffer budget that replay
  // was most of the restart time). After a crash the WAL still covers everything.
  bool healthy = false;
  {
    std::lock_guard<std::mutex> lock(failed_mu_);
    healthy = failed_.ok();
  }
  if (!options_.read_only && healthy) {
    rocksdb::FlushOptions fo;
    fo.allow_write_stall = true;
    rocksdb::Status s = db_->Flush(fo, cf_);
    if (!s.ok()) spdlog::warn("state store {}: flush on close: {}", options_.path, s.ToString());
  }
  for (rocksdb::ColumnFamilyHandle* h : cf_) {
    rocksdb::Status s = db_->DestroyColumnFamilyHandle(h);
    if (!s.ok())
      spdlog::warn("state store {}: releasing a column family: {}", options_.path, s.ToString());
  }
  rocksdb::Status s = db_->Close();
  // After a failed write RocksDB is in read-only mode and reports it again here.
  if (!s.ok()) spdlog::warn("state store {}: close: {}", options_.path, s.ToString());
}

Status RocksStore::Open() {
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (options_.read_only) {
    s = rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(rocks_.db), options_.path, rocks_.families,
                                     &cf_, &raw);
  } else {
    s = rocksdb::DB::Open(rocksdb::DBOptions(rocks_.db), options_.path, rocks_.families, &cf_,
                          &raw);
  }
  if (!s.ok()) {
    return Status::IoError(fmt::format("cannot open the state store at {}{}: {}", options_.path,
                                       options_.read_only ? " (read-only)" : "", s.ToString()));
  }
  db_.reset(raw);
  CARELOOP_RETURN_IF_ERROR(CheckFormat());

  auto seq = Get(kDefault, std::string(keys::kOutboxNextSeq));
  if (!seq.ok()) return seq.status();
  if (seq->has_value()) {
    std::uint64_t v = 0;
    if (!keys::ParseFixed64Value(**seq, &v)) {
      return Status::Corruption(
          fmt::format("state store {}: malformed outbox sequence counter", options_.path));
    }
    next_seq_ = v;
  }
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf_[kOutbox]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Status st = outbox_.Load(View(it->key()), View(it->value()));
    if (!st.ok())
      return Status::Corruption(fmt::format("state store {}: {}", options_.path, st.message()));
  }
  if (!it->status().ok()) return RocksError("outbox scan", it->status());
  return Status::Ok();
}

// A new store gets the format marker; an existing one must carry the one this code reads.
Status RocksStore::CheckFormat() {
  auto format = Get(kDefault, std::string(keys::kFormat));
  if (!format.ok()) return format.status();
  if (format->has_value()) {
    if (**format == keys::kFormatVersion) return Status::Ok();
    return Status::Corruption(
        fmt::format("state store {}: unsupported store format '{}'", options_.path, **format));
  }
  if (options_.read_only) return Status::Ok();
  rocksdb::WriteOptions wo;
  wo.sync = true;
  rocksdb::Status s = db_->Put(wo, cf_[kDefault], keys::kFormat, keys::kFormatVersion);
  if (!s.ok()) return RocksError("writing the format marker", s);
  return Status::Ok();
}

Result<std::optional<std::string>> RocksStore::Get(Family f, const std::string& key) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf_[f], key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return RocksError("read", s);
  return std::optional<std::string>(std::move(value));
}

Result<bool> RocksStore::IsSeen(std::int32_t partition, std::string_view event_id) {
  auto v = Get(kSeen, keys::Seen(partition, event_id));
  if (!v.ok()) return v.status();
  return v->has_value();
}

Result<std::optional<std::int64_t>> RocksStore::GetOffset(std::string_view topic,
                                                          std::int32_t partition) {
  auto v = Get(kDefault, keys::Offset(topic, partition));
  if (!v.ok()) return v.status();
  if (!v->has_value()) return std::optional<std::int64_t>();
  std::uint64_t off = 0;
  if (!keys::ParseFixed64Value(**v, &off)) {
    return Status::Corruption(
        fmt::format("state store {}: malformed offset of {}[{}]", options_.path, topic, partition));
  }
  return std::optional<std::int64_t>(static_cast<std::int64_t>(off));
}

Status RocksStore::ForEachOutbox(const std::function<bool(const OutboxEntry&)>& fn) {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf_[kOutbox]));
  OutboxLayout::Reader reader(fn);
  bool more = true;
  for (it->SeekToFirst(); more && it->Valid(); it->Next()) {
    more = reader.Visit(View(it->key()), View(it->value()));
  }
  if (more) reader.Finish();
  if (!reader.status().ok()) {
    return Status::Corruption(
        fmt::format("state store {}: {}", options_.path, reader.status().message()));
  }
  if (!it->status().ok()) return RocksError("outbox scan", it->status());
  return Status::Ok();
}

Status RocksStore::ForEachDueTimerAfter(const Timer* after, TimeMs until,
                                        const std::function<bool(const Timer&)>& fn) {
  const std::string bound = keys::TimerKeyAfter(until);
  rocksdb::Slice upper(bound);
  rocksdb::ReadOptions ro;
  if (!bound.empty()) ro.iterate_upper_bound = &upper;
  std::string floor;
  std::uint64_t gen = 0;
  {
    std::lock_guard<std::mutex> lock(timer_mu_);
    floor = timer_floor_;
    gen = timer_gen_;
  }
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf_[kTimers]));
  std::string resume;
  if (after != nullptr) resume = keys::Timer(after->due, after->timer_id) + '\0';
  if (resume > floor) {
    // Resuming: what lies before `resume` is the caller's, so the floor learns nothing.
    it->Seek(resume);
  } else if (floor.empty()) {
    it->SeekToFirst();
  } else {
    it->Seek(floor);
  }
  // The first live key at or after the floor (or, if none is due, the bound: no live
  // timer lies below it).
  std::string first = it->Valid() ? it->key().ToString() : (it->status().ok() ? bound : "");
  if (resume <= floor && !first.empty() && first > floor) {
    std::lock_guard<std::mutex> lock(timer_mu_);
    if (timer_gen_ == gen && first > timer_floor_) timer_floor_ = std::move(first);
  }
  for (; it->Valid(); it->Next()) {
    Timer t;
    std::string_view id, payload;
    if (!keys::ParseTimer(View(it->key()), &t.due, &id) ||
        !keys::ParseTimerValue(View(it->value()), &t.partition, &payload)) {
      return Status::Corruption(fmt::format("state store {}: malformed timer", options_.path));
    }
    t.timer_id.assign(id);
    t.payload.assign(payload);
    if (!fn(t)) break;
  }
  if (!it->status().ok()) return RocksError("timer scan", it->status());
  return Status::Ok();
}

Status RocksStore::ForEachEntity(
    EntityKind kind,
    const std::function<bool(std::int32_t, std::string_view, std::string_view)>& fn) {
  const std::string prefix = keys::EntityPrefix(kind);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf_[kEntities]));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    EntityKind k;
    std::int32_t partition = 0;
    std::string_view id;
    if (!keys::ParseEntity(View(it->key()), &k, &partition, &id)) {
      return Status::Corruption(fmt::format("state store {}: malformed entity key", options_.path));
    }
    if (!fn(partition, id, View(it->value()))) break;
  }
  if (!it->status().ok()) return RocksError("entity scan", it->status());
  return Status::Ok();
}

// The batch order is the apply order (see Store::Apply).
Status RocksStore::BuildBatch(const WriteSet& set, rocksdb::WriteBatch* b,
                              std::uint64_t* next_seq) {
  rocksdb::Status s;
  auto step = [&s](rocksdb::Status r) {
    if (s.ok()) s = std::move(r);
  };
  for (const auto& e : set.entities) {
    step(b->Put(cf_[kEntities], keys::Entity(e.kind, e.partition, e.id), e.bytes));
  }
  for (const auto& e : set.seen) step(b->Put(cf_[kSeen], keys::Seen(e.partition, e.event_id), ""));
  for (const auto& e : set.outbox_add) *next_seq = std::max(*next_seq, e.seq + 1);
  outbox_writes_.clear();
  outbox_.Plan(set, &outbox_writes_);
  for (const auto& w : outbox_writes_) {
    if (w.is_group()) {
      keys::OutboxGroupPieces(set.outbox_add, w.group_begin, w.group_end, &group_prefixes_,
                              &group_pieces_);
      group_slices_.assign(group_pieces_.begin(), group_pieces_.end());
      const rocksdb::Slice key(w.key);
      step(b->Put(
          cf_[kOutbox], rocksdb::SliceParts(&key, 1),
          rocksdb::SliceParts(group_slices_.data(), static_cast<int>(group_slices_.size()))));
    } else if (w.value) {
      step(b->Put(cf_[kOutbox], w.key, *w.value));
    } else {
      step(b->Delete(cf_[kOutbox], w.key));
    }
  }
  for (const auto& t : set.timers_remove) {
    step(b->Delete(cf_[kTimers], keys::Timer(t.due, t.timer_id)));
  }
  for (const auto& t : set.timers_put) {
    step(b->Put(cf_[kTimers], keys::Timer(t.due, t.timer_id),
                keys::TimerValue(t.partition, t.payload)));
  }
  for (const auto& o : set.offsets) {
    step(b->Put(cf_[kDefault], keys::Offset(o.topic, o.partition),
                keys::Fixed64Value(static_cast<std::uint64_t>(o.next_offset))));
  }
  for (const auto& [k, v] : set.meta) step(b->Put(cf_[kDefault], keys::Meta(k), v));
  if (*next_seq != next_seq_.load()) {
    step(b->Put(cf_[kDefault], keys::kOutboxNextSeq, keys::Fixed64Value(*next_seq)));
  }
  if (!s.ok()) return RocksError("building a write batch", s);
  return Status::Ok();
}

Status RocksStore::Apply(const WriteSet& set) {
  if (options_.read_only) {
    return Status::InvalidArgument(fmt::format("state store {} is open read-only", options_.path));
  }
  std::lock_guard<std::mutex> lock(failed_mu_);
  if (!failed_.ok()) return failed_;
  if (set.empty()) return Status::Ok();

  batch_.Clear();
  std::uint64_t next_seq = next_seq_.load();
  Status st = BuildBatch(set, &batch_, &next_seq);
  if (st.ok()) {
    rocksdb::WriteOptions wo;
    wo.sync = options_.sync_writes;
    rocksdb::Status s = db_->Write(wo, &batch_);
    if (!s.ok()) st = RocksError("write", s);
  }
  // An unusually large step (a long backlog read in one poll) does not pin its size.
  constexpr std::size_t kKeepBatchBytes = 64u << 20;
  if (batch_.Data().capacity() > kKeepBatchBytes) batch_ = rocksdb::WriteBatch();
  if (!st.ok()) {
    failed_ = Status::IoError(st.message() + "; the store refuses further writes");
    return failed_;
  }
  next_seq_ = next_seq;
  constexpr int kGcCheckEvery = 64;
  if (options_.blob_garbage_target > 0 && ++writes_since_gc_check_ >= kGcCheckEvery) {
    writes_since_gc_check_ = 0;
    TuneBlobGc();
  }
  if (!set.timers_put.empty()) {
    std::lock_guard<std::mutex> lock(timer_mu_);
    ++timer_gen_;
    for (const auto& t : set.timers_put) {
      if (timer_floor_.empty()) break;
      std::string key = keys::Timer(t.due, t.timer_id);
      if (key < timer_floor_) timer_floor_ = std::move(key);
    }
  }
  return Status::Ok();
}

void RocksStore::TuneBlobGc() {
  std::uint64_t blob = 0, garbage = 0;
  if (!db_->GetIntProperty(cf_[kEntities], "rocksdb.live-blob-file-size", &blob) ||
      !db_->GetIntProperty(cf_[kEntities], "rocksdb.live-blob-file-garbage-size", &garbage)) {
    return;  // a metric RocksDB cannot give: the cutoff stays
  }
  const double next = NextBlobGcCutoff(gc_cutoff_, blob, garbage, options_.blob_garbage_target);
  if (next == gc_cutoff_) return;
  rocksdb::Status s = db_->SetOptions(
      cf_[kEntities], {{"blob_garbage_collection_age_cutoff", fmt::format("{}", next)}});
  if (!s.ok()) {
    spdlog::warn("state store {}: setting the blob GC cutoff: {}", options_.path, s.ToString());
    return;
  }
  spdlog::debug("state store {}: blob GC cutoff {} -> {} (garbage {} of {} blob bytes)",
                options_.path, gc_cutoff_, next, garbage, blob);
  gc_cutoff_ = next;
}

std::uint64_t RocksStore::ApproximateSizeBytes() const {
  std::uint64_t sst = 0, blob = 0, mem = 0;
  // A property RocksDB cannot give leaves its part at 0: this is a metric, not a decision.
  if (!db_->GetAggregatedIntProperty("rocksdb.total-sst-files-size", &sst)) sst = 0;
  if (!db_->GetAggregatedIntProperty("rocksdb.total-blob-file-size", &blob)) blob = 0;
  if (!db_->GetAggregatedIntProperty("rocksdb.cur-size-all-mem-tables", &mem)) mem = 0;
  return sst + blob + mem;
}

}  // namespace

Result<std::unique_ptr<Store>> OpenRocksStoreWithEnv(const StoreOptions& options,
                                                     rocksdb::Env* env) {
  if (options.path.empty()) {
    return Status::InvalidArgument("the state store needs a directory (StoreOptions::path)");
  }
  auto store = std::make_unique<RocksStore>(options, MakeRocksOptions(options, env));
  CARELOOP_RETURN_IF_ERROR(store->Open());
  return std::unique_ptr<Store>(std::move(store));
}

Result<std::unique_ptr<Store>> OpenRocksStore(const StoreOptions& options) {
  auto env = FaultEnvFromEnvironment();  // nullptr unless CARELOOP_FAULT_FS is set (tests)
  if (!env.ok()) return env.status();
  return OpenRocksStoreWithEnv(options, *env);
}

}  // namespace careloop::state
