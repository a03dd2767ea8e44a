#include "state/record_codec.h"

#include <limits>

#include "state/coding.h"

namespace careloop::state {

void RecordWriter::Grow(std::size_t n) { buf_.resize(std::max(buf_.size() * 2, pos_ + n)); }

bool RecordReader::U32(std::uint32_t* v) { return GetVarint32(&in_, v); }
bool RecordReader::U64Slow(std::uint64_t* v) { return GetVarint64(&in_, v); }

bool RecordReader::StrViewSlow(std::string_view* v) { return GetLengthPrefixedSlice(&in_, v); }

bool RecordReader::Count(std::size_t* n) {
  std::uint64_t c = 0;
  if (!U64(&c) || c > in_.size()) return false;
  *n = static_cast<std::size_t>(c);
  return true;
}

}  // namespace careloop::state
