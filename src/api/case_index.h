// CaseIndex: an in-memory index of the open cases of every worker in state, for the
// HTTP API's case lists, the worklist page and the state gauges (open cases by tier and
// stage, workers by tier, overdue cases). Built by scanning the store at start and kept
// current from the pipeline's commits (see indexer.h); it holds only workers with open
// cases or running deadlines, plus a hash of every worker id seen (for the census).
//
// Ownership: a value owned by the Indexer. Thread-safety: every method may be called
// from any thread; readers share a lock, the single writer (the indexer) takes it
// briefly per update. Readers never touch the store.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "api/case_summary.h"

namespace careloop::api {

struct CaseQuery {
  std::vector<Tier> tiers;              // empty = any
  std::vector<std::string> stages;      // empty = any
  std::vector<std::string> conditions;  // empty = any
  std::optional<bool> overdue;          // due time passed (or not)
  std::optional<bool> has_due;          // a stage in progress has a due time (or not)
  std::optional<TimeMs> due_before;     // due at or before this time (includes overdue)
  std::size_t page = 1;                 // 1-based
  std::size_t page_size = 50;
};

struct CasePage {
  std::size_t total = 0;  // matching cases, all pages
  std::vector<OpenCase> cases;
};

struct Census {
  std::uint64_t workers = 0;
  std::array<std::uint64_t, 4> workers_by_tier{};  // index: Tier (none green yellow red)
  // "tier|stage" -> open cases.
  std::vector<std::pair<std::pair<Tier, std::string>, std::uint64_t>> open_cases;
  std::array<std::uint64_t, 4> open_by_tier{};
  std::array<std::uint64_t, 4> overdue_by_tier{};
};

class CaseIndex {
 public:
  // Replaces what is known of the worker; returns its previous instance snapshots
  // (empty when it was not held).
  std::vector<InstanceSnapshot> PutWorker(WorkerSummary summary);
  std::vector<InstanceSnapshot> PutPetition(PetitionSummary summary);

  // Sorted: overdue first, then by due time (none last), then red before yellow before
  // green, then oldest opened first.
  CasePage Cases(const CaseQuery& query, TimeMs now) const;
  Census TakeCensus(TimeMs now) const;
  // Every input partition seen in state (where to look a file up).
  std::vector<std::int32_t> partitions() const;
  std::size_t workers_held() const;

 private:
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, WorkerSummary> workers_;  // key: partition '\x1f' id
  std::unordered_map<std::string, PetitionSummary> petitions_;
  std::unordered_set<std::uint64_t> known_;  // hashes of every worker id seen
  std::set<std::int32_t> partitions_;
};

}  // namespace careloop::api
