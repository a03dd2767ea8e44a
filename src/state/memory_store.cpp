// The in-memory twin of the RocksDB store: the same keys and values (keys.h) in one
// ordered map per column family, so iteration order and apply order match exactly.
#include <algorithm>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include "careloop/state/store.h"
#include "state/keys.h"
#include "state/outbox_layout.h"

namespace careloop::state {
namespace {

using Table = std::map<std::string, std::string, std::less<>>;

class MemoryStore final : public Store {
 public:
  Result<std::optional<std::string>> GetEntity(EntityKind kind, std::int32_t partition,
                                               std::string_view id) override {
    return Get(entities_, keys::Entity(kind, partition, id));
  }
  Result<bool> IsSeen(std::int32_t partition, std::string_view event_id) override {
    std::shared_lock lock(mu_);
    return seen_.count(keys::Seen(partition, event_id)) > 0;
  }
  Result<std::optional<std::int64_t>> GetOffset(std::string_view topic,
                                                std::int32_t partition) override;
  Result<std::optional<std::string>> GetMeta(std::string_view key) override {
    return Get(default_, keys::Meta(key));
  }
  std::uint64_t NextOutboxSeq() const override {
    std::shared_lock lock(mu_);
    return next_seq_;
  }
  Status ForEachOutbox(const std::function<bool(const OutboxEntry&)>& fn) override;
  Status ForEachDueTimerAfter(const Timer* after, TimeMs until,
                              const std::function<bool(const Timer&)>& fn) override;
  Status ForEachEntity(
      EntityKind kind,
      const std::function<bool(std::int32_t, std::string_view, std::string_view)>& fn) override;
  Status Apply(const WriteSet& set) override;
  std::uint64_t ApproximateSizeBytes() const override {
    std::shared_lock lock(mu_);
    return bytes_;
  }
  std::uint64_t BlockCacheUsageBytes() const override { return 0; }

