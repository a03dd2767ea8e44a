// EventDecoder: native JSON input events (contract.md) to domain values, with simdjson
// On-Demand.
//
// One call decodes one message. A whole-message fault (not JSON, not an object, unknown
// `type`, a missing or invalid `event_id` / `worker_id` / `occurred_at` / `results`, …)
// gives `usable == false` and one RejectedItem with index -1 and the whole payload. A
// bad single result (unknown test or unit, non-numeric value, missing finding, value
// out of plausible range, …) gives a RejectedItem with that result's index and JSON,
// while the rest of the report is decoded and used. When every result is bad, each is
// rejected on its own and `usable == false` (no extra whole-message item).
//
// Reason codes (RejectedItem::reason_code; stable metric labels):
//   whole message: too_large (over kMaxMessageBytes; not parsed, payload cut to
//     kTooLargePayloadBytes), invalid_utf8, not_json (malformed anywhere it was read,
//     trailing content, NaN/Infinity literals), not_object, duplicate_key, missing_field
//     (absent or empty), invalid_field (wrong JSON type, too long, control characters,
//     bad occurred_at), unknown_type, empty_results, unknown_kind (checkin),
//     unknown_action (petition);
//   one result (index >= 0): invalid_field (not an object, wrong JSON type),
//     duplicate_key, missing_field (neither test nor loinc), unknown_test (unknown code
//     or LOINC), test_loinc_mismatch, wrong_result_kind (value on a qualitative test or
//     finding on a quantitative one), missing_value, non_numeric_value (a string such
//     as "2.9", a boolean, null, …), out_of_range (outside the catalog's plausible range
//     after conversion, or beyond a double such as 1e400), missing_unit, unknown_unit,
//     missing_finding, unknown_finding, invalid_hpv, invalid_flag, invalid_status.
// Reasons name the field, the result index ("results[2]") and the test, never a value or
// finding (health data); units, codes and type names are quoted.
//
// Decoding reads what it needs in one forward pass: unknown fields are accepted and
// skipped without being parsed (so deep nesting inside them is skipped iteratively, no
// recursion, and malformed JSON inside them is not noticed), and duplicate keys are
// rejected wherever they are read (the top-level object and each result).
//
// Ownership: borrows the Catalog (must outlive the decoder); owns a simdjson parser and
// a padded copy buffer, reused across calls.
// Thread-safety: not thread-safe; use one decoder per thread.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "careloop/decode/catalog.h"
#include "careloop/model.h"

namespace careloop::decode {

// Messages over this size are rejected (too_large) without being parsed.
inline constexpr size_t kMaxMessageBytes = size_t{1} << 20;
// The part of a too-large message kept as its dead-letter payload.
inline constexpr size_t kTooLargePayloadBytes = size_t{64} << 10;

enum class EventType { kLabResult, kCheckin, kPetition };
std::string_view EventTypeName(EventType t);  // "lab_result" "checkin" "petition"

struct Decoded {
  std::optional<EventType> type;  // set whenever `type` could be read
  bool usable = false;            // the message (or its good parts) can be applied
  std::string event_id;           // as far as it could be read, for dead-letter context
  std::string worker_id;
  LabResult lab;      // when type == kLabResult && usable
  Checkin checkin;    // when type == kCheckin && usable
  Petition petition;  // when type == kPetition && usable
  std::vector<RejectedItem> rejected;
};

class EventDecoder {
 public:
  explicit EventDecoder(const Catalog& catalog);
  ~EventDecoder();
  EventDecoder(const EventDecoder&) = delete;
  EventDecoder& operator=(const EventDecoder&) = delete;

  // Decodes `bytes` into `*out` (cleared first; reusing one Decoded keeps its buffers).
  // Never throws; bad input is data. `out->event_id` / `worker_id` are set as soon as
  // they are read, even when the message is then rejected.
  void Decode(std::string_view bytes, Decoded* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace careloop::decode
