// ProducerImpl: the idempotent librdkafka producer behind kafka::Producer, with one
// delivery report per record carrying the caller's token.
//
// Thread-safety: one thread calls everything; DeliveryFn runs inside Poll()/Flush().
#include <fmt/format.h>

#include <cstdint>
#include <map>

#include "careloop/kafka/kafka.h"
#include "kafka/config.h"
#include "kafka/handles.h"

namespace careloop::kafka {

namespace {

static_assert(sizeof(void*) >= sizeof(std::uint64_t), "tokens travel as message opaques");

class ProducerImpl final : public Producer {
 public:
  explicit ProducerImpl(DeliveryFn on_delivery) : on_delivery_(std::move(on_delivery)) {}
  ~ProducerImpl() override {
    destroying_ = true;  // no delivery reports to an owner that may be half gone
    topics_.clear();
    const int left = rk_ ? rd_kafka_outq_len(rk_.get()) : 0;
    if (left > 0) Log().warn("producer destroyed with {} record(s) not confirmed", left);
  }

  Status Init(const Options& options);

  Status Produce(std::string_view topic, std::string_view key, std::string_view value,
                 std::uint64_t token) override {
    return Produce(topic, key, value, token, Headers{});
  }
  Status Produce(std::string_view topic, std::string_view key, std::string_view value,
                 std::uint64_t token, const Headers& headers) override;
  void Poll(int timeout_ms) override { rd_kafka_poll(rk_.get(), timeout_ms); }
  Status Flush(int timeout_ms) override;
  std::int64_t in_flight() const override { return rd_kafka_outq_len(rk_.get()); }
  Status fatal_error() const override;

 private:
  static void DeliveryCallback(rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque);
  static void ErrorCallback(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  rd_kafka_topic_t* Topic(std::string_view name);

  DeliveryFn on_delivery_;
  KafkaPtr rk_;  // first: destroyed after the topic handles
  std::map<std::string, TopicPtr, std::less<>> topics_;
  bool destroying_ = false;
};

Status ProducerImpl::Init(const Options& options) {
  const Properties defaults = {
      {"bootstrap.servers", options.bootstrap_servers},
      {"client.id", "careloop-producer"},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"compression.type", "lz4"},
      // Red alerts wait this long for companions before leaving (5 before; 2 did not cost
      // backlog throughput: batches fill from a step's records, not from waiting).
      {"linger.ms", "2"},
      {"batch.num.messages", "10000"},
      {"queue.buffering.max.messages", "100000"},
  };
  auto conf = MakeConf(defaults, options.properties);
  if (!conf.ok()) return conf.status();
  rd_kafka_conf_set_opaque(conf->get(), this);
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &ProducerImpl::DeliveryCallback);
  rd_kafka_conf_set_error_cb(conf->get(), &ProducerImpl::ErrorCallback);
  char err[512];
  rk_.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), err, sizeof(err)));
  if (!rk_) return Status::InvalidArgument(fmt::format("kafka producer: {}", err));
  conf->release();  // owned by the handle now
  Log().info("producer (idempotent) for {}", options.bootstrap_servers);
  return Status::Ok();
}

rd_kafka_topic_t* ProducerImpl::Topic(std::string_view name) {
  auto it = topics_.find(name);
  if (it != topics_.end()) return it->second.get();
  std::string owned(name);
  TopicPtr topic(rd_kafka_topic_new(rk_.get(), owned.c_str(), nullptr));
  if (!topic) return nullptr;
  return topics_.emplace(std::move(owned), std::move(topic)).first->second.get();
}

