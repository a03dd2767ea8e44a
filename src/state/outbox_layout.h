// OutboxLayout: how the outbox sits in its column family, shared by the RocksDB store and
// its in-memory twin.
//
// The entries one WriteSet adds are stored as one group, under the key of the first
// entry's seq (when their seqs are consecutive, as a Txn assigns them; otherwise one
// group per entry): a processing step writes one outbox key, not one per outbound
// record, and deletes one when all its records are confirmed.
//
//   key                      value
//   be64 first seq           2, varint32 count, then per entry: topic, key, value, id
//                            (length-prefixed); or, written before groups existed:
//                            1, topic, key, value, id (a group of one)
//   be64 first seq + 'd'     1, bitmap of the group's removed entries (bit i: first + i)
//
// A group whose entries are all removed is deleted with its bitmap; a partly removed one
// gets the bitmap, so a reopened store lists exactly the entries not removed.
//
// Ownership: plain value. Thread-safety: none; each store calls it from its (single)
// writer, and Load before any writer runs.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "careloop/state/store.h"
#include "careloop/status.h"

namespace careloop::state {

class OutboxLayout {
 public:
  // One write to the outbox column family: a group, a removal bitmap, or a delete (no
  // value, no group). A group's value is that of set.outbox_add[group_begin, group_end);
  // the store writes it from the entries' own bytes (keys::OutboxGroupPieces) rather
  // than from a copy.
  struct Write {
    std::string key;
    std::optional<std::string> value;
    std::size_t group_begin = 0;
    std::size_t group_end = 0;
    bool is_group() const { return group_end > group_begin; }
  };

  // Indexes one stored outbox key (in key order, before any Plan).
  Status Load(std::string_view key, std::string_view value);
  // The writes that add set.outbox_add and remove set.outbox_remove, in order; updates the
  // index as if they were applied. Removing an unknown or already removed seq does nothing.
  void Plan(const WriteSet& set, std::vector<Write>* writes);

  // Lists the entries not removed, in seq order, from (key, value) pairs visited in key
  // order: Visit each pair, then Finish. `fn` returns false to stop.
  class Reader {
   public:
    explicit Reader(std::function<bool(const OutboxEntry&)> fn) : fn_(std::move(fn)) {}
    // False: stop visiting (fn said so, or the pair is malformed: see status()).
    bool Visit(std::string_view key, std::string_view value);
    bool Finish();
    const Status& status() const { return status_; }

   private:
    bool Flush();
    std::function<bool(const OutboxEntry&)> fn_;
    std::vector<OutboxEntry> group_;  // the last group read, not yet passed on
    std::uint64_t first_ = 0;
    Status status_;
  };

 private:
  struct Group {
    std::uint32_t count = 0;
    std::uint32_t remaining = 0;
    std::vector<bool> removed;
  };
  std::map<std::uint64_t, Group> groups_;  // by first seq
};

namespace keys {
// The value of the group entries[begin, end) as pieces whose concatenation is the value:
// views of the entries' fields and of the length prefixes written to `*prefixes` (which
// must outlive the views). `pieces` is replaced.
void OutboxGroupPieces(const std::vector<OutboxEntry>& entries, std::size_t begin, std::size_t end,
                       std::string* prefixes, std::vector<std::string_view>* pieces);
std::string OutboxGroupValue(const std::vector<OutboxEntry>& entries, std::size_t begin,
                             std::size_t end);
std::string OutboxDone(std::uint64_t first_seq);
[[nodiscard]] bool ParseOutboxDone(std::string_view key, std::uint64_t* first_seq);
}  // namespace keys

}  // namespace careloop::state
