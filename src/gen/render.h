// Native JSON for the generated events (contract.md), written with RapidJSON's Writer:
// compact, one line, fields in the contract's order.
//
// Thread-safety: pure functions.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "careloop/time.h"
#include "gen/report.h"

namespace careloop::gen {

// The common fields. Empty event_id / worker_id / exam_id are left out (bad input, or a
// check-in without an exam); `occurred_at` is written as given, or as the number
// `occurred_at_ms` when `occurred_at_as_number` (bad input).
struct EventHeader {
  std::string event_id;
  std::string worker_id;
  std::string occurred_at;
  bool occurred_at_as_number = false;
  TimeMs occurred_at_ms = 0;
  std::string_view source;
  std::string exam_id;
};

// {"type":"lab_result",...,"results":[...]}
std::string RenderLabResult(const EventHeader& h, std::span<const ReportedResult> results);

struct CheckinFields {
  std::string_view kind;     // exam_arrival, exam_done, contact
  std::string_view channel;  // contact only
  std::string_view outcome;  // contact only
  std::string_view staff_id;
};

// {"type":"checkin",...}
std::string RenderCheckin(const EventHeader& h, const CheckinFields& f);

// RFC 3339 in China time: "2026-04-12T09:13:22+08:00" (".250" before the offset when
// the instant has milliseconds).
std::string LocalTime(TimeMs t);

// "20260412": the local date of `t`, for ids.
std::string LocalDate(TimeMs t);

}  // namespace careloop::gen
