// ConsumerImpl: creation, the batch Poll, pause/resume, commits, lag and close.
// The rebalance callback and loss detection are in rebalance.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "kafka/config.h"
#include "kafka/consumer_impl.h"

namespace careloop::kafka {

namespace {

constexpr int kMaxBatch = 1'000'000;

PartitionListPtr Assignment(rd_kafka_t* rk, Status* status) {
  rd_kafka_topic_partition_list_t* list = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_assignment(rk, &list);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    *status = Status::Unavailable(fmt::format("consumer assignment: {}", ErrorText(err)));
    return nullptr;
  }
  return PartitionListPtr(list);
}

}  // namespace

Result<std::unique_ptr<Consumer>> Consumer::Create(const Options& options, OffsetLookup lookup,
                                                   ConsumerListener* listener) {
  auto consumer = std::make_unique<ConsumerImpl>(std::move(lookup), listener);
  CARELOOP_RETURN_IF_ERROR(consumer->Init(options));
  return std::unique_ptr<Consumer>(std::move(consumer));
}

ConsumerImpl::ConsumerImpl(OffsetLookup lookup, ConsumerListener* listener)
    : lookup_(std::move(lookup)), listener_(listener) {}

ConsumerImpl::~ConsumerImpl() {
  // The listener may be half-destroyed by now (it often owns this consumer): leave the
  // group without telling it.
  listener_ = nullptr;
  Close();
}

Status ConsumerImpl::Init(const Options& options) {
  if (options.topics.empty()) return Status::InvalidArgument("consumer: no topics");
  const Properties defaults = {
      {"bootstrap.servers", options.bootstrap_servers},
      {"group.id", options.group_id},
      {"client.id", "careloop-consumer"},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},
      {"enable.partition.eof", "false"},
      // Co-partitioned inputs: `range` gives one member the same partition numbers of
      // every topic, so one worker's events and state stay in one process.
      {"partition.assignment.strategy", "range"},
      // A member that died is replaced after this long: the lowest value a Kafka broker
      // accepts by default (group.min.session.timeout.ms). The mock cluster also holds a
      // group's next join for this less 1 s after a member leaves, so it bounds a restart
      // in the same group there (10 s cost ~9 s; librdkafka's own default, 45 s, ~44 s).
      // Heartbeats come from librdkafka's thread, not from Poll(): a slow batch is not a
      // missed heartbeat (max.poll.interval.ms, 300 s, covers a stuck Poll loop).
      {"session.timeout.ms", "6000"},
      {"heartbeat.interval.ms", "2000"},
      // Reconnect at least once a second: librdkafka's backoff doubles up to 10 s, so
      // after a 2 s outage the coordinator could be retried only ~4 s later, and the next
      // heartbeat then came past the 6 s session: a rebalance (and a re-read from the
      // committed offsets) for a blip. Seen in test_kafka's outage case on a loaded CI.
      {"reconnect.backoff.max.ms", "1000"},
      // The mock cluster makes an empty fetch wait the full fetch.wait.max.ms even when
      // records arrive meanwhile, so that wait is on the red-alert path: 2 ms (10 before:
      // p99 at a tenth of the load 27 -> 14 ms together with linger.ms 2, for ~2 % of a
      // core more while idle). A real broker answers a waiting fetch when data arrives.
      {"fetch.wait.max.ms", "2"},
      // librdkafka 2.0.2 stalls for up to ~1 s once its queue passes queued.min.messages.
      {"queued.min.messages", "1000000"},
      {"queued.max.messages.kbytes", "1048576"},
  };
  auto conf = MakeConf(defaults, options.properties);
  if (!conf.ok()) return conf.status();
  rd_kafka_conf_set_opaque(conf->get(), this);
  rd_kafka_conf_set_rebalance_cb(conf->get(), &ConsumerImpl::RebalanceCallback);
  rd_kafka_conf_set_error_cb(conf->get(), &ConsumerImpl::ErrorCallback);
  char err[512];
  rk_.reset(rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), err, sizeof(err)));
  if (!rk_) return Status::InvalidArgument(fmt::format("kafka consumer: {}", err));
  conf->release();  // owned by the handle now

  rd_kafka_poll_set_consumer(rk_.get());  // errors and rebalances come with the records
  queue_.reset(rd_kafka_queue_get_consumer(rk_.get()));
  if (!queue_) return Status::Internal("kafka consumer: no consumer queue");

  if (!options.join_group) {
    joined_ = false;
    manual_topics_ = options.topics;  // assigned at the first Poll(), as a group would
    Log().info("consumer without a group reads every partition of {} topic(s) at {}",
               options.topics.size(), options.bootstrap_servers);
    return Status::Ok();
  }
  PartitionListPtr topics(
      rd_kafka_topic_partition_list_new(static_cast<int>(options.topics.size())));
  for (const std::string& t : options.topics) {
    rd_kafka_topic_partition_list_add(topics.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  }
  rd_kafka_resp_err_t e = rd_kafka_subscribe(rk_.get(), topics.get());
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::InvalidArgument(fmt::format("kafka subscribe: {}", ErrorText(e)));
  }
  Log().info("consumer in group {} subscribed to {} topic(s) at {}", options.group_id,
             options.topics.size(), options.bootstrap_servers);
  return Status::Ok();
}

