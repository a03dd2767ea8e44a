#include "state/blob_gc.h"

#include <algorithm>

namespace careloop::state {

double NextBlobGcCutoff(double cutoff, std::uint64_t blob_bytes, std::uint64_t garbage_bytes,
                        double target) {
  if (blob_bytes == 0) return cutoff;  // nothing flushed to blob files yet
  const double share = static_cast<double>(garbage_bytes) / static_cast<double>(blob_bytes);
  if (share > target * 1.25) return std::min(kMaxBlobGcCutoff, cutoff * 2);
  if (share < target * 0.75) return std::max(kMinBlobGcCutoff, cutoff / 2);
  return cutoff;
}

}  // namespace careloop::state