Status ProducerImpl::Produce(std::string_view topic, std::string_view key, std::string_view value,
                             std::uint64_t token, const Headers& headers) {
  CARELOOP_RETURN_IF_ERROR(fatal_error());
  rd_kafka_topic_t* rkt = Topic(topic);
  if (rkt == nullptr) {
    return Status::InvalidArgument(
        fmt::format("topic {}: {}", topic, ErrorText(rd_kafka_last_error())));
  }
  rd_kafka_headers_t* hdrs = nullptr;
  if (!headers.empty()) {
    hdrs = rd_kafka_headers_new(headers.size());
    for (const auto& [name, v] : headers) {
      rd_kafka_header_add(hdrs, name.data(), static_cast<ssize_t>(name.size()), v.data(),
                          static_cast<ssize_t>(v.size()));
    }
  }
  // With headers the rkt form cannot be used: name the topic (its handle stays cached).
  rd_kafka_resp_err_t e =
      hdrs == nullptr
          ? rd_kafka_producev(
                rk_.get(), RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_KEY(key.empty() ? nullptr : key.data(), key.size()),
                RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<std::uintptr_t>(token))),
                RD_KAFKA_V_END)
          : rd_kafka_producev(
                rk_.get(), RD_KAFKA_V_TOPIC(rd_kafka_topic_name(rkt)),
                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_KEY(key.empty() ? nullptr : key.data(), key.size()),
                RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                RD_KAFKA_V_HEADERS(hdrs),
                RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<std::uintptr_t>(token))),
                RD_KAFKA_V_END);
  // On success the message owns the headers; on failure they are still ours.
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR && hdrs != nullptr) rd_kafka_headers_destroy(hdrs);
  switch (e) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
      return Status::Ok();
    case RD_KAFKA_RESP_ERR__QUEUE_FULL:
      return Status::Unavailable(
          fmt::format("producer queue full ({} records in flight)", in_flight()));
    case RD_KAFKA_RESP_ERR__FATAL:
      return fatal_error();
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      return Status::InvalidArgument(fmt::format("produce to {}: {}", topic, ErrorText(e)));
    default:
      return Status::Unavailable(fmt::format("produce to {}: {}", topic, ErrorText(e)));
  }
}

Status ProducerImpl::Flush(int timeout_ms) {
  rd_kafka_resp_err_t e = rd_kafka_flush(rk_.get(), timeout_ms);
  CARELOOP_RETURN_IF_ERROR(fatal_error());
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Unavailable(
        fmt::format("flush: {} record(s) still in flight: {}", in_flight(), ErrorText(e)));
  }
  return Status::Ok();
}

Status ProducerImpl::fatal_error() const {
  char text[512] = "";
  rd_kafka_resp_err_t e = rd_kafka_fatal_error(rk_.get(), text, sizeof(text));
  if (e == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::Ok();
  return Status::Internal(fmt::format("kafka producer fatal error: {}: {}", ErrorText(e), text));
}

void ProducerImpl::DeliveryCallback(rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque) {
  auto* self = static_cast<ProducerImpl*>(opaque);
  if (self->destroying_ || !self->on_delivery_) return;
  const auto token = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(m->_private));
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    self->on_delivery_(token, Status::Ok());
    return;
  }
  std::string why =
      fmt::format("delivery to {} failed: {}", rd_kafka_topic_name(m->rkt), ErrorText(m->err));
  if (m->err == RD_KAFKA_RESP_ERR__FATAL || rd_kafka_fatal_error(rk, nullptr, 0)) {
    self->on_delivery_(token, Status::Internal(std::move(why)));
  } else {
    self->on_delivery_(token, Status::Unavailable(std::move(why)));
  }
}

void ProducerImpl::ErrorCallback(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto code = static_cast<rd_kafka_resp_err_t>(err);
  if (code == RD_KAFKA_RESP_ERR__FATAL) {
    Log().error("{}", static_cast<ProducerImpl*>(opaque)->fatal_error().message());
    return;
  }
  LogClientError("producer", code, reason);
}

}  // namespace

Result<std::unique_ptr<Producer>> Producer::Create(const Options& options, DeliveryFn on_delivery) {
  auto producer = std::make_unique<ProducerImpl>(std::move(on_delivery));
  CARELOOP_RETURN_IF_ERROR(producer->Init(options));
  return std::unique_ptr<Producer>(std::move(producer));
}

}  // namespace careloop::kafka
