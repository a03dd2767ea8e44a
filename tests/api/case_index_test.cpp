// CaseIndex: filters, the worklist order, pagination and the census.
#include "api/case_index.h"

#include <catch2/catch.hpp>

using namespace careloop;
using api::CaseIndex;
using api::CaseQuery;
using api::OpenCase;
using api::WorkerSummary;

namespace {

constexpr TimeMs kNow = 1'800'000'000'000;

OpenCase Case(const std::string& id, Tier tier, TimeMs due_at, const std::string& stage = "alerted",
              const std::string& condition = "lipids") {
  OpenCase c;
  c.case_id = id;
  c.tier = tier;
  c.due_at = due_at;
  c.stage = stage;
  c.condition = condition;
  c.opened_at = kNow - kDay;
  return c;
}

WorkerSummary Worker(const std::string& id, std::vector<OpenCase> cases, std::int32_t p = 0) {
  WorkerSummary w;
  w.worker_id = id;
  w.partition = p;
  for (auto& c : cases) {
    c.worker_id = id;
    c.partition = p;
    w.tier = std::max(w.tier, c.tier);
  }
  w.cases = std::move(cases);
  return w;
}

std::vector<std::string> Ids(const api::CasePage& page) {
  std::vector<std::string> ids;
  for (const auto& c : page.cases) ids.push_back(c.case_id);
  return ids;
}

void Fill(CaseIndex& index) {
  index.PutWorker(Worker("W1", {Case("red-due-later", Tier::kRed, kNow + 50 * kMinute)}));
  index.PutWorker(Worker("W2", {Case("red-overdue-1h", Tier::kRed, kNow - kHour)}, 3));
  index.PutWorker(
      Worker("W3", {Case("red-due-soon", Tier::kRed, kNow + 5 * kMinute),
                    Case("yellow-in-10d", Tier::kYellow, kNow + 10 * kDay, "alerted", "liver")}));
  index.PutWorker(Worker("W4", {Case("red-overdue-3h", Tier::kRed, kNow - 3 * kHour)}));
  index.PutWorker(Worker("W5", {Case("red-contacted", Tier::kRed, 0, "contacted"),
                                Case("yellow-in-80d", Tier::kYellow, kNow + 80 * kDay)}));
  index.PutWorker(Worker("W6", {Case("green", Tier::kGreen, kNow + 300 * kDay)}));
  index.PutWorker(Worker("W7", {}));  // a worker with nothing open
}

}  // namespace

TEST_CASE("Red cases in worklist order: overdue first, then by due time, none last",
          "[unit][api]") {
  CaseIndex index;
  Fill(index);
  CaseQuery q;
  q.tiers = {Tier::kRed};
  auto page = index.Cases(q, kNow);
  CHECK(page.total == 5);
  CHECK(Ids(page) == std::vector<std::string>{"red-overdue-3h", "red-overdue-1h", "red-due-soon",
                                              "red-due-later", "red-contacted"});
}

TEST_CASE("Filters: overdue, due time, stage, condition, several tiers", "[unit][api]") {
  CaseIndex index;
  Fill(index);
  CaseQuery q;
  q.overdue = true;
  CHECK(Ids(index.Cases(q, kNow)) == std::vector<std::string>{"red-overdue-3h", "red-overdue-1h"});
  q = CaseQuery();
  q.tiers = {Tier::kYellow};
  q.due_before = kNow + 14 * kDay;
  CHECK(Ids(index.Cases(q, kNow)) == std::vector<std::string>{"yellow-in-10d"});
  q = CaseQuery();
  q.stages = {"contacted"};
  CHECK(Ids(index.Cases(q, kNow)) == std::vector<std::string>{"red-contacted"});
  q = CaseQuery();
  q.conditions = {"liver"};
  CHECK(Ids(index.Cases(q, kNow)) == std::vector<std::string>{"yellow-in-10d"});
  q = CaseQuery();
  q.tiers = {Tier::kRed, Tier::kGreen};
  q.has_due = true;
  CHECK(index.Cases(q, kNow).total == 5);
  q.has_due = false;
  CHECK(Ids(index.Cases(q, kNow)) == std::vector<std::string>{"red-contacted"});
}

TEST_CASE("Pages split the ordered list; a page past the end is empty", "[unit][api]") {
  CaseIndex index;
  Fill(index);
  CaseQuery q;
  q.tiers = {Tier::kRed};
  q.page_size = 2;
  q.page = 2;
  auto page = index.Cases(q, kNow);
  CHECK(page.total == 5);
  CHECK(Ids(page) == std::vector<std::string>{"red-due-soon", "red-due-later"});
  q.page = 4;
  CHECK(index.Cases(q, kNow).cases.empty());
}

TEST_CASE("Census: workers by their most urgent open case, open and overdue cases", "[unit][api]") {
  CaseIndex index;
  Fill(index);
  api::Census c = index.TakeCensus(kNow);
  CHECK(c.workers == 7);
  CHECK(c.workers_by_tier[static_cast<size_t>(Tier::kRed)] == 5);
  CHECK(c.workers_by_tier[static_cast<size_t>(Tier::kGreen)] == 1);
  CHECK(c.workers_by_tier[static_cast<size_t>(Tier::kNone)] == 1);
  CHECK(c.open_by_tier[static_cast<size_t>(Tier::kRed)] == 5);
  CHECK(c.open_by_tier[static_cast<size_t>(Tier::kYellow)] == 2);
  CHECK(c.overdue_by_tier[static_cast<size_t>(Tier::kRed)] == 2);
  CHECK(index.partitions() == std::vector<std::int32_t>{0, 3});
}

TEST_CASE("A worker whose cases closed leaves the index but stays counted", "[unit][api]") {
  CaseIndex index;
  index.PutWorker(Worker("W1", {Case("c1", Tier::kRed, kNow)}));
  auto before = index.PutWorker(Worker("W1", {}));
  CHECK(index.workers_held() == 0);
  api::Census c = index.TakeCensus(kNow);
  CHECK(c.workers == 1);
  CHECK(c.workers_by_tier[static_cast<size_t>(Tier::kNone)] == 1);
  CHECK(index.Cases(CaseQuery(), kNow).total == 0);
}
