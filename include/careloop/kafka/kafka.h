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

// The embedded broker: librdkafka's mock cluster on loopback TCP, with topics created.
// Owns the cluster; destroying it stops the brokers.
class MockBroker {
 public:
  struct Options {
    int brokers = 1;                  // Default: 1
    int partitions = 6;               // Default: 6, for every topic
    std::vector<std::string> topics;  // created at start
  };
  static Result<std::unique_ptr<MockBroker>> Start(const Options& options);
  virtual ~MockBroker() = default;
  virtual const std::string& bootstrap_servers() const = 0;

  // Fault injection (tests): take a broker down / up; fail the next `count` requests of
  // a Kafka API key with an error code.
  virtual Status SetBrokerDown(int broker_id, bool down) = 0;
  virtual Status PushRequestErrors(int api_key, int count, int error_code) = 0;
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

// Told about partitions and losses. Called on the Poll() thread.
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
    std::string group_id = "careloop";
    std::vector<std::string> topics;
    Properties properties;  // passed through to librdkafka (override careloop's defaults)
  };
  // The next offset to read for a partition, from careloop's state; nullopt = from the
  // beginning. Asked on every assignment.
  using OffsetLookup =
      std::function<std::optional<std::int64_t>(std::string_view topic, std::int32_t partition)>;

  // `listener` may be null; if not, it must outlive the consumer.
  static Result<std::unique_ptr<Consumer>> Create(const Options& options, OffsetLookup lookup,
                                                  ConsumerListener* listener);
  virtual ~Consumer() = default;

  // Up to `max` records, waiting at most `timeout_ms` for the first. The previous
  // batch's views become invalid. Transient broker errors are logged and not returned.
  virtual Status Poll(int max, int timeout_ms, std::vector<Message>* out) = 0;
  virtual Status Pause() = 0;   // all assigned partitions
  virtual Status Resume() = 0;
  // Commits `next_offset` to Kafka for monitoring tools (careloop restarts from state).
  virtual void CommitAsync(std::string_view topic, std::int32_t partition,
                           std::int64_t next_offset) = 0;
  // Broker-side lag figures: high watermark - position, per assigned partition.
  virtual std::vector<std::pair<std::string, std::int64_t>> Lag() = 0;
  virtual std::int64_t records_lost() const = 0;
  virtual void Close() = 0;
};

class Producer {
 public:
  struct Options {
    std::string bootstrap_servers;
    Properties properties;  // passed through (override careloop's defaults)
  };
  // Called from Poll()/Flush() for every record produced: ok, or why it failed for good.
  using DeliveryFn = std::function<void(std::uint64_t token, const Status& status)>;

  static Result<std::unique_ptr<Producer>> Create(const Options& options, DeliveryFn on_delivery);
  virtual ~Producer() = default;

  // Enqueues one record (idempotent producer, keyed partitioning). Unavailable when
  // the local queue is full: poll and retry (backpressure).
  virtual Status Produce(std::string_view topic, std::string_view key, std::string_view value,
                         std::uint64_t token) = 0;
  virtual void Poll(int timeout_ms) = 0;
  virtual Status Flush(int timeout_ms) = 0;
  virtual std::int64_t in_flight() const = 0;
};

}  // namespace careloop::kafka
