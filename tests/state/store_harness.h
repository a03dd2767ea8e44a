// Test support for the state store tests: a store of either implementation in a fresh
// temporary directory, and helpers that collect what the ForEach* scans return.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "careloop/state/store.h"
#include "support/process.h"

namespace careloop::state::testing {

enum class StoreKind { kMemory, kRocks };

inline const char* KindName(StoreKind k) { return k == StoreKind::kMemory ? "memory" : "rocksdb"; }

// `n` bytes that do not compress away (xorshift32 from `*state`, which advances): worker
// files that really take their size in blob files, compressed or not.
inline std::string IncompressibleBytes(std::size_t n, std::uint32_t* state) {
  std::string out;
  out.reserve(n);
  std::uint32_t x = *state;
  for (std::size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    out.push_back(static_cast<char>(x));
  }
  *state = x;
  return out;
}

// Small budgets: tests must not depend on memory size.
inline StoreOptions SmallOptions(const std::string& path) {
  StoreOptions o;
  o.path = path;
  o.block_cache_mb = 8;
  o.write_buffer_mb = 8;
  return o;
}

class StoreHarness {
 public:
  // `tune` adjusts the RocksDB store's options (the memory store has none).
  explicit StoreHarness(StoreKind kind, std::function<void(StoreOptions&)> tune = nullptr)
      : kind_(kind), tune_(std::move(tune)) {
    REQUIRE_FALSE(dir_.path().empty());
    Open();
  }
  Store& store() { return *store_; }
  StoreKind kind() const { return kind_; }
  const std::string& path() const { return dir_.path(); }
  // Closes and opens again (RocksDB only: a memory store has nothing to reopen).
  void Reopen() {
    REQUIRE(kind_ == StoreKind::kRocks);
    store_.reset();
    Open();
  }
  void Close() { store_.reset(); }

 private:
  void Open() {
    if (kind_ == StoreKind::kMemory) {
      store_ = NewMemoryStore();
      return;
    }
    StoreOptions o = SmallOptions(dir_.path());
    if (tune_) tune_(o);
    auto r = OpenRocksStore(o);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    store_ = std::move(r).value();
  }

  StoreKind kind_;
  std::function<void(StoreOptions&)> tune_;
  careloop::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

inline void MustApply(Store& s, const WriteSet& set) {
  Status st = s.Apply(set);
  INFO(st.ToString());
  REQUIRE(st.ok());
}

inline std::vector<OutboxEntry> AllOutbox(Store& s) {
  std::vector<OutboxEntry> out;
  Status st = s.ForEachOutbox([&](const OutboxEntry& e) {
    out.push_back(e);
    return true;
  });
  REQUIRE(st.ok());
  return out;
}

inline std::vector<std::uint64_t> OutboxSeqs(Store& s) {
  std::vector<std::uint64_t> seqs;
  for (const auto& e : AllOutbox(s)) seqs.push_back(e.seq);
  return seqs;
}

// (due, timer_id) of the timers due at or before `until`, in the order the store gives.
inline std::vector<std::pair<TimeMs, std::string>> DueTimers(Store& s, TimeMs until) {
  std::vector<std::pair<TimeMs, std::string>> out;
  Status st = s.ForEachDueTimer(until, [&](const Timer& t) {
    out.emplace_back(t.due, t.timer_id);
    return true;
  });
  REQUIRE(st.ok());
  return out;
}

inline std::vector<std::tuple<std::int32_t, std::string, std::string>> AllEntities(
    Store& s, EntityKind kind) {
  std::vector<std::tuple<std::int32_t, std::string, std::string>> out;
  Status st = s.ForEachEntity(kind, [&](std::int32_t p, std::string_view id, std::string_view b) {
    out.emplace_back(p, std::string(id), std::string(b));
    return true;
  });
  REQUIRE(st.ok());
  return out;
}

inline OutboxEntry Entry(std::uint64_t seq, std::string topic = "alerts") {
  return OutboxEntry{seq, std::move(topic), "W-" + std::to_string(seq),
                     "{\"seq\":" + std::to_string(seq) + "}", "id-" + std::to_string(seq)};
}

}  // namespace careloop::state::testing
