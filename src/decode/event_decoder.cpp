// EventDecoder: one pass of simdjson On-Demand over the message collects the top-level
// fields (and decodes `results` on the way), then the fields are checked by event type.
#include "careloop/decode/event_decoder.h"

#include <fmt/format.h>

#include <cstring>

#include "decode/ascii.h"
#include "decode/checkin.h"
#include "decode/fields.h"
#include "decode/json_value.h"
#include "decode/lab_result.h"
#include "decode/petition.h"
#include "decode/reasons.h"

namespace careloop::decode {

std::string_view EventTypeName(EventType t) {
  switch (t) {
    case EventType::kLabResult:
      return "lab_result";
    case EventType::kCheckin:
      return "checkin";
    case EventType::kPetition:
      return "petition";
  }
  return "lab_result";
}

namespace {

using F = EventFields::Key;

std::optional<EventType> ParseEventType(std::string_view s) {
  if (s == "lab_result") return EventType::kLabResult;
  if (s == "checkin") return EventType::kCheckin;
  if (s == "petition") return EventType::kPetition;
  return std::nullopt;
}

// The payload kept for a too-large message: its start, cut on a UTF-8 boundary.
std::string_view TooLargePrefix(std::string_view bytes) {
  size_t n = std::min(bytes.size(), kTooLargePayloadBytes);
  while (n > 0 && n < bytes.size() && (static_cast<unsigned char>(bytes[n]) & 0xC0) == 0x80) --n;
  return bytes.substr(0, n);
}

void RejectWhole(Decoded* out, std::string_view code, std::string reason,
                 std::string_view payload) {
  out->usable = false;
  out->lab.results.clear();
  out->checkin = Checkin{};
  out->petition = Petition{};
  out->rejected.clear();
  out->rejected.push_back(
      RejectedItem{std::string(code), std::move(reason), -1, std::string(payload)});
}

void ResetDecoded(Decoded* out) {
  out->type.reset();
  out->usable = false;
  out->event_id.clear();
  out->worker_id.clear();
  LabResult& lab = out->lab;
  lab.event_id.clear();
  lab.worker_id.clear();
  lab.source.clear();
  lab.exam_id.clear();
  lab.occurred_at = 0;
  lab.results.clear();  // keeps its capacity for the next message
  out->checkin = Checkin{};
  out->petition = Petition{};
  out->rejected.clear();
}

}  // namespace

struct EventDecoder::Impl {
  explicit Impl(const Catalog& c) : catalog(c) {}

  // Copies `bytes` into the padded buffer and reads the top-level object in one pass.
  // Returns a simdjson error for input that is not a JSON object; `*not_object` tells
  // valid JSON that is not an object from malformed JSON.
  simdjson::error_code Scan(std::string_view bytes, Decoded* out, bool* not_object);
  simdjson::error_code ScanResults(od::value& v, std::optional<EventType> type_so_far,
                                   Decoded* out);
  // Checks the collected fields and fills `out`; false with `*fault` for a whole-message
  // fault.
  bool Build(Decoded* out, Fault* fault);
  bool BuildLab(Decoded* out, TimeMs occurred_at, Fault* fault);

