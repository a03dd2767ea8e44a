// libFuzzer target: the worker-file and petition-file decoders on arbitrary bytes. A
// stored file is read back from RocksDB at every event of its worker, and a damaged one
// (a bad disk, a bug in an older build) must be Corruption, never a crash, an overread
// or a value that does not survive its own re-encoding; the lists a decoded file keeps
// encoded (LazyList) must decode later without fail. The promises are checked by
// state/codec_check.h, shared with the unit tests.
//
// Seeds (fuzz/corpus/fuzz_state_codec/): worker files of a generated population as
// careloop stored them (one per shape: conditions, cases, open cases), and hand-made
// petition files and a worker file with a log, which that population's state lacked.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "state/codec_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const careloop::Status s = careloop::state::CheckCodecOnArbitraryBytes(bytes);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    __builtin_trap();
  }
  return 0;
}