Status ConsumerImpl::FatalStatus() const {
  char text[512] = "";
  rd_kafka_resp_err_t e = rd_kafka_fatal_error(rk_.get(), text, sizeof(text));
  return Status::Internal(fmt::format("kafka consumer fatal error: {}: {}", ErrorText(e), text));
}

Status ConsumerImpl::Poll(int max, int timeout_ms, std::vector<Message>* out) {
  out->clear();
  batch_.clear();  // the previous batch's views end here
  if (closed_) return Status::InvalidArgument("consumer is closed");
  if (fatal_) return FatalStatus();
  if (!manual_topics_.empty() && std::chrono::steady_clock::now() >= next_assign_) {
    Status st = AssignAll();
    if (!st.ok()) {
      next_assign_ = std::chrono::steady_clock::now() + std::chrono::seconds(1);
      return st;  // tried again a second later
    }
  }
  const std::size_t cap = static_cast<std::size_t>(std::clamp(max, 1, kMaxBatch));
  if (raw_.size() < cap) raw_.resize(cap);
  // The batch call waits until it has `cap` records or the timeout passes. Take what is
  // there; if nothing, wait for one record, then take what came with it.
  ssize_t n = rd_kafka_consume_batch_queue(queue_.get(), 0, raw_.data(), cap);
  if (n == 0 && timeout_ms > 0) {
    n = rd_kafka_consume_batch_queue(queue_.get(), timeout_ms, raw_.data(), 1);
    if (n == 1 && cap > 1) {
      ssize_t more = rd_kafka_consume_batch_queue(queue_.get(), 0, raw_.data() + 1, cap - 1);
      if (more > 0) n += more;
    }
  }
  if (n < 0) {
    return Status::Unavailable(fmt::format("kafka consume: {}", ErrorText(rd_kafka_last_error())));
  }
  batch_.reserve(static_cast<std::size_t>(n));
  for (ssize_t i = 0; i < n; ++i) batch_.emplace_back(raw_[static_cast<std::size_t>(i)]);
  last_topic_ = nullptr;  // a rebalance may have run inside the calls above
  out->reserve(batch_.size());
  for (const MessagePtr& owned : batch_) {
    const rd_kafka_message_t& m = *owned;
    if (m.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (m.err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
      if (m.err == RD_KAFKA_RESP_ERR__FATAL) fatal_ = true;
      NotifyError(m.err == RD_KAFKA_RESP_ERR__FATAL ? "fatal" : "fetch");
      Log().warn(
          "consumer: {}{}",
          m.rkt ? fmt::format("{}[{}]: ", rd_kafka_topic_name(m.rkt), m.partition) : std::string(),
          rd_kafka_message_errstr(&m));
      continue;
    }
    Assigned* a = Find(m);
    if (a == nullptr) continue;  // fetched before its partition was revoked
    if (a->tracker.OnMessage(m.offset) == GapTracker::Seen::kBackwards) {
      Log().warn("{}[{}] went back to offset {} (reset or re-delivery)", rd_kafka_topic_name(m.rkt),
                 m.partition, m.offset);
    }
    Message msg;
    msg.topic = rd_kafka_topic_name(m.rkt);
    msg.partition = m.partition;
    msg.offset = m.offset;
    if (m.key != nullptr) msg.key = {static_cast<const char*>(m.key), m.key_len};
    if (m.payload != nullptr) msg.payload = {static_cast<const char*>(m.payload), m.len};
    rd_kafka_timestamp_type_t type;
    std::int64_t ts = rd_kafka_message_timestamp(&m, &type);
    msg.timestamp_ms = ts >= 0 ? ts : 0;
    out->push_back(msg);
  }
  ResolveGaps();
  if (fatal_) return FatalStatus();
  return Status::Ok();
}

Status ConsumerImpl::AssignAll() {
  constexpr int kMetadataTimeoutMs = 10000;
  // Every topic the broker has (a request naming a topic could create it on a broker
  // that auto-creates topics; a group subscription never does).
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t e = rd_kafka_metadata(rk_.get(), 1, nullptr, &md, kMetadataTimeoutMs);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Unavailable(fmt::format("kafka metadata: {}", ErrorText(e)));
  }
  PartitionListPtr list(rd_kafka_topic_partition_list_new(64));
  std::string missing;
  for (const std::string& topic : manual_topics_) {
    int partitions = 0;
    for (int i = 0; i < md->topic_cnt; ++i) {
      const rd_kafka_metadata_topic_t& t = md->topics[i];
      if (topic == t.topic && t.err == RD_KAFKA_RESP_ERR_NO_ERROR) partitions = t.partition_cnt;
    }
    if (partitions < 1) missing += (missing.empty() ? "" : ", ") + topic;
    for (int p = 0; p < partitions; ++p) {
      rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p);
    }
  }
  rd_kafka_metadata_destroy(md);
  if (!missing.empty()) {
    return Status::Unavailable(fmt::format("input topic(s) not found: {}", missing));
  }
  manual_topics_.clear();
  Assign(list.get(), false);
  return Status::Ok();
}

