#include "state/outbox_layout.h"

#include <fmt/format.h>

#include "state/coding.h"
#include "state/keys.h"

namespace careloop::state {
namespace {

constexpr std::uint8_t kSingleVersion = 1;  // keys::OutboxValue
constexpr std::uint8_t kGroupVersion = 2;
constexpr std::uint8_t kDoneVersion = 1;
constexpr char kDoneSuffix = 'd';

// The entries of a stored group value (either version); `first` is its key's seq.
bool ParseGroup(std::string_view value, std::uint64_t first, std::vector<OutboxEntry>* out) {
  out->clear();
  if (value.empty()) return false;
  if (static_cast<std::uint8_t>(value.front()) == kSingleVersion) {
    OutboxEntry& e = out->emplace_back();
    e.seq = first;
    return keys::ParseOutboxValue(value, &e);
  }
  if (static_cast<std::uint8_t>(value.front()) != kGroupVersion) return false;
  value.remove_prefix(1);
  std::uint32_t n = 0;
  if (!GetVarint32(&value, &n) || n == 0 || n > value.size()) return false;
  out->reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    OutboxEntry& e = out->emplace_back();
    e.seq = first + i;
    if (!keys::GetOutboxFields(&value, &e)) return false;
  }
  return value.empty();
}

// The number of entries of a stored group value, without copying them.
bool GroupCount(std::string_view value, std::uint32_t* n) {
  if (value.empty()) return false;
  if (static_cast<std::uint8_t>(value.front()) == kSingleVersion) {
    *n = 1;
    return true;
  }
  if (static_cast<std::uint8_t>(value.front()) != kGroupVersion) return false;
  value.remove_prefix(1);
  return GetVarint32(&value, n) && *n > 0;
}

bool Removed(std::string_view bitmap, std::uint32_t i) {
  return i / 8 < bitmap.size() && (static_cast<std::uint8_t>(bitmap[i / 8]) >> (i % 8)) & 1;
}

bool ParseDone(std::string_view value, std::uint32_t count, std::string_view* bitmap) {
  if (value.empty() || static_cast<std::uint8_t>(value.front()) != kDoneVersion) return false;
  value.remove_prefix(1);
  if (value.size() != (count + 7) / 8) return false;
  *bitmap = value;
  return true;
}

}  // namespace

namespace keys {

void OutboxGroupPieces(const std::vector<OutboxEntry>& entries, std::size_t begin, std::size_t end,
                       std::string* prefixes, std::vector<std::string_view>* pieces) {
  // Room for every prefix up front (a varint is at most 10 bytes), so that appending
  // never reallocates and the views taken along the way stay valid. The prefixes are
  // those of PutLengthPrefixedSlice (keys::PutOutboxFields).
  prefixes->clear();
  prefixes->reserve(11 + (end - begin) * 4 * 10);
  pieces->clear();
  pieces->reserve(1 + (end - begin) * 8);
  auto prefix = [&](std::uint64_t n, std::size_t from) {
    PutVarint64(prefixes, n);
    pieces->emplace_back(prefixes->data() + from, prefixes->size() - from);
  };
  prefixes->push_back(static_cast<char>(kGroupVersion));
  prefix(end - begin, 0);
  for (std::size_t i = begin; i < end; ++i) {
    for (std::string_view f : keys::OutboxFields(entries[i])) {
      prefix(f.size(), prefixes->size());
      pieces->push_back(f);
    }
  }
}

std::string OutboxGroupValue(const std::vector<OutboxEntry>& entries, std::size_t begin,
                             std::size_t end) {
  std::string prefixes;
  std::vector<std::string_view> pieces;
  OutboxGroupPieces(entries, begin, end, &prefixes, &pieces);
  std::size_t size = 0;
  for (std::string_view p : pieces) size += p.size();
  std::string v;
  v.reserve(size);
  for (std::string_view p : pieces) v.append(p);
  return v;
}

std::string OutboxDone(std::uint64_t first_seq) {
  std::string k = Outbox(first_seq);
  k.push_back(kDoneSuffix);
  return k;
}

bool ParseOutboxDone(std::string_view key, std::uint64_t* first_seq) {
  return key.size() == 9 && key.back() == kDoneSuffix && ParseOutbox(key.substr(0, 8), first_seq);
}

}  // namespace keys

