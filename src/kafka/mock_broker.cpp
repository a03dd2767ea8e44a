// MockBroker: librdkafka's mock cluster, owned by a dedicated (otherwise idle) producer
// handle, with careloop's topics created up front.
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
// rdkafka_mock.h requires rdkafka.h first.
#include <librdkafka/rdkafka_mock.h>

#include <vector>

#include "careloop/kafka/kafka.h"
#include "kafka/config.h"
#include "kafka/handles.h"

namespace careloop::kafka {

namespace {

struct MockClusterDeleter {
  void operator()(rd_kafka_mock_cluster_t* p) const { rd_kafka_mock_cluster_destroy(p); }
};
using MockClusterPtr = std::unique_ptr<rd_kafka_mock_cluster_t, MockClusterDeleter>;

class MockBrokerImpl final : public MockBroker {
 public:
  MockBrokerImpl(KafkaPtr rk, MockClusterPtr cluster, std::string bootstrap, int brokers,
                 int partitions)
      : rk_(std::move(rk)),
        cluster_(std::move(cluster)),
        bootstrap_(std::move(bootstrap)),
        brokers_(brokers),
        partitions_(partitions) {}
  ~MockBrokerImpl() override {
    cluster_.reset();  // stop the brokers before the handle that owns them
    rk_.reset();
    Log().info("embedded broker at {} stopped", bootstrap_);
  }

  const std::string& bootstrap_servers() const override { return bootstrap_; }

  Status SetBrokerDown(int broker_id, bool down) override {
    rd_kafka_resp_err_t err = down ? rd_kafka_mock_broker_set_down(cluster_.get(), broker_id)
                                   : rd_kafka_mock_broker_set_up(cluster_.get(), broker_id);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::InvalidArgument(
          fmt::format("mock broker {} {}: {}", broker_id, down ? "down" : "up", ErrorText(err)));
    }
    Log().info("embedded broker {} is {}", broker_id, down ? "down" : "up");
    return Status::Ok();
  }

  Status PushRequestErrors(int api_key, int count, int error_code) override {
    if (count < 0 || api_key < 0 || api_key > INT16_MAX) {
      return Status::InvalidArgument(
          fmt::format("PushRequestErrors: api key {} count {}", api_key, count));
    }
    std::vector<rd_kafka_resp_err_t> errors(static_cast<std::size_t>(count),
                                            static_cast<rd_kafka_resp_err_t>(error_code));
    rd_kafka_mock_push_request_errors_array(cluster_.get(), static_cast<std::int16_t>(api_key),
                                            errors.size(), errors.data());
    Log().info("embedded broker: the next {} requests of api key {} fail with {}", count, api_key,
               ErrorText(static_cast<rd_kafka_resp_err_t>(error_code)));
    return Status::Ok();
  }

  Status SetPartitionLeader(std::string_view topic, std::int32_t partition,
                            int broker_id) override {
    if (partition < 0 || partition >= partitions_ || broker_id == 0 || broker_id < -1 ||
        broker_id > brokers_) {
      return Status::InvalidArgument(
          fmt::format("mock leader of {}[{}]: broker {}", topic, partition, broker_id));
    }
    const std::string t(topic);
    rd_kafka_resp_err_t err =
        rd_kafka_mock_partition_set_leader(cluster_.get(), t.c_str(), partition, broker_id);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::InvalidArgument(
          fmt::format("mock leader of {}[{}]: {}", topic, partition, ErrorText(err)));
    }
    Log().info("embedded broker: {}[{}] led by broker {}", topic, partition, broker_id);
    return Status::Ok();
  }

  Status SetGroupCoordinator(std::string_view group, int broker_id) override {
    if (broker_id < 1 || broker_id > brokers_) {
      return Status::InvalidArgument(fmt::format("mock coordinator: broker {}", broker_id));
    }
    const std::string g(group);
    rd_kafka_resp_err_t err =
        rd_kafka_mock_coordinator_set(cluster_.get(), "group", g.c_str(), broker_id);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::InvalidArgument(fmt::format("mock coordinator: {}", ErrorText(err)));
    }
    Log().info("embedded broker: group coordinator is broker {}", broker_id);
    return Status::Ok();
  }

  int brokers() const override { return brokers_; }
  int partitions() const override { return partitions_; }

 private:
  KafkaPtr rk_;  // declared first: destroyed after the cluster
  MockClusterPtr cluster_;
  std::string bootstrap_;
  const int brokers_;
  const int partitions_;
};

}  // namespace

Result<std::unique_ptr<MockBroker>> MockBroker::Start(const Options& options) {
  if (options.brokers < 1 || options.partitions < 1) {
    return Status::InvalidArgument(
        fmt::format("mock broker: {} brokers, {} partitions", options.brokers, options.partitions));
  }
  // The handle only hosts the cluster; its notice that it has no bootstrap.servers of
  // its own is noise: warnings and errors only.
  auto conf = MakeConf({{"client.id", "careloop-mock-broker"}, {"log_level", "4"}}, {});
  if (!conf.ok()) return conf.status();
  char err[512];
  // rd_kafka_new takes ownership of the configuration only on success.
  KafkaPtr rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), err, sizeof(err)));
  if (!rk) return Status::Internal(fmt::format("mock broker handle: {}", err));
  conf->release();

  MockClusterPtr cluster(rd_kafka_mock_cluster_new(rk.get(), options.brokers));
  if (!cluster) return Status::Internal("rd_kafka_mock_cluster_new failed");
  for (const std::string& topic : options.topics) {
    rd_kafka_resp_err_t e =
        rd_kafka_mock_topic_create(cluster.get(), topic.c_str(), options.partitions, 1);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::Internal(fmt::format("mock topic {}: {}", topic, ErrorText(e)));
    }
  }
  std::string bootstrap = rd_kafka_mock_cluster_bootstraps(cluster.get());
  Log().info(
      "embedded broker (librdkafka {} mock cluster, {} broker(s), {} topics x {} "
      "partitions) at {}",
      rd_kafka_version_str(), options.brokers, options.topics.size(), options.partitions,
      bootstrap);
  return std::unique_ptr<MockBroker>(
      new MockBrokerImpl(std::move(rk), std::move(cluster), std::move(bootstrap),
                         options.brokers, options.partitions));
}

}  // namespace careloop::kafka
