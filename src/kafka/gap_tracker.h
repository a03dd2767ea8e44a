// GapTracker: one partition's read position and the offset gaps seen while reading it,
// for detecting records the broker dropped (retention, or the mock cluster's 5 MiB
// cap) before careloop read them.
//
// A gap alone proves nothing: transaction markers and compaction leave gaps too. A gap
// [from, to) is only reported lost as far as the partition's low watermark, queried
// after the gap was seen, lies above `from`. Pure logic: no librdkafka, no clock.
//
// Thread-safety: none; one tracker per partition, used from the consumer's Poll thread.
#pragma once

#include <cstdint>
#include <vector>

namespace careloop::kafka {

struct OffsetRange {
  std::int64_t from = 0;  // first offset in the range
  std::int64_t to = 0;    // one past the last
  bool operator==(const OffsetRange&) const = default;
};

class GapTracker {
 public:
  static constexpr std::int64_t kUnknown = -1;
  // At most this many unresolved gaps are kept; older ones are dropped unchecked.
  static constexpr std::size_t kMaxPending = 1024;

  enum class Seen {
    kInOrder,    // the expected offset, or the first offset after an unknown start
    kGap,        // past the expected offset: a pending gap was recorded
    kBackwards,  // before the expected offset (a reset or re-delivery)
  };

  // The next offset expected, or kUnknown (read from wherever the broker starts).
  explicit GapTracker(std::int64_t next = kUnknown) : next_(next) {}

  // Records a consumed offset. On kBackwards the tracker follows the new position.
  Seen OnMessage(std::int64_t offset);

  // Resolves every pending gap against a low watermark queried after they were seen:
  // returns the parts proven lost (offsets below `low`) and forgets all pending gaps.
  std::vector<OffsetRange> Resolve(std::int64_t low);

  bool has_pending() const { return !pending_.empty(); }
  // Gaps dropped unchecked because kMaxPending were waiting (watermark queries failing).
  std::int64_t unchecked() const { return unchecked_; }
  const std::vector<OffsetRange>& pending() const { return pending_; }
  std::int64_t next() const { return next_; }

 private:
  std::int64_t next_;
  std::vector<OffsetRange> pending_;
  std::int64_t unchecked_ = 0;
};

}  // namespace careloop::kafka
