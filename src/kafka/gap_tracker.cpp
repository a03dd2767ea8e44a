#include "kafka/gap_tracker.h"

#include <algorithm>

namespace careloop::kafka {

GapTracker::Seen GapTracker::OnMessage(std::int64_t offset) {
  Seen seen = Seen::kInOrder;
  if (next_ != kUnknown && offset != next_) {
    if (offset > next_) {
      if (pending_.size() >= kMaxPending) {
        pending_.erase(pending_.begin());
        ++unchecked_;
      }
      pending_.push_back({next_, offset});
      seen = Seen::kGap;
    } else {
      seen = Seen::kBackwards;
    }
  }
  next_ = offset + 1;
  return seen;
}

std::vector<OffsetRange> GapTracker::Resolve(std::int64_t low) {
  std::vector<OffsetRange> lost;
  for (const OffsetRange& gap : pending_) {
    if (low > gap.from) lost.push_back({gap.from, std::min(gap.to, low)});
  }
  pending_.clear();
  return lost;
}

}  // namespace careloop::kafka
