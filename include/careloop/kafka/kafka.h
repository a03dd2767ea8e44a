// Thin, owning wrappers over librdkafka for careloop: the embedded broker (librdkafka's
// mock cluster), a consumer-group member that starts from offsets kept in careloop's
// own state, and an idempotent producer with per-record delivery reports.
//
// No librdkafka type appears here. Settings pass through as string pairs, so TLS/SASL
// and any other librdkafka property can come from config.
//
// Thread-safety: each object is used from one thread (the processor's), except
// MockBroker, which runs its own threads, and the Stop flag.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "careloop/status.h"

namespace careloop::kafka {

using Properties = std::map<std::string, std::string>;
using Headers = std::vector<std::pair<std::string, std::string>>;

// The embedded broker: librdkafka's mock cluster on loopback TCP, with topics created.
// Owns the cluster; destroying it stops the brokers. Limits of librdkafka 2.0.2's mock:
// each partition keeps only its last 5 MiB / 100,000 produced batches (older batches are
// dropped whole); when a group's member leaves, the next join waits for that member's
// session.timeout.ms less 1 s.
class MockBroker {
 public:
  struct Options {
    int brokers = 1;                  // Default: 1
    int partitions = 6;               // Default: 6, for every topic
    std::vector<std::string> topics;  // created at start
  };
  static Result<std::unique_ptr<MockBroker>> Start(const Options& options);
  virtual ~MockBroker() = default;
  // "127.0.0.1:PORT[,127.0.0.1:PORT...]", one per broker.
  virtual const std::string& bootstrap_servers() const = 0;

  // Fault injection (tests): take a broker (ids 1..brokers) down / up; fail the next
  // `count` requests of a Kafka API key with an error code.
  virtual Status SetBrokerDown(int broker_id, bool down) = 0;
  virtual Status PushRequestErrors(int api_key, int count, int error_code) = 0;
  // Moves the leadership of a partition to a broker (-1: leaderless); clients learn of it
  // from their next metadata request.
  virtual Status SetPartitionLeader(std::string_view topic, std::int32_t partition,
                                    int broker_id) = 0;
  // Makes a broker the coordinator of a consumer group (default: by hash of the group).
  virtual Status SetGroupCoordinator(std::string_view group, int broker_id) = 0;
  // Number of brokers (ids 1..brokers) and partitions per topic, as started.
  virtual int brokers() const = 0;
  virtual int partitions() const = 0;
};

// One consumed record. Views are valid until the next Poll() or Close().
struct Message {
  std::string_view topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string_view key;
  std::string_view payload;
  std::int64_t timestamp_ms = 0;  // the record's Kafka timestamp
};

// Told about partitions and losses. Called from inside Consumer::Poll() and
// Consumer::Close(), on their thread (a rebalance runs inside Poll()).
class ConsumerListener {
 public:
  virtual ~ConsumerListener() = default;
  virtual void OnAssigned(std::string_view topic, std::int32_t partition) {}
  virtual void OnRevoked(std::string_view topic, std::int32_t partition) {}
  // Records [from, to) of a partition were dropped by the broker (retention) before
  // careloop read them. Also logged at error level by the consumer.
  virtual void OnRecordsLost(std::string_view topic, std::int32_t partition, std::int64_t from,
                             std::int64_t to) {}
};

class Consumer {
 public:
  struct Options {
    std::string bootstrap_servers;
    std::string group_id = "careloop";  // Default: "careloop"
    std::vector<std::string> topics;
    // true: a consumer-group member (subscribe; the group shares the partitions).
    // false: no group is joined; every partition of `topics` (as the broker lists them at
    // the first Poll()) is assigned to this consumer, skipping the group join (on the
    // embedded broker 3 s or more). For one process per input only; CommitAsync() then
    // commits nothing. Default: true.
    bool join_group = true;
    // Passed through to librdkafka; they override careloop's defaults, which are:
    // enable.auto.commit=false, enable.auto.offset.store=false, auto.offset.reset=earliest,
    // partition.assignment.strategy=range (co-partitioned inputs stay together; the
    // callback also handles cooperative-sticky), session.timeout.ms=6000,
    // heartbeat.interval.ms=2000, fetch.wait.max.ms=2, queued.min.messages=1000000,
    // queued.max.messages.kbytes=1048576.
    Properties properties;
  };
  // The next offset to read for a partition, from careloop's state; nullopt = from the
  // beginning. Asked on every assignment.
  using OffsetLookup =
      std::function<std::optional<std::int64_t>(std::string_view topic, std::int32_t partition)>;

