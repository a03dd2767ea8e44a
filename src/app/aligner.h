// Aligner: puts the records of the co-partitioned input topics (lab-results, checkins,
// petitions) of each partition into event-time order before they are processed, as
// Kafka Streams does across the topics of one task.
//
// Without it, the order between a worker's check-in and lab result would be the order in
// which the consumer happened to fetch them, and after a restart with a backlog (one
// topic read far ahead of another) a worker's file could differ from an uninterrupted
// run's. With it, a partition's next record is the earliest head among its topics, taken
// only when every other topic of that partition has a record buffered or is caught up
// (no record known to exist beyond what was polled); otherwise the partition waits for
// the fetch, at most `max_idle_ms`, after which it goes on without waiting (and counts
// it) until that topic is ready again, as Kafka Streams does with max.task.idle.ms.
// Within one topic-partition the offset order is always kept.
//
// Records are copied in (the consumer's views die at its next poll); the payload keeps
// simdjson's padding so its event time can be read in place.
//
// Ownership: owns the buffered records. Thread-safety: one thread (the pipeline's).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "careloop/kafka/kafka.h"
#include "careloop/time.h"

namespace careloop::app {

class Aligner {
 public:
  struct Options {
    int max_idle_ms = 60000;            // longest wait for a lagging topic's fetch
    std::size_t max_buffered = 200000;  // above this, no partition waits
  };
  struct Record {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::string key;
    std::string payload;    // capacity >= size + simdjson padding
    TimeMs event_time = 0;  // occurred_at; the minimum when it cannot be read
  };
  // True when nothing is known to exist in `topic`[`partition`] at or after `next`.
  using CaughtUp =
      std::function<bool(std::string_view topic, std::int32_t partition, std::int64_t next)>;
  using Clock = std::chrono::steady_clock;

  // `topics`: the input topics in tie-break order (equal event times: earlier topic first).
  Aligner(std::vector<std::string> topics, Options options);

  // A partition of a topic was assigned; reading starts at `next` (the stored offset).
  void Assigned(std::string_view topic, std::int32_t partition, std::int64_t next);
  // A partition was revoked: its buffered records are dropped (read again by its owner).
  void Revoked(std::string_view topic, std::int32_t partition);
  // Copies a polled record in. Records of a topic not given at construction are ignored.
  void Add(const kafka::Message& m);

  // The next record to process, or nullptr when every buffered partition waits for a
  // fetch. Valid until the next call of any non-const member; Pop() removes it.
  const Record* Next(const CaughtUp& caught_up, Clock::time_point now);
  void Pop();

  std::size_t buffered() const { return buffered_; }
  // Times a partition went on without a lagging topic (waited max_idle_ms, or the buffer
  // was full): the order across topics was then the order of arrival until the topic
  // caught up. Counted once per such episode, not per record.
  std::uint64_t forced() const { return forced_; }

 private:
  struct Partition {
    std::vector<std::deque<Record>> queues;  // by topic index
    std::vector<std::int64_t> next;          // next offset to be polled, by topic index
    bool blocked = false;                    // a topic is behind: waiting since blocked_since
    Clock::time_point blocked_since;
    bool going_on = false;  // waited max_idle_ms (or the buffer was full): not waiting
                            // again until every topic is ready once more
  };
  int TopicIndex(std::string_view topic) const;
  Partition& Get(std::int32_t partition);

  std::vector<std::string> topics_;
  Options options_;
  std::map<std::int32_t, Partition> partitions_;
  std::int32_t cursor_ = 0;    // round robin over partitions
  std::int32_t taken_p_ = -1;  // the partition and topic of the record Next() returned
  int taken_t_ = -1;
  std::size_t buffered_ = 0;
  std::uint64_t forced_ = 0;
};

// occurred_at of a native input event (top-level field), read with simdjson On-Demand;
// nullopt when it is missing or not an RFC 3339 time. `padded` must have at least
// simdjson's padding of capacity beyond its size.
std::optional<TimeMs> PeekEventTime(const std::string& padded);

}  // namespace careloop::app
