// Checking and building a native `petition` event from its fields (private).
#pragma once

#include "careloop/model.h"
#include "decode/fields.h"

namespace careloop::decode {

// Checks the petition fields of `in` (petition_id, action, enumerations) and fills them
// into `*out`; the common fields (ids, occurred_at, source) are the caller's. False with
// `*fault` for a petition that cannot be used.
bool BuildPetition(const EventFields& in, Petition* out, Fault* fault);

}  // namespace careloop::decode
