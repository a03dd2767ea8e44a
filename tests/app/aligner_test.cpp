// Aligner (src/app/aligner.h): event-time order across the input topics of a partition,
// waiting for a lagging topic only while records are known to exist in it.
#include "aligner.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

using careloop::app::Aligner;
using careloop::kafka::Message;

namespace {

const std::vector<std::string> kTopics = {"lab-results", "checkins", "petitions"};

std::string Event(const char* at) {
  return std::string(R"({"type":"x","occurred_at":")") + at + "\"}";
}

struct Feed {
  std::vector<std::string> payloads;  // kept alive: Add copies, but Message holds views
  void Add(Aligner& a, const std::string& topic, std::int32_t partition, std::int64_t offset,
           const std::string& payload) {
    payloads.push_back(payload);
    Message m;
    m.topic = topic;
    m.partition = partition;
    m.offset = offset;
    m.key = "k";
    m.payload = payloads.back();
    a.Add(m);
  }
};

// Drains what is ready now, as "topic@offset".
std::vector<std::string> Drain(Aligner& a, const Aligner::CaughtUp& caught_up,
                               Aligner::Clock::time_point now) {
  std::vector<std::string> out;
  while (const Aligner::Record* r = a.Next(caught_up, now)) {
    out.push_back(r->topic + "@" + std::to_string(r->offset));
    a.Pop();
  }
  return out;
}

}  // namespace

TEST_CASE("records of one partition come out in event-time order across topics", "[app]") {
  Aligner a(kTopics, {});
  Feed f;
  f.Add(a, "checkins", 0, 0, Event("2026-04-01T10:00:00Z"));
  f.Add(a, "checkins", 0, 1, Event("2026-04-03T10:00:00Z"));
  f.Add(a, "lab-results", 0, 0, Event("2026-04-02T10:00:00Z"));
  f.Add(a, "lab-results", 0, 1, Event("2026-04-01T10:00:00Z"));  // late: offset order kept
  auto all_caught_up = [](std::string_view, std::int32_t, std::int64_t) { return true; };
  auto now = Aligner::Clock::now();
  CHECK(Drain(a, all_caught_up, now) ==
        std::vector<std::string>{"checkins@0", "lab-results@0", "lab-results@1", "checkins@1"});
  CHECK(a.buffered() == 0);
  CHECK(a.forced() == 0);
}

TEST_CASE("a partition waits for a topic with records known to exist, at most max_idle_ms",
          "[app]") {
  Aligner::Options o;
  o.max_idle_ms = 500;
  Aligner a(kTopics, o);
  Feed f;
  a.Assigned("lab-results", 3, 0);
  a.Assigned("checkins", 3, 10);
  f.Add(a, "lab-results", 3, 0, Event("2026-04-02T10:00:00Z"));
  std::map<std::string, std::int64_t> high = {
      {"lab-results", 1}, {"checkins", 12}, {"petitions", 0}};
  auto caught_up = [&](std::string_view t, std::int32_t, std::int64_t next) {
    return next >= high[std::string(t)];
  };
  auto t0 = Aligner::Clock::now();
  CHECK(Drain(a, caught_up, t0).empty());  // checkins 10 and 11 exist but are not polled
  // They arrive: the earlier check-in goes first.
  f.Add(a, "checkins", 3, 10, Event("2026-04-01T10:00:00Z"));
  f.Add(a, "checkins", 3, 11, Event("2026-04-05T10:00:00Z"));
  CHECK(Drain(a, caught_up, t0) ==
        std::vector<std::string>{"checkins@10", "lab-results@0", "checkins@11"});

  // A topic that stays behind: after max_idle_ms the partition goes on (and counts it).
  high["checkins"] = 20;
  f.Add(a, "lab-results", 3, 1, Event("2026-04-06T10:00:00Z"));
  high["lab-results"] = 2;
  CHECK(Drain(a, caught_up, t0 + std::chrono::milliseconds(100)).empty());
  CHECK(Drain(a, caught_up, t0 + std::chrono::milliseconds(700)) ==
        std::vector<std::string>{"lab-results@1"});
  CHECK(a.forced() == 1);

  // Having gone on, it goes on: later records of the partition do not wait max_idle_ms
  // anew while the topic is still behind (one record per max_idle_ms would be a crawl).
  f.Add(a, "lab-results", 3, 2, Event("2026-04-07T10:00:00Z"));
  f.Add(a, "lab-results", 3, 3, Event("2026-04-08T10:00:00Z"));
  high["lab-results"] = 4;
  CHECK(Drain(a, caught_up, t0 + std::chrono::milliseconds(800)) ==
        std::vector<std::string>{"lab-results@2", "lab-results@3"});
  CHECK(a.forced() == 1);  // one episode

  // The topic catches up (its records arrive): the order across topics holds again, and
  // a new lag is waited for again, at most max_idle_ms from when it is seen.
  for (std::int64_t off = 12; off < 20; ++off) {
    f.Add(a, "checkins", 3, off, Event("2026-04-09T10:00:00Z"));
  }
  CHECK(Drain(a, caught_up, t0 + std::chrono::milliseconds(900)).size() == 8);
  high["checkins"] = 25;
  f.Add(a, "lab-results", 3, 4, Event("2026-04-10T10:00:00Z"));
  high["lab-results"] = 5;
  CHECK(Drain(a, caught_up, t0 + std::chrono::milliseconds(1000)).empty());
  CHECK(Drain(a, caught_up, t0 + std::chrono::milliseconds(1400)).empty());
  CHECK(Drain(a, caught_up, t0 + std::chrono::milliseconds(1600)) ==
        std::vector<std::string>{"lab-results@4"});
  CHECK(a.forced() == 2);
}

TEST_CASE("unreadable event times go first; revoked partitions are dropped", "[app]") {
  Aligner a(kTopics, {});
  Feed f;
  f.Add(a, "lab-results", 1, 0, Event("2026-04-02T10:00:00Z"));
  f.Add(a, "checkins", 1, 0, "not json at all");
  f.Add(a, "petitions", 2, 0, Event("2026-04-02T10:00:00Z"));
  a.Revoked("petitions", 2);
  CHECK(a.buffered() == 2);
  auto all_caught_up = [](std::string_view, std::int32_t, std::int64_t) { return true; };
  CHECK(Drain(a, all_caught_up, Aligner::Clock::now()) ==
        std::vector<std::string>{"checkins@0", "lab-results@0"});
}

TEST_CASE("PeekEventTime reads occurred_at in place", "[app]") {
  std::string s = Event("2026-04-02T10:00:00+08:00");
  s.reserve(s.size() + 64);
  auto t = careloop::app::PeekEventTime(s);
  REQUIRE(t);
  CHECK(*t == careloop::ParseRfc3339("2026-04-02T02:00:00Z").value());
  std::string bad = R"({"occurred_at": 12})";
  bad.reserve(bad.size() + 64);
  CHECK_FALSE(careloop::app::PeekEventTime(bad));
}
