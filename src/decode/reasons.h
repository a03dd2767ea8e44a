// The reason codes of RejectedItem (private): stable, low-cardinality, used as metric
// labels and in dead-letter records. The public list is in careloop/decode/event_decoder.h.
#pragma once

#include <string_view>

namespace careloop::decode::reason {

// Whole message.
inline constexpr std::string_view kTooLarge = "too_large";        // > 1 MiB, not parsed
inline constexpr std::string_view kInvalidUtf8 = "invalid_utf8";  // bytes are not UTF-8
inline constexpr std::string_view kNotJson = "not_json";          // malformed JSON anywhere read
inline constexpr std::string_view kNotObject = "not_object";      // valid JSON, not an object
inline constexpr std::string_view kUnknownType = "unknown_type";  // `type` is no event type
inline constexpr std::string_view kEmptyResults = "empty_results";
// Whole message or one item.
inline constexpr std::string_view kDuplicateKey = "duplicate_key";
inline constexpr std::string_view kMissingField = "missing_field";
inline constexpr std::string_view kInvalidField = "invalid_field";  // wrong JSON type, too long, …
// One lab result.
inline constexpr std::string_view kUnknownTest = "unknown_test";  // unknown code or LOINC
inline constexpr std::string_view kTestLoincMismatch = "test_loinc_mismatch";
inline constexpr std::string_view kWrongResultKind = "wrong_result_kind";  // value vs finding
inline constexpr std::string_view kMissingValue = "missing_value";
inline constexpr std::string_view kNonNumericValue = "non_numeric_value";
inline constexpr std::string_view kOutOfRange = "out_of_range";
inline constexpr std::string_view kMissingUnit = "missing_unit";
inline constexpr std::string_view kUnknownUnit = "unknown_unit";
inline constexpr std::string_view kMissingFinding = "missing_finding";
inline constexpr std::string_view kUnknownFinding = "unknown_finding";
inline constexpr std::string_view kInvalidHpv = "invalid_hpv";
inline constexpr std::string_view kInvalidFlag = "invalid_flag";
inline constexpr std::string_view kInvalidStatus = "invalid_status";
// Check-ins and petitions.
inline constexpr std::string_view kUnknownKind = "unknown_kind";
inline constexpr std::string_view kUnknownAction = "unknown_action";

}  // namespace careloop::decode::reason