 private:
  Result<std::optional<std::string>> Get(const Table& t, const std::string& key) const {
    std::shared_lock lock(mu_);
    auto it = t.find(key);
    if (it == t.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  void Put(Table& t, std::string key, std::string value);
  void Delete(Table& t, const std::string& key);
  // Visits the entries of `t` from `from` on while their key is before `end` (or to the
  // last one when `end` is empty), until `visit` returns false. Copies a chunk at a time
  // under the lock and calls `visit` without it, so a callback may use this store.
  void Scan(const Table& t, std::string from, const std::string& end,
            const std::function<bool(const std::string&, const std::string&)>& visit);

  mutable std::shared_mutex mu_;
  Table default_, entities_, seen_, outbox_, timers_;  // guarded by mu_
  std::uint64_t next_seq_ = 1;                         // guarded by mu_
  OutboxLayout outbox_layout_;                         // guarded by mu_
  std::vector<OutboxLayout::Write> outbox_writes_;     // guarded by mu_ (reused buffer)
  std::uint64_t bytes_ = 0;                            // keys + values; guarded by mu_
};

void MemoryStore::Put(Table& t, std::string key, std::string value) {
  auto [it, inserted] = t.try_emplace(std::move(key));
  if (inserted) bytes_ += it->first.size();
  bytes_ -= it->second.size();
  bytes_ += value.size();
  it->second = std::move(value);
}

void MemoryStore::Delete(Table& t, const std::string& key) {
  auto it = t.find(key);
  if (it == t.end()) return;
  bytes_ -= it->first.size() + it->second.size();
  t.erase(it);
}

Result<std::optional<std::int64_t>> MemoryStore::GetOffset(std::string_view topic,
                                                           std::int32_t partition) {
  auto v = Get(default_, keys::Offset(topic, partition));
  if (!v.ok()) return v.status();
  if (!v->has_value()) return std::optional<std::int64_t>();
  std::uint64_t off = 0;
  if (!keys::ParseFixed64Value(**v, &off)) return Status::Corruption("malformed stored offset");
  return std::optional<std::int64_t>(static_cast<std::int64_t>(off));
}

void MemoryStore::Scan(const Table& t, std::string from, const std::string& end,
                       const std::function<bool(const std::string&, const std::string&)>& visit) {
  constexpr std::size_t kChunk = 256;
  std::vector<std::pair<std::string, std::string>> chunk;
  bool first = true;
  for (;;) {
    chunk.clear();
    {
      std::shared_lock lock(mu_);
      auto it = first ? t.lower_bound(from) : t.upper_bound(from);
      for (; it != t.end() && chunk.size() < kChunk && (end.empty() || it->first < end); ++it) {
        chunk.emplace_back(it->first, it->second);
      }
    }
    first = false;
    for (const auto& [k, v] : chunk) {
      if (!visit(k, v)) return;
    }
    if (chunk.size() < kChunk) return;
    from = chunk.back().first;
  }
}

Status MemoryStore::ForEachOutbox(const std::function<bool(const OutboxEntry&)>& fn) {
  OutboxLayout::Reader reader(fn);
  bool more = true;
  Scan(outbox_, "", "", [&](const std::string& k, const std::string& v) {
    more = reader.Visit(k, v);
    return more;
  });
  if (more) reader.Finish();
  return reader.status();
}

Status MemoryStore::ForEachDueTimerAfter(const Timer* after, TimeMs until,
                                         const std::function<bool(const Timer&)>& fn) {
  Status st;
  const std::string bound = keys::TimerKeyAfter(until);
  std::string from;
  if (after != nullptr) from = keys::Timer(after->due, after->timer_id) + '\0';
  Scan(timers_, std::move(from), bound, [&](const std::string& k, const std::string& v) {
    Timer t;
    std::string_view id, payload;
    if (!keys::ParseTimer(k, &t.due, &id) || !keys::ParseTimerValue(v, &t.partition, &payload)) {
      st = Status::Corruption("malformed timer");
      return false;
    }
    t.timer_id.assign(id);
    t.payload.assign(payload);
    return fn(t);
  });
  return st;
}

Status MemoryStore::ForEachEntity(
    EntityKind kind,
    const std::function<bool(std::int32_t, std::string_view, std::string_view)>& fn) {
  Status st;
  const std::string prefix = keys::EntityPrefix(kind);
  // Kinds are single characters, so the next character bounds this kind's keys.
  const std::string end(1, static_cast<char>(static_cast<char>(kind) + 1));
  Scan(entities_, prefix, end, [&](const std::string& k, const std::string& v) {
    EntityKind parsed;
    std::int32_t partition = 0;
    std::string_view id;
    if (!keys::ParseEntity(k, &parsed, &partition, &id)) {
      st = Status::Corruption("malformed entity key");
      return false;
    }
    return fn(partition, id, v);
  });
  return st;
}

// The same order as RocksStore's batch (see Store::Apply).
Status MemoryStore::Apply(const WriteSet& set) {
  std::unique_lock lock(mu_);
  for (const auto& e : set.entities) {
    Put(entities_, keys::Entity(e.kind, e.partition, e.id), e.bytes);
  }
  for (const auto& e : set.seen) Put(seen_, keys::Seen(e.partition, e.event_id), "");
  for (const auto& e : set.outbox_add) next_seq_ = std::max(next_seq_, e.seq + 1);
  outbox_writes_.clear();
  outbox_layout_.Plan(set, &outbox_writes_);
  for (auto& w : outbox_writes_) {
    if (w.is_group()) {
      Put(outbox_, std::move(w.key),
          keys::OutboxGroupValue(set.outbox_add, w.group_begin, w.group_end));
    } else if (w.value) {
      Put(outbox_, std::move(w.key), std::move(*w.value));
    } else {
      Delete(outbox_, w.key);
    }
  }
  for (const auto& t : set.timers_remove) Delete(timers_, keys::Timer(t.due, t.timer_id));
  for (const auto& t : set.timers_put) {
    Put(timers_, keys::Timer(t.due, t.timer_id), keys::TimerValue(t.partition, t.payload));
  }
  for (const auto& o : set.offsets) {
    Put(default_, keys::Offset(o.topic, o.partition),
        keys::Fixed64Value(static_cast<std::uint64_t>(o.next_offset)));
  }
  for (const auto& [k, v] : set.meta) Put(default_, keys::Meta(k), v);
  return Status::Ok();
}

}  // namespace

std::unique_ptr<Store> NewMemoryStore() { return std::make_unique<MemoryStore>(); }

}  // namespace careloop::state