  const Catalog& catalog;
  od::parser parser;
  std::unique_ptr<char[]> buf;  // the input, padded for simdjson
  size_t buf_capacity = 0;
  EventFields fields;
  ResultFields result_scratch;
  std::vector<RejectedItem> result_rejects;
};

simdjson::error_code EventDecoder::Impl::Scan(std::string_view bytes, Decoded* out,
                                              bool* not_object) {
  fields.Reset();
  result_rejects.clear();
  const size_t need = bytes.size() + simdjson::SIMDJSON_PADDING;
  if (buf_capacity < need) {
    buf_capacity = std::max(need, buf_capacity * 2);
    buf = std::make_unique_for_overwrite<char[]>(buf_capacity);
  }
  std::memcpy(buf.get(), bytes.data(), bytes.size());
  std::memset(buf.get() + bytes.size(), 0, simdjson::SIMDJSON_PADDING);

  od::document doc;
  if (auto e = parser.iterate(buf.get(), bytes.size(), buf_capacity).get(doc)) return e;
  od::object root;
  if (auto e = doc.get_object().get(root)) {
    if (e == simdjson::INCORRECT_TYPE) {
      // Valid JSON of another kind, or not JSON at all ("hello")?
      od::json_type type;
      std::string_view s;
      double d;
      bool b;
      if (!doc.type().get(type)) {
        switch (type) {
          case od::json_type::array: {
            od::array arr;
            *not_object = !doc.get_array().get(arr) && !arr.raw_json().get(s);
            break;
          }
          case od::json_type::string:
            *not_object = !doc.get_string().get(s);
            break;
          case od::json_type::number:
            *not_object = !doc.get_double().get(d);
            break;
          case od::json_type::boolean:
            *not_object = !doc.get_bool().get(b);
            break;
          case od::json_type::null:
            *not_object = !doc.is_null().get(b) && b;
            break;
          case od::json_type::object:
            break;
        }
      }
    }
    return e;
  }
  std::optional<EventType> type_so_far;
  for (auto field_result : root) {
    od::field field;
    if (auto e = std::move(field_result).get(field)) return e;
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return e;
    const int k = FindKey(EventFields::kNames, key);
    // Repeats and unknown fields are skipped by the iterator (not read).
    if (!fields.keys.Add(k, key) || k < 0) continue;
    if (k == F::kResults) {
      if (auto e = ScanResults(field.value(), type_so_far, out)) return e;
      continue;
    }
    FieldValue& v = fields.f[k];
    if (auto e = ReadValue(field.value(), &v)) return e;
    if (!v.is_string()) continue;
    // Kept as soon as read, so that even a rejected message names its event and worker.
    Fault ignored;
    if (k == F::kType) {
      type_so_far = ParseEventType(v.str);
    } else if (k == F::kEventId && CheckId(v, "event_id", kMaxEventIdBytes, &ignored)) {
      out->event_id.assign(v.str);
    } else if (k == F::kWorkerId && CheckId(v, "worker_id", kMaxWorkerIdBytes, &ignored)) {
      out->worker_id.assign(v.str);
    }
  }
  const char* trailing = nullptr;
  if (!doc.current_location().get(trailing)) return simdjson::TRAILING_CONTENT;
  return simdjson::SUCCESS;
}

simdjson::error_code EventDecoder::Impl::ScanResults(od::value& v,
                                                     std::optional<EventType> type_so_far,
                                                     Decoded* out) {
  FieldValue& fv = fields.f[F::kResults];
  od::json_type type;
  if (auto e = v.type().get(type)) return e;
  if (type != od::json_type::array) return ReadValue(v, &fv);
  fv.kind = JsonKind::kArray;
  // Another event type ignores `results`; when `type` comes later, it is decoded anyway
  // and dropped in Build if the type is not lab_result.
  if (type_so_far && *type_so_far != EventType::kLabResult) return simdjson::SUCCESS;
  od::array arr;
  if (auto e = v.get_array().get(arr)) return e;
  return DecodeResults(arr, catalog, &result_scratch, &out->lab.results, &result_rejects,
                       &fields.result_count);
}

bool EventDecoder::Impl::Build(Decoded* out, Fault* fault) {
  const FieldValue& type = fields[F::kType];
  if (type.is_string()) out->type = ParseEventType(type.str);
  if (fields.keys.has_duplicate()) {
    fault->code = reason::kDuplicateKey;
    fault->reason = fmt::format("duplicate key {}", Quoted(fields.keys.duplicate()));
    return false;
  }
  if (!CheckId(type, "type", kMaxTextBytes, fault)) return false;
  if (!out->type) {
    fault->code = reason::kUnknownType;
    fault->reason = fmt::format("unknown type {} (lab_result checkin petition)", Quoted(type.str));
    return false;
  }
  if (!CheckId(fields[F::kEventId], "event_id", kMaxEventIdBytes, fault)) return false;
  // A petition may have no worker: then it needs its petition_id (BuildPetition requires
  // one in any case).
  const FieldValue& worker = fields[F::kWorkerId];
  if (*out->type == EventType::kPetition && !worker.present()) {
    if (!CheckId(fields[F::kPetitionId], "petition_id", kMaxTextBytes, fault)) return false;
  } else if (!CheckId(worker, "worker_id", kMaxWorkerIdBytes, fault)) {
    return false;
  }
  // `results` decoded before a later `type` said otherwise belong to no one.
  if (*out->type != EventType::kLabResult) out->lab.results.clear();
  const FieldValue& occurred = fields[F::kOccurredAt];
  if (!CheckId(occurred, "occurred_at", kMaxTextBytes, fault)) return false;
  auto at = ParseRfc3339(occurred.str);
  if (!at.ok()) {
    fault->code = reason::kInvalidField;
    fault->reason = fmt::format("'occurred_at' is {}", at.status().message());
    return false;
  }
  if (!CheckOptionalString(fields[F::kSource], "source", kMaxTextBytes, fault)) return false;
  switch (*out->type) {
    case EventType::kLabResult:
      return BuildLab(out, *at, fault);
    case EventType::kCheckin: {
      Checkin& c = out->checkin;
      if (!BuildCheckin(fields, &c, fault)) return false;
      c.event_id = out->event_id;
      c.worker_id = out->worker_id;
      c.occurred_at = *at;
      c.source.assign(fields[F::kSource].str);
      out->usable = true;
      return true;
    }
    case EventType::kPetition: {
      Petition& p = out->petition;
      if (!BuildPetition(fields, &p, fault)) return false;
      p.event_id = out->event_id;
      p.worker_id = out->worker_id;
      p.occurred_at = *at;
      p.source.assign(fields[F::kSource].str);
      out->usable = true;
      return true;
    }
  }
  return false;
}

bool EventDecoder::Impl::BuildLab(Decoded* out, TimeMs occurred_at, Fault* fault) {
  const FieldValue& exam_id = fields[F::kExamId];
  if (!CheckOptionalString(exam_id, "exam_id", kMaxTextBytes, fault)) return false;
  const FieldValue& results = fields[F::kResults];
  if (!results.present()) {
    fault->code = reason::kMissingField;
    fault->reason = "missing field 'results'";
    return false;
  }
  if (results.kind != JsonKind::kArray) {
    fault->code = reason::kInvalidField;
    fault->reason = fmt::format("'results' must be an array, not {}", JsonKindName(results.kind));
    return false;
  }
  if (fields.result_count == 0) {
    fault->code = reason::kEmptyResults;
    fault->reason = "'results' is empty";
    return false;
  }
  LabResult& lab = out->lab;
  lab.event_id = out->event_id;
  lab.worker_id = out->worker_id;
  lab.source.assign(fields[F::kSource].str);
  lab.exam_id = exam_id.present() ? std::string(exam_id.str) : out->event_id;
  lab.occurred_at = occurred_at;
  for (Measurement& m : lab.results) m.obs.exam_id = lab.exam_id;
  out->rejected = std::move(result_rejects);
  result_rejects.clear();
  out->usable = !lab.results.empty();
  return true;
}

EventDecoder::EventDecoder(const Catalog& catalog) : impl_(std::make_unique<Impl>(catalog)) {}

EventDecoder::~EventDecoder() = default;

void EventDecoder::Decode(std::string_view bytes, Decoded* out) {
  ResetDecoded(out);
  if (bytes.size() > kMaxMessageBytes) {
    RejectWhole(out, reason::kTooLarge,
                fmt::format("message of {} bytes is over the limit of {} bytes (payload cut to "
                            "its first {} bytes)",
                            bytes.size(), kMaxMessageBytes, kTooLargePayloadBytes),
                TooLargePrefix(bytes));
    return;
  }
  bool not_object = false;
  if (auto e = impl_->Scan(bytes, out, &not_object)) {
    if (e == simdjson::UTF8_ERROR) {
      RejectWhole(out, reason::kInvalidUtf8, "not valid UTF-8", bytes);
    } else if (not_object) {
      RejectWhole(out, reason::kNotObject, "not a JSON object", bytes);
    } else {
      RejectWhole(out, reason::kNotJson,
                  fmt::format("not valid JSON ({})", simdjson::error_message(e)), bytes);
    }
    return;
  }
  Fault fault;
  if (!impl_->Build(out, &fault)) {
    RejectWhole(out, fault.code, std::move(fault.reason), bytes);
  }
}

}  // namespace careloop::decode
