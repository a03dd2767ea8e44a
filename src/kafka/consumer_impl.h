// ConsumerImpl: the librdkafka consumer-group member behind kafka::Consumer.
//
// Starting offsets come from careloop's state (OffsetLookup), set in the rebalance
// callback; a stored offset below the partition's log start is reported as records
// lost. While reading, offset gaps are checked against the low watermark (GapTracker).
// Records come from the consumer queue with the batch API and stay owned here until the
// next Poll().
//
// Thread-safety: one thread calls everything; the rebalance and error callbacks run
// inside Poll() and Close() on that thread.
#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "careloop/kafka/kafka.h"
#include "kafka/gap_tracker.h"
#include "kafka/handles.h"

namespace careloop::kafka {

class ConsumerImpl final : public Consumer {
 public:
  ConsumerImpl(OffsetLookup lookup, ConsumerListener* listener);
  ~ConsumerImpl() override;

  // Creates the librdkafka handle and subscribes. Called once, before anything else.
  Status Init(const Options& options);

  Status Poll(int max, int timeout_ms, std::vector<Message>* out) override;
  Status Pause() override;
  Status Resume() override;
  void CommitAsync(std::string_view topic, std::int32_t partition,
                   std::int64_t next_offset) override;
  std::vector<std::pair<std::string, std::int64_t>> Lag() override;
  std::optional<std::int64_t> HighWatermark(std::string_view topic,
                                            std::int32_t partition) override;
  std::int64_t records_lost() const override { return records_lost_.load(); }
  void Close() override;

 private:
  using Key = std::pair<std::string, std::int32_t>;
  struct Assigned {
    GapTracker tracker;
    std::int64_t unchecked_reported = 0;  // tracker.unchecked() already logged
  };

  static void RebalanceCallback(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                rd_kafka_topic_partition_list_t* partitions, void* opaque);
  static void ErrorCallback(rd_kafka_t* rk, int err, const char* reason, void* opaque);

  void OnRebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions);
  // Without a group: assigns every partition of manual_topics_ (once, from Poll()).
  Status AssignAll();
  void Assign(rd_kafka_topic_partition_list_t* partitions, bool cooperative);
  void Revoke(rd_kafka_topic_partition_list_t* partitions, bool cooperative);
  // Where a newly assigned partition starts: `offset` (or RD_KAFKA_OFFSET_BEGINNING
  // when the log start could not be queried); `tracked` when offsets before it were
  // expected (a stored offset), so a gap from it is checked for lost records.
  struct Start {
    std::int64_t offset;
    bool tracked;
  };
  struct Watermarks {
    std::int64_t low;   // log start
    std::int64_t high;  // log end
  };
  // The watermarks of the partitions, queried together; a partition whose query failed
  // is missing (all of them when the query as a whole failed).
  std::map<Key, Watermarks> QueryWatermarks(const rd_kafka_topic_partition_list_t* partitions);
  // The start of `key`, from the lookup and its watermarks (nullptr: unknown); a loss
  // found on the way is stored in `lost`.
  Start StartOffset(const Key& key, const Watermarks* marks, OffsetRange* lost);
  void ReportLost(const Key& key, OffsetRange range);
  void ResolveGaps();
  Status SetPaused(bool paused);
  Assigned* Find(const rd_kafka_message_t& m);
  Status FatalStatus() const;

  OffsetLookup lookup_;
  ConsumerListener* listener_;
  KafkaPtr rk_;  // first: destroyed after the queue and the messages
  QueuePtr queue_;
  std::vector<MessagePtr> batch_;  // the records the last Poll() returned views into
  std::vector<rd_kafka_message_t*> raw_;
  std::map<Key, Assigned> assigned_;
  // Last lookup in Find(): messages arrive in runs from one partition.
  const rd_kafka_topic_t* last_topic_ = nullptr;
  std::int32_t last_partition_ = -1;
  Assigned* last_assigned_ = nullptr;
  std::atomic<std::int64_t> records_lost_{0};
  std::vector<std::string> manual_topics_;             // join_group=false: still to be assigned
  std::chrono::steady_clock::time_point next_assign_;  // after a failed AssignAll()
  bool joined_ = true;                                 // a group member (join_group)
  bool paused_ = false;
  bool closed_ = false;
  bool fatal_ = false;
};

}  // namespace careloop::kafka
