#include "state/record_codec.h"

#include <limits>

#include "state/coding.h"

namespace careloop::state {

void RecordWriter::Grow(std::size_t n) { buf_.resize(std::max(buf_.size() * 2, pos_ + n)); }

bool RecordReader::Bool(bool* v) {
  std::uint8_t b = 0;
  if (!Byte(&b) || b > 1) return false;
  *v = b == 1;
  return true;
}

bool RecordReader::U32(std::uint32_t* v) { return GetVarint32(&in_, v); }
bool RecordReader::U64Slow(std::uint64_t* v) { return GetVarint64(&in_, v); }

bool RecordReader::I32(std::int32_t* v) {
  std::int64_t w = 0;
  if (!I64(&w) || w < std::numeric_limits<std::int32_t>::min() ||
      w > std::numeric_limits<std::int32_t>::max()) {
    return false;
  }
  *v = static_cast<std::int32_t>(w);
  return true;
}

bool RecordReader::OptDouble(std::optional<double>* v) {
  bool present = false;
  if (!Bool(&present)) return false;
  if (!present) {
    v->reset();
    return true;
  }
  double d = 0;
  if (!Double(&d)) return false;
  *v = d;
  return true;
}

bool RecordReader::StrSlow(std::string* v) {
  std::string_view s;
  if (!GetLengthPrefixedSlice(&in_, &s)) return false;
  v->assign(s.data(), s.size());
  return true;
}

bool RecordReader::TierValue(Tier* v) {
  std::uint8_t b = 0;
  if (!Byte(&b) || b > static_cast<std::uint8_t>(Tier::kRed)) return false;
  *v = static_cast<Tier>(b);
  return true;
}

bool RecordReader::StatusValue(ResultStatus* v) {
  std::uint8_t b = 0;
  if (!Byte(&b) || b > static_cast<std::uint8_t>(ResultStatus::kPreliminary)) return false;
  *v = static_cast<ResultStatus>(b);
  return true;
}

bool RecordReader::Count(std::size_t* n) {
  std::uint64_t c = 0;
  if (!U64(&c) || c > in_.size()) return false;
  *n = static_cast<std::size_t>(c);
  return true;
}

}  // namespace careloop::state
