#include "broker_control.h"

#include <fmt/format.h>

#include <charconv>
#include <sstream>
#include <utility>
#include <vector>

namespace careloop::app {
namespace {

// Kafka protocol API keys and error codes by name (the ones worth injecting).
const std::pair<const char*, int> kApis[] = {
    {"Produce", 0},         {"Fetch", 1},       {"ListOffsets", 2},      {"Metadata", 3},
    {"OffsetCommit", 8},    {"OffsetFetch", 9}, {"FindCoordinator", 10}, {"JoinGroup", 11},
    {"Heartbeat", 12},      {"LeaveGroup", 13}, {"SyncGroup", 14},       {"ApiVersions", 18},
    {"InitProducerId", 22},
};
const std::pair<const char*, int> kErrors[] = {
    {"LEADER_NOT_AVAILABLE", 5},       {"NOT_LEADER_OR_FOLLOWER", 6},
    {"REQUEST_TIMED_OUT", 7},          {"BROKER_NOT_AVAILABLE", 8},
    {"NETWORK_EXCEPTION", 13},         {"COORDINATOR_LOAD_IN_PROGRESS", 14},
    {"COORDINATOR_NOT_AVAILABLE", 15}, {"NOT_COORDINATOR", 16},
    {"NOT_ENOUGH_REPLICAS", 19},       {"NOT_ENOUGH_REPLICAS_AFTER_APPEND", 20},
    {"KAFKA_STORAGE_ERROR", 56},
};

bool ParseInt(std::string_view s, int* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

template <std::size_t N>
bool Lookup(const std::pair<const char*, int> (&table)[N], std::string_view s, int* out) {
  if (ParseInt(s, out)) return true;
  for (const auto& [name, value] : table) {
    if (s == name) {
      *out = value;
      return true;
    }
  }
  return false;
}

Status Bad(std::string_view line, std::string_view why) {
  return Status::InvalidArgument(fmt::format("'{}': {}", line, why));
}

}  // namespace

Result<std::string> ApplyBrokerCommand(kafka::MockBroker& broker, std::string_view line) {
  std::istringstream in{std::string(line)};
  std::vector<std::string> w;
  for (std::string word; in >> word;) w.push_back(word);
  if (w.empty()) return Bad(line, "empty command");
  const std::string& cmd = w[0];
  if ((cmd == "down" || cmd == "up") && w.size() == 2) {
    int id = 0;
    if (!ParseInt(w[1], &id)) return Bad(line, "BROKER must be a number");
    CARELOOP_RETURN_IF_ERROR(broker.SetBrokerDown(id, cmd == "down"));
    return fmt::format("broker {} {}", id, cmd);
  }
  if (cmd == "errors" && w.size() == 4) {
    int api = 0, count = 0, code = 0;
    if (!Lookup(kApis, w[1], &api)) return Bad(line, "unknown API");
    if (!ParseInt(w[2], &count) || count < 0) return Bad(line, "COUNT must be >= 0");
    if (!Lookup(kErrors, w[3], &code)) return Bad(line, "unknown ERROR");
    CARELOOP_RETURN_IF_ERROR(broker.PushRequestErrors(api, count, code));
    return fmt::format("{} x {} error {}", count, w[1], code);
  }
  if (cmd == "leader" && w.size() == 4) {
    int id = 0;
    if (!ParseInt(w[3], &id)) return Bad(line, "BROKER must be a number");
    int first = 0, last = broker.partitions() - 1;
    if (w[2] != "*") {
      if (!ParseInt(w[2], &first)) return Bad(line, "PARTITION must be a number or *");
      last = first;
    }
    for (int p = first; p <= last; ++p) {
      CARELOOP_RETURN_IF_ERROR(broker.SetPartitionLeader(w[1], p, id));
    }
    return fmt::format("{}[{}] led by {}", w[1], w[2], id);
  }
  if (cmd == "coordinator" && w.size() == 3) {
    int id = 0;
    if (!ParseInt(w[2], &id)) return Bad(line, "BROKER must be a number");
    CARELOOP_RETURN_IF_ERROR(broker.SetGroupCoordinator(w[1], id));
    return fmt::format("coordinator of {} is {}", w[1], id);
  }
  return Bad(line,
             "expected down|up BROKER, errors API COUNT ERROR, leader TOPIC PARTITION "
             "BROKER or coordinator GROUP BROKER");
}

}  // namespace careloop::app
