// Test support for tests/api: native input events as JSON lines, at given event times,
// and the summaries of the files the replay engine wrote for them.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include <fmt/format.h>

#include "api/case_summary.h"
#include "careloop/engine/workflow_set.h"
#include "careloop/time.h"
#include "support/replay_fixture.h"

namespace careloop::apitest {

// 2026-04-01T00:00:00Z: the scenarios' T0.
constexpr TimeMs kT0 = 1775001600000;

inline std::string At(TimeMs t) { return FormatRfc3339(t); }

// A lab result with one quantitative test, e.g. Lab("e1", "W1", kT0, "TG", 6.1, "mmol/L").
inline std::string Lab(const std::string& event_id, const std::string& worker, TimeMs t,
                       const std::string& test, double value, const std::string& unit,
                       const std::string& exam = "X1") {
  return fmt::format(
             R"({{"type":"lab_result","event_id":"{}","worker_id":"{}","occurred_at":"{}","source":"van","exam_id":"{}","results":[{{"test":"{}","value":{},"unit":"{}"}}]}})",
             event_id, worker, At(t), exam, test, value, unit) +
         "\n";
}

inline std::string Contact(const std::string& event_id, const std::string& worker, TimeMs t,
                           const std::string& outcome) {
  return fmt::format(
             R"({{"type":"checkin","event_id":"{}","worker_id":"{}","occurred_at":"{}","source":"app","kind":"contact","channel":"phone","outcome":"{}","staff_id":"S07"}})",
             event_id, worker, At(t), outcome) +
         "\n";
}

inline std::string ExamDone(const std::string& event_id, const std::string& worker, TimeMs t,
                            const std::string& exam) {
  return fmt::format(
             R"({{"type":"checkin","event_id":"{}","worker_id":"{}","occurred_at":"{}","source":"van","kind":"exam_done","exam_id":"{}"}})",
             event_id, worker, At(t), exam) +
         "\n";
}

inline std::string PetitionEvent(const std::string& event_id, const std::string& petition,
                                 const std::string& worker, TimeMs t, const std::string& action,
                                 const std::string& weight = "routine") {
  return fmt::format(
             R"({{"type":"petition","event_id":"{}","petition_id":"{}","worker_id":"{}","occurred_at":"{}","source":"union-app","action":"{}","channel":"app","category":"facility","weight":"{}","summary":"first-aid kit","handler":"S01"}})",
             event_id, petition, worker, At(t), action, weight) +
         "\n";
}

inline const engine::WorkflowSet& Workflows() {
  static const engine::WorkflowSet set = [] {
    auto w = engine::WorkflowSet::LoadDir(std::string(CARELOOP_SOURCE_DIR) + "/topologies");
    REQUIRE(w.ok());
    return std::move(w).value();
  }();
  return set;
}

inline api::WorkerSummary SummaryOf(testing::ReplayFixture& f, const std::string& worker) {
  auto bytes = f.store().GetEntity(state::EntityKind::kWorker, 0, worker);
  REQUIRE(bytes.ok());
  REQUIRE(bytes->has_value());
  auto file = state::DecodeWorkerFile(**bytes);
  REQUIRE(file.ok());
  return api::SummarizeWorker(*file, 0, Workflows());
}

inline api::PetitionSummary PetitionSummaryOf(testing::ReplayFixture& f, const std::string& id) {
  auto bytes = f.store().GetEntity(state::EntityKind::kPetition, 0, id);
  REQUIRE(bytes.ok());
  REQUIRE(bytes->has_value());
  auto file = state::DecodePetitionFile(**bytes);
  REQUIRE(file.ok());
  return api::SummarizePetition(*file, 0, Workflows());
}

}  // namespace careloop::apitest
