// Store: the durable state behind the processor, and its seam. Two implementations:
// RocksDB (OpenRocksStore) and an in-memory twin (NewMemoryStore) for unit tests of
// logic and for `replay`; one contract test runs against both.
//
// Everything one processing step changes (entity files, seen event ids, outbox entries
// added or removed, timers, consumed offsets) goes into one WriteSet, applied atomically
// (one RocksDB WriteBatch): after a crash either all of it is there or none of it.
//
// Keys carry the input partition, so one partition's state can move to another process.
//
// Thread-safety: a Store may be read from several threads (e.g. the HTTP API) while one
// thread (the processor) calls Apply. WriteSet is a plain value, not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "careloop/status.h"
#include "careloop/time.h"

namespace careloop::state {

enum class EntityKind : char { kWorker = 'W', kPetition = 'P' };

struct OutboxEntry {
  std::uint64_t seq = 0;  // assigned by the writer, strictly increasing
  std::string topic;
  std::string key;
  std::string value;  // the JSON record
  std::string id;     // the record's deterministic id
};

struct Timer {
  TimeMs due = 0;        // may be negative; timers sort by due, then timer_id (bytewise)
  std::string timer_id;  // a timer is (due, timer_id): putting the same pair replaces it
  std::int32_t partition = 0;
  std::string payload;  // opaque to the store
};

class WriteSet {
 public:
  void PutEntity(EntityKind kind, std::int32_t partition, std::string_view id, std::string bytes);
  void MarkSeen(std::int32_t partition, std::string_view event_id);
  void AddOutbox(OutboxEntry entry);
  void RemoveOutbox(std::uint64_t seq);
  void PutTimer(Timer timer);
  void RemoveTimer(TimeMs due, std::string_view timer_id);
  void SetOffset(std::string_view topic, std::int32_t partition, std::int64_t next_offset);
  void PutMeta(std::string_view key, std::string value);

  bool empty() const;
  void Clear();

  struct EntityPut {
    EntityKind kind;
    std::int32_t partition;
    std::string id;
    std::string bytes;
  };
  struct Seen {
    std::int32_t partition;
    std::string event_id;
  };
  struct TimerRef {
    TimeMs due;
    std::string timer_id;
  };
  struct Offset {
    std::string topic;
    std::int32_t partition;
    std::int64_t next_offset;
  };
  std::vector<EntityPut> entities;
  std::vector<Seen> seen;
  std::vector<OutboxEntry> outbox_add;
  std::vector<std::uint64_t> outbox_remove;
  std::vector<Timer> timers_put;
  std::vector<TimerRef> timers_remove;
  std::vector<Offset> offsets;
  std::vector<std::pair<std::string, std::string>> meta;
};

struct StoreOptions {
  std::string path;                   // the state directory
  std::size_t block_cache_mb = 256;   // Default: 256. One cache shared by all column families.
  std::size_t write_buffer_mb = 128;  // Default: 128. Total memtable budget (WriteBufferManager).
  bool sync_writes = false;           // Default: false (WAL written, not fsynced per batch)
  // Default: true. LZ4 worker files in their blob files: half the disk, and at 1 M
  // workers ~12 % less CPU per event than uncompressed (twice the bytes flushed, garbage
  // collected and read back); at 200 k uncompressed was ~5 % cheaper.
  bool compress_worker_files = true;
  // Default: 0.3. Blob garbage collection (state/blob_gc.h): the share of the worker
  // files' blob bytes that may be garbage. The store moves RocksDB's GC age cutoff to
  // hold it (checked every 64 writes): lower keeps less disk for more compaction. 0: no
  // moving, the cutoff stays at blob_gc_age_cutoff. Within [0, 1).
  double blob_garbage_target = 0.3;
  // Default: 0.1. The GC age cutoff at open (and for good when blob_garbage_target is 0):
  // a compaction rewrites the live worker files it meets in the oldest this-share of blob
  // files. Every compaction of the worker-file keys meets them all, so a fixed cutoff
  // rewrites that share of all live files each time, work that grows with the
  // population: at 1 M workers 0.25 (RocksDB's default) gave compaction about 0.4 of the
  // pipeline's CPU, 0.1 about half as much (benchmarks/RESULTS.md). Within (0, 1].
  double blob_gc_age_cutoff = 0.1;
  bool read_only = false;  // Default: false. `inspect` opens read-only.
};

class Store {
 public:
  virtual ~Store() = default;

  // NotFound is not an error: an absent key gives std::nullopt.
  virtual Result<std::optional<std::string>> GetEntity(EntityKind kind, std::int32_t partition,
                                                       std::string_view id) = 0;
  virtual Result<bool> IsSeen(std::int32_t partition, std::string_view event_id) = 0;
  virtual Result<std::optional<std::int64_t>> GetOffset(std::string_view topic,
                                                        std::int32_t partition) = 0;
  virtual Result<std::optional<std::string>> GetMeta(std::string_view key) = 0;

  // The next free outbox sequence number: one past the highest ever added (1 for a new
  // store). Never goes back, even when entries are removed; persisted with each Apply
  // that adds entries.
  virtual std::uint64_t NextOutboxSeq() const = 0;
  // Outbox entries in seq order; `fn` returns false to stop.
  virtual Status ForEachOutbox(const std::function<bool(const OutboxEntry&)>& fn) = 0;
  // Timers with due <= until, in (due, timer_id) order; `fn` returns false to stop.
  Status ForEachDueTimer(TimeMs until, const std::function<bool(const Timer&)>& fn) {
    return ForEachDueTimerAfter(nullptr, until, fn);
  }
  // The same, starting strictly after the timer (after->due, after->timer_id) when
  // `after` is given: how a caller resumes a scan without visiting again what it has
  // already consumed.
  virtual Status ForEachDueTimerAfter(const Timer* after, TimeMs until,
                                      const std::function<bool(const Timer&)>& fn) = 0;
  // Every entity of a kind (any partition), in key order; `fn` returns false to stop.
  virtual Status ForEachEntity(EntityKind kind,
                               const std::function<bool(std::int32_t partition, std::string_view id,
                                                        std::string_view bytes)>& fn) = 0;

  // Atomic. On failure nothing of `set` is applied and the store must not be used for
  // further writes (the caller stops before any offset moves).
  //
  // Within one set, changes apply in this order (later wins on the same key): entities,
  // seen ids, outbox additions, outbox removals, timer removals, timer puts, offsets,
  // meta. So an entry added and removed in one set is gone, and a timer removed and put
  // again in one set stays.
  //
  // RocksDB: a failed write returns IoError with RocksDB's reason, and every later Apply
  // returns that same error; a read-only store returns InvalidArgument (and stays usable
  // for reads). Reads and ForEach* callbacks may run while another thread applies; a
  // callback may read the store.
  virtual Status Apply(const WriteSet& set) = 0;

  // Approximate figures for metrics: bytes on disk, block-cache usage.
  virtual std::uint64_t ApproximateSizeBytes() const = 0;
  virtual std::uint64_t BlockCacheUsageBytes() const = 0;
};

// Opens (creating when missing, unless read_only) the store in options.path. Errors
// name the path and RocksDB's reason (a missing directory on a read-only open, another
// process holding the LOCK, a store of another format: Corruption).
Result<std::unique_ptr<Store>> OpenRocksStore(const StoreOptions& options);
// The in-memory twin: the same keys, order and semantics, nothing on disk; for tests and
// `replay`. Thread-safety as above (a shared mutex).
std::unique_ptr<Store> NewMemoryStore();

}  // namespace careloop::state
