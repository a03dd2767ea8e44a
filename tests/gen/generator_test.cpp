// The stream: deterministic bytes, shares of bad input and re-sends, the contract's
// common fields on every good event, event-time order, check-ins.
#include "careloop/gen/generator.h"

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <sstream>
#include <string>

#include "gen/gen_fixture.h"

namespace careloop::gen::testing {
namespace {

std::string Jsonl(const Options& o) {
  std::ostringstream out;
  WriteJsonl(o, out);
  return out.str();
}

}  // namespace

TEST_CASE("The same seed gives the same bytes, another seed other bytes", "[unit]") {
  Options o;
  o.workers = 2000;
  o.checkin_share = 0.2;
  const std::string a = Jsonl(o);
  CHECK(a.size() > 1'000'000);
  CHECK(a == Jsonl(o));
  o.seed = 43;
  CHECK(a != Jsonl(o));
}

TEST_CASE("A worker's values do not depend on the other options", "[unit]") {
  Options a;
  a.workers = 50;
  a.bad_share = 0;
  a.duplicate_share = 0;
  Options b = a;
  b.bad_share = 0.2;
  b.checkin_share = 0.3;
  std::map<std::string, std::string> first_a, first_b;  // worker -> TG result as read
  for (const Options* o : {&a, &b}) {
    auto& first = o == &a ? first_a : first_b;
    for (const GeneratedEvent& e : Generate(*o)) {
      auto r = Read(e.json);
      if (!r || r->type != "lab_result" || first.count(r->worker_id)) continue;
      for (const ReadResult& res : r->results) {
        if (res.test == "TG" && res.status.empty())
          first[r->worker_id] = std::to_string(*res.value);
      }
    }
  }
  REQUIRE(first_a.size() == 50);
  CHECK(first_a == first_b);
}

TEST_CASE("Next returns false when done, produced() counts the events", "[unit]") {
  Options o;
  o.workers = 30;
  Generator g(o);
  GeneratedEvent e;
  std::uint64_t n = 0;
  while (g.Next(&e)) ++n;
  CHECK(n >= 30);
  CHECK(g.produced() == n);
  CHECK_FALSE(g.Next(&e));
  CHECK(g.produced() == n);
  o.workers = 0;
  Generator empty(o);
  CHECK_FALSE(empty.Next(&e));
}

TEST_CASE("Bad input is about bad_share of the events, half whole-message faults", "[unit]") {
  const auto& events = DefaultStream();
  double bad = 0, whole = 0;
  for (const GeneratedEvent& e : events) {
    if (!e.bad) continue;
    ++bad;
    whole += !Read(e.json).has_value();  // the common fields cannot be read
  }
  const double n = static_cast<double>(events.size());
  INFO("events " << n << ", bad " << bad << ", whole-message " << whole);
  CHECK(bad / n == Approx(0.01).margin(0.002));
  CHECK(whole / bad == Approx(0.5).margin(0.1));

  Options o;
  o.workers = 3000;
  o.bad_share = 0.1;
  double bad10 = 0;
  const auto more = Generate(o);
  for (const GeneratedEvent& e : more) bad10 += e.bad;
  CHECK(bad10 / static_cast<double>(more.size()) == Approx(0.1).margin(0.015));
}

TEST_CASE("Duplicates are exact re-sends of an earlier event", "[unit]") {
  const auto& events = DefaultStream();
  std::map<std::string, const GeneratedEvent*> seen;
  double duplicates = 0;
  for (const GeneratedEvent& e : events) {
    auto r = Read(e.json);
    if (!r) continue;
    auto [it, fresh] = seen.emplace(r->event_id, &e);
    if (fresh) continue;
    ++duplicates;
    CHECK(it->second->json == e.json);
    CHECK(it->second->key == e.key);
    CHECK(it->second->topic == e.topic);
    CHECK_FALSE(e.bad);
  }
  CHECK(duplicates / static_cast<double>(events.size()) == Approx(0.005).margin(0.0015));
}

TEST_CASE("Every good event has the contract's common fields, in event-time order", "[unit]") {
  Options o;
  o.workers = 3000;
  o.checkin_share = 0.3;
  std::set<std::string> ids;
  TimeMs last = 0;
  double checkins = 0, good = 0;
  std::map<std::string, double> kinds;
  for (const GeneratedEvent& e : Generate(o)) {
    if (e.bad) continue;
    ++good;
    auto r = Read(e.json);
    REQUIRE(r.has_value());
    const bool fresh = ids.insert(r->event_id).second;
    CHECK(r->worker_id == e.key);
    CHECK(r->worker_id.size() == 8);
    CHECK(r->occurred_at_text.ends_with("+08:00"));
    CHECK(e.json.find('\n') == std::string::npos);
    if (r->type == "checkin") {
      CHECK(e.topic == "checkins");
      ++checkins;
      if (fresh) ++kinds[r->kind];
      if (r->kind != "contact") CHECK_FALSE(r->exam_id.empty());
    } else {
      REQUIRE(r->type == "lab_result");
      CHECK(e.topic == "lab-results");
      CHECK_FALSE(r->exam_id.empty());
      for (const ReadResult& res : r->results) {
        CHECK((!res.test.empty() || !res.loinc.empty()));
        CHECK((res.value.has_value() || !res.finding.empty()));
      }
    }
    if (!fresh) continue;  // a re-send keeps its original time
    CHECK(r->occurred_at >= last);
    last = r->occurred_at;
  }
  INFO("check-ins " << checkins / good);
  CHECK(checkins / good == Approx(0.3).margin(0.05));
  CHECK(kinds["exam_arrival"] == kinds["exam_done"]);
  CHECK(kinds["contact"] > 0);
}

}  // namespace careloop::gen::testing

namespace careloop::gen::testing {

TEST_CASE("followup_share sets the share of workers with a second exam", "[unit]") {
  for (double share : {0.0, 0.3}) {
    Options o;
    o.workers = 4000;
    o.followup_share = share;
    std::map<std::string, std::set<std::string>> exams;
    for (const GeneratedEvent& e : Generate(o)) {
      auto r = Read(e.json);
      if (r && r->type == "lab_result") exams[r->worker_id].insert(r->exam_id);
    }
    double second = 0;
    for (const auto& [worker, ids] : exams) second += ids.size() > 1;
    INFO("followup_share " << share);
    CHECK(second / static_cast<double>(o.workers) == Approx(share).margin(0.03));
  }
}

}  // namespace careloop::gen::testing