Status OutboxLayout::Load(std::string_view key, std::string_view value) {
  std::uint64_t first = 0;
  if (keys::ParseOutbox(key, &first)) {
    Group g;
    if (!GroupCount(value, &g.count)) return Status::Corruption("malformed outbox group");
    g.remaining = g.count;
    g.removed.assign(g.count, false);
    groups_[first] = std::move(g);
    return Status::Ok();
  }
  std::string_view bitmap;
  auto it = groups_.end();
  if (!keys::ParseOutboxDone(key, &first) || (it = groups_.find(first)) == groups_.end() ||
      !ParseDone(value, it->second.count, &bitmap)) {
    return Status::Corruption("malformed outbox key or removal bitmap");
  }
  for (std::uint32_t i = 0; i < it->second.count; ++i) {
    if (Removed(bitmap, i)) {
      it->second.removed[i] = true;
      --it->second.remaining;
    }
  }
  return Status::Ok();
}

void OutboxLayout::Plan(const WriteSet& set, std::vector<Write>* writes) {
  const auto& add = set.outbox_add;
  for (std::size_t begin = 0; begin < add.size();) {
    std::size_t end = begin + 1;
    while (end < add.size() && add[end].seq == add[begin].seq + (end - begin)) ++end;
    const auto n = static_cast<std::uint32_t>(end - begin);
    writes->push_back(Write{keys::Outbox(add[begin].seq), std::nullopt, begin, end});
    groups_[add[begin].seq] = Group{n, n, std::vector<bool>(n, false)};
    begin = end;
  }
  if (set.outbox_remove.empty()) return;
  std::vector<std::uint64_t> touched;  // first seqs, in first-touch order
  for (std::uint64_t seq : set.outbox_remove) {
    auto it = groups_.upper_bound(seq);
    if (it == groups_.begin()) continue;
    --it;
    Group& g = it->second;
    const std::uint64_t i = seq - it->first;
    if (i >= g.count || g.removed[i]) continue;
    g.removed[i] = true;
    --g.remaining;
    if (touched.empty() || touched.back() != it->first) touched.push_back(it->first);
  }
  for (std::uint64_t first : touched) {
    auto it = groups_.find(first);
    if (it == groups_.end()) continue;  // touched twice: already handled
    const Group& g = it->second;
    if (g.remaining == 0) {
      writes->push_back(Write{keys::Outbox(first), std::nullopt});
      writes->push_back(Write{keys::OutboxDone(first), std::nullopt});
      groups_.erase(it);
      continue;
    }
    std::string bitmap(1 + (g.count + 7) / 8, '\0');
    bitmap[0] = static_cast<char>(kDoneVersion);
    for (std::uint32_t i = 0; i < g.count; ++i) {
      if (g.removed[i]) bitmap[1 + i / 8] = static_cast<char>(bitmap[1 + i / 8] | (1 << (i % 8)));
    }
    writes->push_back(Write{keys::OutboxDone(first), std::move(bitmap)});
  }
}

bool OutboxLayout::Reader::Visit(std::string_view key, std::string_view value) {
  std::uint64_t seq = 0;
  if (keys::ParseOutbox(key, &seq)) {
    if (!Flush()) return false;
    if (!ParseGroup(value, seq, &group_)) {
      status_ = Status::Corruption(fmt::format("malformed outbox group {}", seq));
      return false;
    }
    first_ = seq;
    return true;
  }
  std::string_view bitmap;
  if (!keys::ParseOutboxDone(key, &seq) || seq != first_ || group_.empty() ||
      !ParseDone(value, static_cast<std::uint32_t>(group_.size()), &bitmap)) {
    status_ = Status::Corruption("malformed outbox removal bitmap");
    return false;
  }
  std::size_t n = 0;
  for (std::size_t i = 0; i < group_.size(); ++i) {
    if (Removed(bitmap, static_cast<std::uint32_t>(i))) continue;
    if (n != i) group_[n] = std::move(group_[i]);
    ++n;
  }
  group_.resize(n);
  return true;
}

bool OutboxLayout::Reader::Flush() {
  for (const auto& e : group_) {
    if (!fn_(e)) {
      group_.clear();
      return false;
    }
  }
  group_.clear();
  return true;
}

bool OutboxLayout::Reader::Finish() { return Flush(); }

}  // namespace careloop::state
