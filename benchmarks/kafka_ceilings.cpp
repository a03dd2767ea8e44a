// Produce and consume ceilings against the embedded broker.
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <memory>
#include <thread>

#include "careloop/kafka/kafka.h"
#include "ceilings.h"

namespace careloop::bench {
namespace {

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const {
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
  }
};
using KafkaPtr = std::unique_ptr<rd_kafka_t, KafkaDeleter>;

// A plain consumer handle (assign only, never joins its group).
Result<KafkaPtr> RawConsumer(const std::string& bootstrap) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  const std::pair<const char*, const char*> props[] = {
      {"bootstrap.servers", bootstrap.c_str()},
      {"group.id", "careloop-bench-raw"},
      {"enable.auto.commit", "false"},
      {"enable.partition.eof", "false"},
      {"fetch.wait.max.ms", "10"},
      {"queued.min.messages", "1000000"},
      {"queued.max.messages.kbytes", "1048576"},
      {"log_level", "3"},
  };
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k, v, err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Status::InvalidArgument(fmt::format("{}: {}", k, err));
    }
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::Internal(fmt::format("rd_kafka_new: {}", err));
  }
  rd_kafka_poll_set_consumer(rk);
  return KafkaPtr(rk);
}

}  // namespace

Result<Rate> ProduceAll(const std::string& bootstrap, const std::string& topic,
                        const std::vector<Event>& events, std::size_t begin, std::size_t end) {
  std::uint64_t failed = 0;
  kafka::Producer::Options po;
  po.bootstrap_servers = bootstrap;
  auto producer = kafka::Producer::Create(po, [&](std::uint64_t, const Status& s) {
    if (!s.ok()) ++failed;
  });
  if (!producer.ok()) return producer.status();
  kafka::Producer& p = **producer;
  Rate r;
  const auto start = SteadyClock::now();
  double bytes = 0;
  for (std::size_t i = begin; i < end; ++i) {
    const Event& e = events[i];
    for (;;) {
      Status st = p.Produce(topic, e.key, e.json, i);
      if (st.ok()) break;
      if (st.code() != Status::Code::kUnavailable) return st;
      p.Poll(1);  // local queue full: serve delivery reports, then retry
    }
    bytes += static_cast<double>(e.json.size());
  }
  CARELOOP_RETURN_IF_ERROR(p.Flush(120000));
  r.seconds = SecondsSince(start);
  r.count = end - begin;
  r.per_second = r.count / r.seconds;
  r.mb_per_second = bytes / 1048576.0 / r.seconds;
  if (failed > 0) return Status::Internal(fmt::format("{} records not delivered", failed));
  return r;
}

Result<std::vector<std::pair<std::int64_t, std::int64_t>>> Watermarks(const std::string& bootstrap,
                                                                      const std::string& topic,
                                                                      int partitions) {
  auto rk = RawConsumer(bootstrap);
  if (!rk.ok()) return rk.status();
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (int p = 0; p < partitions; ++p) {
    std::int64_t low = 0, high = 0;
    rd_kafka_resp_err_t e =
        rd_kafka_query_watermark_offsets(rk->get(), topic.c_str(), p, &low, &high, 10000);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::Unavailable(
          fmt::format("watermarks of {}[{}]: {}", topic, p, rd_kafka_err2str(e)));
    }
    out.emplace_back(low, high);
  }
  return out;
}

Result<Rate> ConsumeCeiling(const std::string& bootstrap, const std::string& topic, int partitions,
                            std::uint64_t expect) {
  auto rk = RawConsumer(bootstrap);
  if (!rk.ok()) return rk.status();
  std::unique_ptr<rd_kafka_topic_partition_list_t, decltype(&rd_kafka_topic_partition_list_destroy)>
      list(rd_kafka_topic_partition_list_new(partitions), &rd_kafka_topic_partition_list_destroy);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_queue_t* queue = rd_kafka_queue_get_consumer(rk->get());
  std::vector<rd_kafka_message_t*> batch(10000);
  Rate r;
  double bytes = 0;
  const auto start = SteadyClock::now();
  rd_kafka_resp_err_t e = rd_kafka_assign(rk->get(), list.get());
  auto last_progress = SteadyClock::now();
  Status result;
  while (e == RD_KAFKA_RESP_ERR_NO_ERROR && r.count < expect) {
    ssize_t n = rd_kafka_consume_batch_queue(queue, 100, batch.data(), batch.size());
    for (ssize_t i = 0; i < n; ++i) {
      if (batch[i]->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++r.count;
        bytes += static_cast<double>(batch[i]->len);
      }
      rd_kafka_message_destroy(batch[i]);
    }
    if (n > 0) last_progress = SteadyClock::now();
    if (SecondsSince(last_progress) > 20) {
      result = Status::Unavailable(
          fmt::format("consume ceiling: stalled at {} of {} records", r.count, expect));
      break;
    }
  }
  r.seconds = SecondsSince(start);
  rd_kafka_queue_destroy(queue);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Internal(fmt::format("assign: {}", rd_kafka_err2str(e)));
  }
  CARELOOP_RETURN_IF_ERROR(result);
  r.per_second = r.count / r.seconds;
  r.mb_per_second = bytes / 1048576.0 / r.seconds;
  return r;
}

}  // namespace careloop::bench