ConsumerImpl::Assigned* ConsumerImpl::Find(const rd_kafka_message_t& m) {
  if (m.rkt == last_topic_ && m.partition == last_partition_) return last_assigned_;
  auto it = assigned_.find(Key(rd_kafka_topic_name(m.rkt), m.partition));
  last_topic_ = m.rkt;
  last_partition_ = m.partition;
  last_assigned_ = it == assigned_.end() ? nullptr : &it->second;
  return last_assigned_;
}

Status ConsumerImpl::Pause() {
  paused_ = true;
  return SetPaused(true);
}

Status ConsumerImpl::Resume() {
  paused_ = false;
  return SetPaused(false);
}

Status ConsumerImpl::SetPaused(bool paused) {
  if (closed_) return Status::InvalidArgument("consumer is closed");
  Status st;
  PartitionListPtr list = Assignment(rk_.get(), &st);
  if (!list) return st;
  rd_kafka_resp_err_t e = paused ? rd_kafka_pause_partitions(rk_.get(), list.get())
                                 : rd_kafka_resume_partitions(rk_.get(), list.get());
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Unavailable(
        fmt::format("kafka {}: {}", paused ? "pause" : "resume", ErrorText(e)));
  }
  return Status::Ok();
}

void ConsumerImpl::CommitAsync(std::string_view topic, std::int32_t partition,
                               std::int64_t next_offset) {
  // Without a group there is no member to commit as (a broker refuses it once the group
  // has had members, and librdkafka logs a warning per partition each time).
  if (closed_ || !joined_) return;
  PartitionListPtr list(rd_kafka_topic_partition_list_new(1));
  std::string name(topic);
  rd_kafka_topic_partition_list_add(list.get(), name.c_str(), partition)->offset = next_offset;
  rd_kafka_resp_err_t e = rd_kafka_commit(rk_.get(), list.get(), 1);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Log().debug("commit of {}[{}] at {} not sent: {}", topic, partition, next_offset, ErrorText(e));
  }
}

std::optional<std::int64_t> ConsumerImpl::HighWatermark(std::string_view topic,
                                                        std::int32_t partition) {
  if (closed_) return std::nullopt;
  std::string name(topic);
  std::int64_t low = RD_KAFKA_OFFSET_INVALID;
  std::int64_t high = RD_KAFKA_OFFSET_INVALID;
  if (rd_kafka_get_watermark_offsets(rk_.get(), name.c_str(), partition, &low, &high) !=
          RD_KAFKA_RESP_ERR_NO_ERROR ||
      high < 0) {
    return std::nullopt;
  }
  return high;
}

std::vector<std::pair<std::string, std::int64_t>> ConsumerImpl::Lag() {
  std::vector<std::pair<std::string, std::int64_t>> lag;
  if (closed_) return lag;
  Status st;
  PartitionListPtr list = Assignment(rk_.get(), &st);
  if (!list) return lag;
  rd_kafka_position(rk_.get(), list.get());  // cached: no broker round trip
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& tp = list->elems[i];
    std::int64_t low = RD_KAFKA_OFFSET_INVALID;
    std::int64_t high = RD_KAFKA_OFFSET_INVALID;
    if (rd_kafka_get_watermark_offsets(rk_.get(), tp.topic, tp.partition, &low, &high) !=
            RD_KAFKA_RESP_ERR_NO_ERROR ||
        high < 0) {
      continue;  // nothing fetched yet
    }
    std::int64_t position = tp.offset;
    if (position < 0) {
      auto it = assigned_.find(Key(tp.topic, tp.partition));
      if (it != assigned_.end() && it->second.tracker.next() >= 0) {
        position = it->second.tracker.next();
      } else if (low >= 0) {
        position = low;
      } else {
        continue;
      }
    }
    lag.emplace_back(fmt::format("{}[{}]", tp.topic, tp.partition),
                     std::max<std::int64_t>(0, high - position));
  }
  return lag;
}

void ConsumerImpl::Close() {
  if (closed_ || !rk_) return;
  closed_ = true;
  batch_.clear();
  if (!joined_) {  // no rebalance callback: revoke here
    for (const auto& [key, a] : assigned_) {
      if (listener_) listener_->OnRevoked(key.first, key.second);
    }
    rd_kafka_assign(rk_.get(), nullptr);
  }
  rd_kafka_resp_err_t e = rd_kafka_consumer_close(rk_.get());  // revokes via the callback
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) Log().warn("consumer close: {}", ErrorText(e));
  assigned_.clear();
  Log().info("consumer closed");
}

}  // namespace careloop::kafka