  // `listener` may be null; if not, it must outlive the consumer. A stored offset below a
  // partition's log start is reported as records lost (error log, records_lost(),
  // OnRecordsLost) and reading starts at the log start; one past the partition's end
  // (a recreated topic) reads it from the beginning. Destroying the consumer without
  // Close() leaves the group without calling the listener.
  static Result<std::unique_ptr<Consumer>> Create(const Options& options, OffsetLookup lookup,
                                                  ConsumerListener* listener);
  virtual ~Consumer() = default;

  // Up to `max` records, waiting at most `timeout_ms` for the first. The previous
  // batch's views become invalid. Transient broker errors are logged and not returned.
  virtual Status Poll(int max, int timeout_ms, std::vector<Message>* out) = 0;
  virtual Status Pause() = 0;  // all assigned partitions
  virtual Status Resume() = 0;
  // Commits `next_offset` to Kafka for monitoring tools (careloop restarts from state).
  virtual void CommitAsync(std::string_view topic, std::int32_t partition,
                           std::int64_t next_offset) = 0;
  // Broker-side lag figures: high watermark - position, per assigned partition that has
  // been fetched from, named "topic[partition]". From cached figures: no broker round trip.
  virtual std::vector<std::pair<std::string, std::int64_t>> Lag() = 0;
  // The partition's high watermark as last reported by a fetch (cached: no broker round
  // trip); nullopt before the first fetch from it.
  virtual std::optional<std::int64_t> HighWatermark(std::string_view topic,
                                                    std::int32_t partition) = 0;
  // Records the broker dropped before they were read, proven by the low watermark.
  virtual std::int64_t records_lost() const = 0;
  // Leaves the group (revoking through the listener). Poll() fails afterwards.
  virtual void Close() = 0;
};

class Producer {
 public:
  struct Options {
    std::string bootstrap_servers;
    // Passed through to librdkafka; they override careloop's defaults, which are:
    // enable.idempotence=true, acks=all, compression.type=lz4, linger.ms=2,
    // batch.num.messages=10000, queue.buffering.max.messages=100000.
    Properties properties;
  };
  // Called from Poll()/Flush() for every record produced: ok, or why it failed for good.
  using DeliveryFn = std::function<void(std::uint64_t token, const Status& status)>;

  static Result<std::unique_ptr<Producer>> Create(const Options& options, DeliveryFn on_delivery);
  virtual ~Producer() = default;

  // Enqueues one record (idempotent producer, keyed partitioning; an empty key is sent
  // as no key). The bytes are copied. Unavailable when the local queue is full: poll and
  // retry (backpressure). Internal after a fatal error (see fatal_error()).
  virtual Status Produce(std::string_view topic, std::string_view key, std::string_view value,
                         std::uint64_t token) = 0;
  // The same, with record headers (name, value), e.g. careloop's record id and origin.
  virtual Status Produce(std::string_view topic, std::string_view key, std::string_view value,
                         std::uint64_t token, const Headers& headers) = 0;
  // Serves delivery reports (calls DeliveryFn), waiting up to `timeout_ms` for one.
  virtual void Poll(int timeout_ms) = 0;
  // Waits until every record has its delivery report; Unavailable if some are still
  // in flight after `timeout_ms`.
  virtual Status Flush(int timeout_ms) = 0;
  // Records produced and not yet reported, plus pending reports (rd_kafka_outq_len).
  virtual std::int64_t in_flight() const = 0;
  // OK, or Internal once librdkafka raised a fatal error (for example the idempotent
  // producer's sequence broke): the producer is unusable then; create a new one.
  virtual Status fatal_error() const = 0;
};

// Reads back records that are already in a topic, without a consumer group: what
// careloop uses on restart to learn which outbox entries already landed.
class TailReader {
 public:
  struct Record {
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    Headers headers;
  };
  static Result<std::unique_ptr<TailReader>> Create(const std::string& bootstrap_servers,
                                                    const Properties& properties);
  virtual ~TailReader() = default;
  // Number of partitions of `topic`.
  virtual Result<std::int32_t> Partitions(std::string_view topic, int timeout_ms) = 0;
  // Low and high watermarks of a partition.
  virtual Result<std::pair<std::int64_t, std::int64_t>> Watermarks(std::string_view topic,
                                                                   std::int32_t partition,
                                                                   int timeout_ms) = 0;
  // Calls `fn` for each record of [from, to) in offset order (headers only; values are
  // not kept). Unavailable if the range could not be read within `timeout_ms`.
  virtual Status Read(std::string_view topic, std::int32_t partition, std::int64_t from,
                      std::int64_t to, int timeout_ms,
                      const std::function<void(const Record&)>& fn) = 0;
};

}  // namespace careloop::kafka
