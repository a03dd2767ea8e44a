#include "careloop/engine/replay.h"

#include <string>

#include "careloop/engine/processor.h"
#include "careloop/engine/txn.h"
#include "record_json.h"

namespace careloop::engine {

namespace {

bool Blank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

}  // namespace

std::string ReplayLine(std::string_view topic, std::string_view key, std::string_view value) {
  // With the records' own writer (record_json.h): the record is copied in one go.
  JsonWriter& w = StartRecord();
  w.StartObject();
  JsonKey(w, "topic");
  JsonString(w, topic);
  JsonKey(w, "key");
  JsonString(w, key);
  JsonKey(w, "value");
  w.RawValue(value.data(), value.size(), rapidjson::kObjectType);
  w.EndObject();
  return FinishRecord();
}

Result<ReplayStats> Replay(const decode::Catalog& catalog, const rules::RuleSet& rules,
                           const WorkflowSet& workflows, const Topics& topics, state::Store& store,
                           std::istream& in, std::optional<TimeMs> until, const OutputFn& out,
                           metrics::Metrics* metrics) {
  Processor processor(catalog, rules, workflows, topics, metrics);
  EventTimeClock clock;
  Txn txn(store);
  state::WriteSet set;
  std::vector<state::OutboxEntry> emitted;
  ReplayStats stats;
  std::string line;
  std::int64_t line_no = 0;
  auto commit = [&]() -> Status {
    txn.Finish(&set, &emitted);
    set.outbox_add.clear();  // replay writes records to `out`, not to an outbox
    CARELOOP_RETURN_IF_ERROR(store.Apply(set));
    for (const auto& e : emitted) {
      out(e.topic, e.key, e.value);
      stats.records_out++;
    }
    return Status::Ok();
  };
  while (std::getline(in, line)) {
    ++line_no;
    if (Blank(line)) continue;
    stats.lines++;
    Input input{"", 0, line_no, "", line};
    CARELOOP_RETURN_IF_ERROR(processor.Process(input, clock, txn));
    CARELOOP_RETURN_IF_ERROR(commit());
  }
  if (in.bad()) return Status::IoError("reading the input failed");
  if (until) {
    clock.AdvanceTo(*until);
    std::size_t fired = 1;
    while (fired > 0) {
      CARELOOP_RETURN_IF_ERROR(
          processor.FireDue(clock.now(), clock.now(), true, txn, 1000, nullptr, &fired));
      CARELOOP_RETURN_IF_ERROR(commit());
    }
  }
  CARELOOP_RETURN_IF_ERROR(commit());
  return stats;
}

}  // namespace careloop::engine
