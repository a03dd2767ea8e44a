// LazyList<T>: a list of a stored file (worker_file.h) that stays in its encoded bytes
// until something reads it.
//
// A worker file is decoded whole whenever one event or one deadline touches the worker,
// but most of what it holds is not looked at: a deadline of one case reads that case's
// workflow state and appends a line to its history; it never reads the stored results of
// the worker's conditions or any history. The decoder (worker_file_codec.cpp) therefore
// checks such a list against the same grammar as a full decode, without building its
// items, and keeps its bytes here; the encoder copies them back out as they are unless
// the list was decoded. Appending (push_back, emplace_back) never decodes: appended items
// follow the stored ones. Anything else that reads or changes the items (items(),
// iteration, indexing, clear) decodes first, once.
//
// The stored bytes were checked when the file was decoded, so decoding them later cannot
// fail (DecodeStoredItems says how that is kept true).
//
// Ownership and threads: the stored bytes are shared (shared_ptr) by every list of one
// decoded file and by copies of it, so copies stay valid on their own. A const read that
// decodes changes the list: one thread at a time, even for const access. Encoding reads
// the stored bytes without decoding, so a file being encoded on the commit thread may be
// copied (not read through items()) on another.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace careloop::state {

struct StoredResult;
struct CaseEvent;

// Decodes `count` items from `bytes` (checked before: see the header comment) and appends
// them to `out`. Defined in worker_file_codec.cpp for the item types lists are lazy for.
void DecodeStoredItems(std::string_view bytes, std::size_t count, std::vector<StoredResult>* out);
void DecodeStoredItems(std::string_view bytes, std::size_t count, std::vector<CaseEvent>* out);

template <typename T>
class LazyList {
 public:
  LazyList() = default;
  LazyList(std::initializer_list<T> items) : items_(items) {}
  LazyList& operator=(std::initializer_list<T> items) {
    Drop();
    items_ = items;
    return *this;
  }

  // All the items, stored ones first; decodes them on the first call.
  std::vector<T>& items() {
    Decode();
    return items_;
  }
  const std::vector<T>& items() const {
    Decode();
    return items_;
  }

  // Without decoding.
  std::size_t size() const { return stored_count_ + items_.size(); }
  bool empty() const { return size() == 0; }
  void push_back(T item) { items_.push_back(std::move(item)); }
  T& emplace_back() { return items_.emplace_back(); }
  T& back() {
    if (items_.empty()) Decode();
    return items_.back();
  }

  // Decoding first.
  auto begin() { return items().begin(); }
  auto end() { return items().end(); }
  auto begin() const { return items().begin(); }
  auto end() const { return items().end(); }
  auto rbegin() const { return items().rbegin(); }
  auto rend() const { return items().rend(); }
  T& operator[](std::size_t i) { return items()[i]; }
  const T& operator[](std::size_t i) const { return items()[i]; }
  void clear() {
    Drop();
    items_.clear();
  }

  // For the codec. A list read from bytes: `count` items in `bytes`, which `owner` holds.
  void SetStored(std::shared_ptr<const std::string> owner, std::string_view bytes,
                 std::size_t count) {
    items_.clear();
    owner_ = std::move(owner);
    stored_ = bytes;
    stored_count_ = count;
  }
  // Items not decoded yet (0 once decoded), their bytes, and the items after them (all of
  // them once decoded).
  std::size_t stored_count() const { return stored_count_; }
  std::string_view stored_bytes() const { return stored_; }
  const std::vector<T>& appended() const { return items_; }

 private:
  void Decode() const {
    if (stored_count_ == 0) return;
    std::vector<T> all;
    all.reserve(stored_count_ + items_.size());
    DecodeStoredItems(stored_, stored_count_, &all);
    for (T& item : items_) all.push_back(std::move(item));
    items_ = std::move(all);
    Drop();
  }
  void Drop() const {
    owner_.reset();
    stored_ = {};
    stored_count_ = 0;
  }

  mutable std::vector<T> items_;  // all items, or while stored_count_ > 0 the appended ones
  mutable std::shared_ptr<const std::string> owner_;
  mutable std::string_view stored_;
  mutable std::size_t stored_count_ = 0;
};

}  // namespace careloop::state
