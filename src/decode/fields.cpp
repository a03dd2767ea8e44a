#include "decode/fields.h"

#include <fmt/format.h>

#include "decode/ascii.h"
#include "decode/reasons.h"

namespace careloop::decode {
namespace {

bool Fail(Fault* fault, std::string_view code, std::string reason) {
  fault->code = code;
  fault->reason = std::move(reason);
  return false;
}

bool NotString(const FieldValue& v, std::string_view name, Fault* fault) {
  return Fail(fault, reason::kInvalidField,
              fmt::format("'{}' must be a string, not {}", name, JsonKindName(v.kind)));
}

}  // namespace

bool CheckId(const FieldValue& v, std::string_view name, size_t max, Fault* fault) {
  if (!v.present() || (v.is_string() && v.str.empty())) {
    return Fail(fault, reason::kMissingField, fmt::format("missing field '{}'", name));
  }
  if (!v.is_string()) return NotString(v, name, fault);
  if (v.str.size() > max) {
    return Fail(fault, reason::kInvalidField,
                fmt::format("'{}' is longer than {} bytes", name, max));
  }
  if (!IsPrintable(v.str)) {
    return Fail(fault, reason::kInvalidField,
                fmt::format("'{}' contains control characters", name));
  }
  return true;
}

bool CheckOptionalString(const FieldValue& v, std::string_view name, size_t max, Fault* fault) {
  if (!v.present()) return true;
  if (!v.is_string()) return NotString(v, name, fault);
  if (v.str.empty()) {
    return Fail(fault, reason::kInvalidField, fmt::format("'{}' must not be empty", name));
  }
  if (v.str.size() > max) {
    return Fail(fault, reason::kInvalidField,
                fmt::format("'{}' is longer than {} bytes", name, max));
  }
  return true;
}

bool CheckEnum(const FieldValue& v, std::string_view name, bool required,
               std::span<const std::string_view> allowed, std::string_view code, Fault* fault) {
  if (!v.present()) {
    if (!required) return true;
    return Fail(fault, reason::kMissingField, fmt::format("missing field '{}'", name));
  }
  if (!v.is_string()) return NotString(v, name, fault);
  for (std::string_view a : allowed) {
    if (a == v.str) return true;
  }
  return Fail(fault, code, fmt::format("'{}' is not one of: {}", name, fmt::join(allowed, " ")));
}

bool CheckOptionalBool(const FieldValue& v, std::string_view name, Fault* fault) {
  if (!v.present() || v.kind == JsonKind::kBool) return true;
  return Fail(fault, reason::kInvalidField,
              fmt::format("'{}' must be true or false, not {}", name, JsonKindName(v.kind)));
}

}  // namespace careloop::decode
