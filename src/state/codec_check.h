// The worker-file and petition-file codecs' promises on arbitrary bytes, as one check
// that the unit tests (tests/state/worker_file_codec_test.cpp) and the fuzzer
// (fuzz/fuzz_state_codec.cpp) share, so the two cannot drift.
//
// The promises: decoding never crashes or reads out of bounds (the latter seen under
// ASan); what does not decode is Corruption; what decodes re-encodes (its lists kept
// encoded, LazyList) to bytes that decode again; and every kept list decodes later (a
// failure there stops the process), to the same values as a fresh encoding (a kept list
// may keep a varint written longer than needed: the same value, another form).
//
// Thread-safety: none needed (no shared state).
#pragma once

#include <string_view>

#include "careloop/status.h"

namespace careloop::state {

// Ok, or an error naming the promise `bytes` broke and under which decoder.
Status CheckCodecOnArbitraryBytes(std::string_view bytes);

}  // namespace careloop::state
