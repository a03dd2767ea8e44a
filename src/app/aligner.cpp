#include "aligner.h"

#include <simdjson.h>

#include <limits>
#include <optional>

namespace careloop::app {

std::optional<TimeMs> PeekEventTime(const std::string& padded) {
  if (padded.capacity() < padded.size() + simdjson::SIMDJSON_PADDING) return std::nullopt;
  thread_local simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  if (parser.iterate(padded.data(), padded.size(), padded.capacity()).get(doc)) return std::nullopt;
  simdjson::ondemand::object obj;
  if (doc.get_object().get(obj)) return std::nullopt;
  std::string_view text;
  if (obj.find_field_unordered("occurred_at").get_string().get(text)) return std::nullopt;
  auto t = ParseRfc3339(text);
  if (!t.ok()) return std::nullopt;
  return *t;
}

Aligner::Aligner(std::vector<std::string> topics, Options options)
    : topics_(std::move(topics)), options_(options) {}

int Aligner::TopicIndex(std::string_view topic) const {
  for (std::size_t i = 0; i < topics_.size(); ++i) {
    if (topics_[i] == topic) return static_cast<int>(i);
  }
  return -1;
}

Aligner::Partition& Aligner::Get(std::int32_t partition) {
  Partition& p = partitions_[partition];
  if (p.queues.empty()) {
    p.queues.resize(topics_.size());
    p.next.assign(topics_.size(), 0);
  }
  return p;
}

void Aligner::Assigned(std::string_view topic, std::int32_t partition, std::int64_t next) {
  int t = TopicIndex(topic);
  if (t < 0) return;
  Partition& p = Get(partition);
  p.next[t] = next;
}

void Aligner::Revoked(std::string_view topic, std::int32_t partition) {
  int t = TopicIndex(topic);
  auto it = partitions_.find(partition);
  if (t < 0 || it == partitions_.end()) return;
  buffered_ -= it->second.queues[t].size();
  it->second.queues[t].clear();
  taken_p_ = -1;
}

void Aligner::Add(const kafka::Message& m) {
  int t = TopicIndex(m.topic);
  if (t < 0) return;
  Partition& p = Get(m.partition);
  Record r;
  r.topic = topics_[t];
  r.partition = m.partition;
  r.offset = m.offset;
  r.key.assign(m.key);
  r.payload.reserve(m.payload.size() + simdjson::SIMDJSON_PADDING);
  r.payload.assign(m.payload);
  r.event_time = PeekEventTime(r.payload).value_or(std::numeric_limits<TimeMs>::min());
  p.next[t] = m.offset + 1;
  p.queues[t].push_back(std::move(r));
  ++buffered_;
}

const Aligner::Record* Aligner::Next(const CaughtUp& caught_up, Clock::time_point now) {
  taken_p_ = -1;
  if (buffered_ == 0 || partitions_.empty()) return nullptr;
  const bool full = buffered_ > options_.max_buffered;
  // Round robin: start after the partition served last.
  auto it = partitions_.lower_bound(cursor_);
  for (std::size_t n = 0; n < partitions_.size(); ++n, ++it) {
    if (it == partitions_.end()) it = partitions_.begin();
    Partition& p = it->second;
    int best = -1;
    for (std::size_t t = 0; t < p.queues.size(); ++t) {
      if (p.queues[t].empty()) continue;
      if (best < 0 || p.queues[t].front().event_time < p.queues[best].front().event_time) {
        best = static_cast<int>(t);
      }
    }
    if (best < 0) continue;
    bool ready = true;
    for (std::size_t t = 0; t < p.queues.size() && ready; ++t) {
      if (p.queues[t].empty() && !caught_up(topics_[t], it->first, p.next[t])) ready = false;
    }
    if (!ready) {
      if (!p.blocked) {
        p.blocked = true;
        p.blocked_since = now;
      }
      if (!full && !p.going_on &&
          now - p.blocked_since < std::chrono::milliseconds(options_.max_idle_ms)) {
        continue;
      }
      // Going on: and on, record after record, until the lagging topic is ready again
      // (going on for one record and then waiting max_idle_ms anew would crawl).
      if (!p.going_on) ++forced_;
      p.going_on = true;
    } else {
      p.blocked = false;
      p.going_on = false;
    }
    cursor_ = it->first;
    taken_p_ = it->first;
    taken_t_ = best;
    return &p.queues[best].front();
  }
  return nullptr;
}

void Aligner::Pop() {
  if (taken_p_ < 0) return;
  auto it = partitions_.find(taken_p_);
  if (it != partitions_.end() && !it->second.queues[taken_t_].empty()) {
    it->second.queues[taken_t_].pop_front();
    --buffered_;
  }
  // The next call starts at this partition again: a run of one partition's records is
  // taken while it is ready (the caller's batch limit bounds it), then the next one's.
  cursor_ = taken_p_;
  taken_p_ = -1;
}

}  // namespace careloop::app
