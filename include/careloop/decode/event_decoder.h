// EventDecoder: native JSON input events (contract.md) to domain values, with simdjson
// On-Demand.
//
// One call decodes one message. A whole-message fault (not JSON, not an object, unknown
// `type`, a missing or invalid `event_id` / `worker_id` / `occurred_at` / `results`, …)
// gives `usable == false` and one RejectedItem with index -1 and the whole payload. A
// bad single result (unknown test or unit, non-numeric value, missing finding, value
// out of plausible range, …) gives a RejectedItem with that result's index and JSON,
// while the rest of the report is decoded and used.
//
// Ownership: borrows the Catalog (must outlive the decoder); owns a simdjson parser and
// a padded copy buffer, reused across calls.
// Thread-safety: not thread-safe; use one decoder per thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "careloop/decode/catalog.h"
#include "careloop/model.h"

namespace careloop::decode {

enum class EventType { kLabResult, kCheckin, kPetition };
std::string_view EventTypeName(EventType t);  // "lab_result" "checkin" "petition"

struct Decoded {
  std::optional<EventType> type;  // set whenever `type` could be read
  bool usable = false;            // the message (or its good parts) can be applied
  std::string event_id;           // as far as it could be read, for dead-letter context
  std::string worker_id;
  LabResult lab;                  // when type == kLabResult && usable
  std::vector<RejectedItem> rejected;
};

class EventDecoder {
 public:
  explicit EventDecoder(const Catalog& catalog);
  ~EventDecoder();
  EventDecoder(const EventDecoder&) = delete;
  EventDecoder& operator=(const EventDecoder&) = delete;

  // Decodes `bytes` into `*out` (cleared first). Never throws; bad input is data.
  void Decode(std::string_view bytes, Decoded* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace careloop::decode
