// Checking and building a native `checkin` event from its fields (private).
#pragma once

#include "careloop/model.h"
#include "decode/fields.h"

namespace careloop::decode {

// Checks the check-in fields of `in` (kind and the extra fields it requires, enumerations)
// and fills them into `*out`; the common fields (ids, occurred_at, source) are the
// caller's. False with `*fault` for a check-in that cannot be used.
bool BuildCheckin(const EventFields& in, Checkin* out, Fault* fault);

}  // namespace careloop::decode
