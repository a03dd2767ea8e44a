// TailReaderImpl: a group-less consumer with manual assignment, reading ranges of a
// partition once (careloop's restart check of which outbox entries already landed).
//
// Thread-safety: one thread.
#include <fmt/format.h>

#include <chrono>

#include "careloop/kafka/kafka.h"
#include "kafka/config.h"
#include "kafka/handles.h"

namespace careloop::kafka {
namespace {

class TailReaderImpl final : public TailReader {
 public:
  Status Init(const std::string& bootstrap, const Properties& properties) {
    const Properties defaults = {
        {"bootstrap.servers", bootstrap},     {"client.id", "careloop-tail-reader"},
        {"group.id", "careloop-tail-reader"},  // required by the API; never joined or committed
        {"enable.auto.commit", "false"},      {"enable.auto.offset.store", "false"},
        {"enable.partition.eof", "true"},     {"fetch.wait.max.ms", "10"},
    };
    auto conf = MakeConf(defaults, properties);
    if (!conf.ok()) return conf.status();
    char err[512];
    rk_.reset(rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), err, sizeof(err)));
    if (!rk_) return Status::InvalidArgument(fmt::format("kafka tail reader: {}", err));
    conf->release();
    rd_kafka_poll_set_consumer(rk_.get());
    return Status::Ok();
  }

  Result<std::int32_t> Partitions(std::string_view topic, int timeout_ms) override {
    std::string name(topic);
    TopicPtr rkt(rd_kafka_topic_new(rk_.get(), name.c_str(), nullptr));
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk_.get(), 0, rkt.get(), &md, timeout_ms);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::Unavailable(fmt::format("metadata of {}: {}", topic, ErrorText(e)));
    }
    std::int32_t n = md->topic_cnt > 0 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR
                         ? md->topics[0].partition_cnt
                         : 0;
    rd_kafka_metadata_destroy(md);
    return n;
  }

  Result<std::pair<std::int64_t, std::int64_t>> Watermarks(std::string_view topic,
                                                           std::int32_t partition,
                                                           int timeout_ms) override {
    std::string name(topic);
    int64_t low = 0, high = 0;
    rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(rk_.get(), name.c_str(), partition,
                                                             &low, &high, timeout_ms);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::Unavailable(
          fmt::format("watermarks of {}[{}]: {}", topic, partition, ErrorText(e)));
    }
    return std::make_pair(static_cast<std::int64_t>(low), static_cast<std::int64_t>(high));
  }

  Status Read(std::string_view topic, std::int32_t partition, std::int64_t from, std::int64_t to,
              int timeout_ms, const std::function<void(const Record&)>& fn) override {
    if (from >= to) return Status::Ok();
    std::string name(topic);
    PartitionListPtr list(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(list.get(), name.c_str(), partition)->offset = from;
    rd_kafka_resp_err_t e = rd_kafka_assign(rk_.get(), list.get());
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::Unavailable(fmt::format("assign {}[{}]: {}", topic, partition, ErrorText(e)));
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    std::int64_t next = from;
    Status result = Status::Ok();
    while (next < to) {
      if (std::chrono::steady_clock::now() > deadline) {
        result = Status::Unavailable(fmt::format("reading {}[{}] [{}, {}) timed out at {}", topic,
                                                 partition, from, to, next));
        break;
      }
      MessagePtr m(rd_kafka_consumer_poll(rk_.get(), 100));
      if (!m) continue;
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        if (m->offset >= to) break;
        continue;
      }
      if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        Log().warn("tail reader {}[{}]: {}", topic, partition, ErrorText(m->err));
        continue;
      }
      if (m->offset >= to) break;
      Record r;
      r.partition = m->partition;
      r.offset = m->offset;
      rd_kafka_headers_t* hdrs = nullptr;
      if (rd_kafka_message_headers(m.get(), &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR && hdrs) {
        const char* hname;
        const void* value;
        size_t size;
        for (size_t i = 0;
             rd_kafka_header_get_all(hdrs, i, &hname, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
             ++i) {
          r.headers.emplace_back(hname, std::string(static_cast<const char*>(value), size));
        }
      }
      next = m->offset + 1;
      fn(r);
    }
    rd_kafka_assign(rk_.get(), nullptr);
    return result;
  }

  ~TailReaderImpl() override {
    if (rk_) rd_kafka_consumer_close(rk_.get());
  }

 private:
  KafkaPtr rk_;
};

}  // namespace

Result<std::unique_ptr<TailReader>> TailReader::Create(const std::string& bootstrap_servers,
                                                       const Properties& properties) {
  auto r = std::make_unique<TailReaderImpl>();
  CARELOOP_RETURN_IF_ERROR(r->Init(bootstrap_servers, properties));
  return std::unique_ptr<TailReader>(std::move(r));
}

}  // namespace careloop::kafka
