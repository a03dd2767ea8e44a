#include "api/case_index.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <tuple>

#include "careloop/ids.h"

namespace careloop::api {
namespace {

std::string Key(std::int32_t partition, std::string_view id) {
  std::string k = std::to_string(partition);
  k += '\x1f';
  k += id;
  return k;
}

template <typename T>
bool Listed(const std::vector<T>& list, const T& v) {
  return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
}

bool Matches(const OpenCase& c, const CaseQuery& q, TimeMs now) {
  if (!Listed(q.tiers, c.tier) || !Listed(q.stages, c.stage) ||
      !Listed(q.conditions, c.condition)) {
    return false;
  }
  if (q.overdue && c.overdue(now) != *q.overdue) return false;
  if (q.has_due && (c.due_at != 0) != *q.has_due) return false;
  if (q.due_before && (c.due_at == 0 || c.due_at > *q.due_before)) return false;
  return true;
}

// Overdue first, then due time (none last), tier (red first), oldest opened, id.
bool Before(const OpenCase& a, const OpenCase& b, TimeMs now) {
  auto rank = [now](const OpenCase& c) {
    return std::make_tuple(c.overdue(now) ? 0 : 1, c.due_at == 0 ? 1 : 0, c.due_at,
                           -static_cast<int>(c.tier), c.opened_at);
  };
  auto ra = rank(a), rb = rank(b);
  if (ra != rb) return ra < rb;
  return a.case_id < b.case_id;
}

}  // namespace

std::vector<InstanceSnapshot> CaseIndex::PutWorker(WorkerSummary s) {
  std::vector<InstanceSnapshot> before;
  std::string key = Key(s.partition, s.worker_id);
  std::uint64_t hash = HashParts({s.worker_id});
  std::unique_lock<std::shared_mutex> lock(mu_);
  partitions_.insert(s.partition);
  known_.insert(hash);
  auto it = workers_.find(key);
  if (it != workers_.end()) {
    before = std::move(it->second.instances);
    if (s.interesting()) {
      it->second = std::move(s);
    } else {
      workers_.erase(it);
    }
  } else if (s.interesting()) {
    workers_.emplace(std::move(key), std::move(s));
  }
  return before;
}

std::vector<InstanceSnapshot> CaseIndex::PutPetition(PetitionSummary s) {
  std::vector<InstanceSnapshot> before;
  std::string key = Key(s.partition, s.petition_id);
  std::unique_lock<std::shared_mutex> lock(mu_);
  partitions_.insert(s.partition);
  auto it = petitions_.find(key);
  if (it != petitions_.end()) {
    before.push_back(std::move(it->second.instance));
    petitions_.erase(it);
  }
  if (!s.instance.deadlines.empty()) petitions_.emplace(std::move(key), std::move(s));
  return before;
}

CasePage CaseIndex::Cases(const CaseQuery& q, TimeMs now) const {
  CasePage page;
  std::vector<const OpenCase*> hits;
  std::shared_lock<std::shared_mutex> lock(mu_);
  for (const auto& [key, w] : workers_) {
    for (const auto& c : w.cases) {
      if (Matches(c, q, now)) hits.push_back(&c);
    }
  }
  page.total = hits.size();
  std::size_t first = (q.page - 1) * q.page_size;
  if (first >= hits.size()) return page;
  std::size_t last = std::min(hits.size(), first + q.page_size);
  auto less = [now](const OpenCase* a, const OpenCase* b) { return Before(*a, *b, now); };
  std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(last), hits.end(),
                    less);
  for (std::size_t i = first; i < last; ++i) page.cases.push_back(*hits[i]);
  return page;
}

Census CaseIndex::TakeCensus(TimeMs now) const {
  Census c;
  std::map<std::pair<Tier, std::string>, std::uint64_t> by_stage;
  std::shared_lock<std::shared_mutex> lock(mu_);
  c.workers = known_.size();
  std::uint64_t with_cases = 0;
  for (const auto& [key, w] : workers_) {
    if (w.cases.empty()) continue;
    ++with_cases;
    c.workers_by_tier[static_cast<size_t>(w.tier)]++;
    for (const auto& k : w.cases) {
      by_stage[{k.tier, k.stage}]++;
      c.open_by_tier[static_cast<size_t>(k.tier)]++;
      if (k.overdue(now)) c.overdue_by_tier[static_cast<size_t>(k.tier)]++;
    }
  }
  // Workers whose open cases are all in tier none, and those with none open.
  c.workers_by_tier[0] += c.workers - std::min(c.workers, with_cases);
  c.open_cases.assign(by_stage.begin(), by_stage.end());
  return c;
}

std::vector<std::int32_t> CaseIndex::partitions() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return {partitions_.begin(), partitions_.end()};
}

std::size_t CaseIndex::workers_held() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return workers_.size();
}

}  // namespace careloop::api
