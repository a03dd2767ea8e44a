#include "pipeline.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <random>
#include <unordered_set>

#include <fmt/format.h>
#include <thread>

namespace careloop::app {
namespace {

double MsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

Pipeline::Pipeline(const LoadedConfig& config, metrics::Metrics* metrics)
    : config_(config), metrics_(metrics) {}

Pipeline::~Pipeline() = default;

Status Pipeline::Open(const std::string& bootstrap, const std::string& state_dir) {
  const AppConfig& c = config_.app;
  state::StoreOptions so = c.store;
  so.path = state_dir;
  opened_at_ = std::chrono::steady_clock::now();
  auto phase = opened_at_;
  // Start-up phases, timed at debug level (issue 7: restart to first record).
  auto timed = [&phase](const char* what) {
    spdlog::debug("start: {} took {:.0f} ms", what, MsSince(phase));
    phase = std::chrono::steady_clock::now();
  };
  auto store = state::OpenRocksStore(so);
  if (!store.ok()) return store.status();
  store_ = std::move(store).value();
  timed("state store open");

  // Outbound records a previous run wrote but did not see confirmed: send them first.
  Status st = store_->ForEachOutbox([&](const state::OutboxEntry& e) {
    pending_.push_back(e);
    return true;
  });
  CARELOOP_RETURN_IF_ERROR(st);
  if (!pending_.empty()) {
    spdlog::info("resending {} unconfirmed outbound records from the outbox", pending_.size());
  }

  CARELOOP_RETURN_IF_ERROR(LoadInstanceId());
  timed("outbox read");
  CARELOOP_RETURN_IF_ERROR(SkipLanded(bootstrap));
  timed("read-back of landed outbound records");

  kafka::Producer::Options po;
  po.bootstrap_servers = bootstrap;
  po.properties = c.kafka_common;
  for (const auto& [k, v] : c.producer) po.properties[k] = v;
  auto producer = kafka::Producer::Create(
      po, [this](std::uint64_t seq, const Status& s) { OnDelivery(seq, s); });
  if (!producer.ok()) return producer.status();
  producer_ = std::move(producer).value();
  timed("producer creation");

  kafka::Consumer::Options co;
  co.bootstrap_servers = bootstrap;
  co.properties = c.kafka_common;
  for (const auto& [k, v] : c.consumer) co.properties[k] = v;
  co.group_id = co.properties["group.id"];
  co.properties.erase("group.id");
  co.topics = {c.topics.lab_results, c.topics.checkins, c.topics.petitions};
  co.join_group = c.join_group;
  Aligner::Options ao;
  ao.max_idle_ms = c.align_max_idle_ms;
  ao.max_buffered = static_cast<std::size_t>(c.align_max_buffered);
  aligner_ = std::make_unique<Aligner>(co.topics, ao);
  state::Store* s = store_.get();
  auto lookup = [this, s](std::string_view topic,
                          std::int32_t partition) -> std::optional<std::int64_t> {
    (void)CollectCommit(true);  // the step in flight may hold this partition's offset
    auto off = s->GetOffset(topic, partition);
    if (!off.ok()) {
      spdlog::error("cannot read the stored offset of {}[{}]: {}", topic, partition,
                    off.status().ToString());
      return std::nullopt;
    }
    return *off;
  };
  auto consumer = kafka::Consumer::Create(co, lookup, this);
  if (!consumer.ok()) return consumer.status();
  consumer_ = std::move(consumer).value();
  timed("consumer creation and subscription");

  processor_ = std::make_unique<engine::Processor>(*config_.catalog, *config_.rules,
                                                   *config_.workflows, c.topics, metrics_);
  txn_ = std::make_unique<engine::Txn>(*store_);
  committer_ = std::make_unique<Committer>(*store_);
  spdlog::debug("start: open took {:.0f} ms in all", MsSince(opened_at_));
  return Status::Ok();
}

Status Pipeline::LoadInstanceId() {
  auto id = store_->GetMeta("instance_id");
  if (!id.ok()) return id.status();
  if (id->has_value()) {
    instance_id_ = **id;
    return Status::Ok();
  }
  std::random_device rd;
  instance_id_ = fmt::format("{:08x}{:08x}", rd(), rd());
  state::WriteSet set;
  set.PutMeta("instance_id", instance_id_);
  return store_->Apply(set);
}

Status Pipeline::SkipLanded(const std::string& bootstrap) {
  if (pending_.empty()) return Status::Ok();
  const std::uint64_t min_seq = pending_.front().seq;
  std::map<std::string, std::size_t> per_topic;
  for (const auto& e : pending_) per_topic[e.topic]++;
  kafka::Properties props = config_.app.kafka_common;
  auto reader = kafka::TailReader::Create(bootstrap, props);
  if (!reader.ok()) return reader.status();
  std::unordered_set<std::uint64_t> landed;
  const std::string mine = instance_id_ + ":";
  for (const auto& [topic, count] : per_topic) {
    auto parts = (*reader)->Partitions(topic, 10000);
    if (!parts.ok()) return parts.status();
    for (std::int32_t p = 0; p < *parts; ++p) {
      auto wm = (*reader)->Watermarks(topic, p, 10000);
      if (!wm.ok()) return wm.status();
      auto [low, high] = *wm;
      // Read back from the end, widening until a record of ours older than the oldest
      // pending entry shows where the pending ones can start (or the log start).
      std::int64_t window = static_cast<std::int64_t>(count) + 1000;
      std::int64_t read_from = high;
      bool boundary = false;
      while (!boundary && read_from > low) {
        std::int64_t start = std::max(low, high - window);
        Status st = (*reader)->Read(
            topic, p, start, read_from, 60000, [&](const kafka::TailReader::Record& r) {
              for (const auto& [name, value] : r.headers) {
                if (name != "careloop-src" || value.compare(0, mine.size(), mine) != 0) continue;
                std::uint64_t seq = std::strtoull(value.c_str() + mine.size(), nullptr, 10);
                if (seq >= min_seq) {
                  landed.insert(seq);
                } else {
                  boundary = true;
                }
              }
            });
        if (!st.ok()) return st;
        read_from = start;
        window *= 4;
      }
    }
  }
  if (landed.empty()) return Status::Ok();
  std::deque<state::OutboxEntry> keep;
  for (auto& e : pending_) {
    if (landed.count(e.seq)) {
      delivered_.push_back(e.seq);  // removed from the outbox with the next commit
    } else {
      keep.push_back(std::move(e));
    }
  }
  spdlog::info("{} outbound records had already landed before the restart: not sent again",
               landed.size());
  pending_ = std::move(keep);
  return Status::Ok();
}

void Pipeline::OnAssigned(std::string_view topic, std::int32_t partition) {
  if (owned_.empty() && !first_processed_) {
    spdlog::debug("start: partitions assigned {:.0f} ms after open began", MsSince(opened_at_));
  }
  owned_[partition]++;
  (void)CollectCommit(true);  // a failure is returned by Run()
  auto off = store_->GetOffset(topic, partition);
  aligner_->Assigned(topic, partition, off.ok() && off->has_value() ? **off : 0);
}

void Pipeline::OnRevoked(std::string_view topic, std::int32_t partition) {
  // The partition's next owner reads its offset from state: let the step in flight land.
  (void)CollectCommit(true);  // a failure is returned by Run()
  aligner_->Revoked(topic, partition);
  auto it = owned_.find(partition);
  if (it != owned_.end() && --it->second <= 0) owned_.erase(it);
}

void Pipeline::OnRecordsLost(std::string_view topic, std::int32_t partition, std::int64_t from,
                             std::int64_t to) {
  if (metrics_) metrics_->RecordsLost(topic, to - from);
}

void Pipeline::OnDelivery(std::uint64_t seq, const Status& status) {
  auto it = in_flight_.find(seq);
  if (it == in_flight_.end()) return;
  if (status.ok()) {
    if (metrics_) metrics_->OutputProduced(it->second.topic);
    if (on_delivered_) on_delivered_(it->second);
    delivered_.push_back(seq);
    in_flight_.erase(it);
    return;
  }
  // Not delivered: keep it in the outbox and send it again.
  spdlog::warn("delivery to {} failed, will retry: {}", it->second.topic, status.message());
  if (metrics_) metrics_->DeliveryFailed();
  pending_.push_front(std::move(it->second));
  in_flight_.erase(it);
}

void Pipeline::ProducePending() {
  while (!pending_.empty()) {
    state::OutboxEntry& e = pending_.front();
    kafka::Headers headers{{"careloop-id", e.id},
                           {"careloop-src", instance_id_ + ":" + std::to_string(e.seq)}};
    Status st = producer_->Produce(e.topic, e.key, e.value, e.seq, headers);
    if (!st.ok()) {
      if (st.code() != Status::Code::kUnavailable) {
        spdlog::error("cannot produce to {}: {}", e.topic, st.ToString());
      }
      return;  // queue full or broker trouble: try again after the next poll
    }
    std::uint64_t seq = e.seq;
    in_flight_.emplace(seq, std::move(e));
    pending_.pop_front();
  }
}

Status Pipeline::CollectCommit(bool wait) {
  if (!commit_failed_.ok()) return commit_failed_;
  if (committer_ == nullptr || !committer_->in_flight()) return Status::Ok();
  Status st;
  if (!committer_->Collect(wait, &st, &applied_)) return Status::Ok();
  committing_records_ = 0;
  if (!st.ok()) {
    spdlog::critical("state write failed; stopping before any offset moves: {}", st.ToString());
    commit_failed_ = st;
    return st;
  }
  if (on_commit_) on_commit_(applied_, committing_polled_at_);
  for (const auto& o : applied_.offsets) consumed_[{o.topic, o.partition}] = o.next_offset;
  for (auto& e : applied_.outbox_add) pending_.push_back(std::move(e));
  applied_.Clear();
  return Status::Ok();
}

Status Pipeline::CommitStep(bool wait_applied) {
  CARELOOP_RETURN_IF_ERROR(CollectCommit(true));
  for (std::uint64_t seq : delivered_) txn_->RemoveOutbox(seq);
  delivered_.clear();
  std::shared_ptr<engine::StepChanges> changes = txn_->Detach();
  if (changes->empty()) return Status::Ok();
  // The next step reads through this one until it is surely applied; the previous
  // overlay (applied, collected above) is dropped here.
  txn_->SetOverlay(changes);
  committing_polled_at_ = polled_at_;
  committing_records_ = changes->outbox.size();
  committer_->Submit(std::move(changes));
  return wait_applied ? CollectCommit(true) : Status::Ok();
}

void Pipeline::Backpressure(const std::atomic<bool>& stop) {
  const std::int64_t limit = config_.app.max_in_flight;
  if (!paused_ && outbox_depth() > limit) {
    spdlog::info("output side slow ({} records unconfirmed): pausing consumption", outbox_depth());
    if (consumer_->Pause().ok()) paused_ = true;
  } else if (paused_ && outbox_depth() <= limit / 2) {
    spdlog::info("output side caught up: resuming consumption");
    if (consumer_->Resume().ok()) paused_ = false;
  }
}

Status Pipeline::Run(const std::atomic<bool>& stop, int flush_timeout_ms) {
  const AppConfig& c = config_.app;
  std::vector<kafka::Message> batch;
  auto last_tick = std::chrono::steady_clock::now();
  auto last_timers = last_tick - std::chrono::seconds(1);
  auto owned = [this](std::int32_t p) { return owned_.count(p) > 0; };
  Status result;
  auto caught_up = [this](std::string_view topic, std::int32_t partition, std::int64_t next) {
    auto high = consumer_->HighWatermark(topic, partition);
    return high.has_value() && next >= *high;
  };
  std::uint64_t forced_logged = 0;
  const auto step_max = std::chrono::milliseconds(c.step_max_ms);
  bool cut_short = false;  // the last step ended on step_max_ms with records ready
  while (!stop.load(std::memory_order_relaxed)) {
    // Waiting records (a lagging topic's fetch): poll briefly and look again. A step in
    // flight, or records left ready by a step cut short: only take what is there, and if
    // nothing is, wait for the step and send its records rather than hold them back for a
    // poll. After a step cut short, only up to batch_max records are held (the poll waits
    // a step when more are); otherwise the poll always runs: the records held may be
    // waiting for a lagging topic's, which only a poll brings.
    const bool committing = committer_->in_flight();
    const int timeout = committing || cut_short               ? 0
                        : paused_ || aligner_->buffered() > 0 ? 10
                                                              : c.poll_timeout_ms;
    const auto room = cut_short ? static_cast<std::int64_t>(c.batch_max) -
                                      static_cast<std::int64_t>(aligner_->buffered())
                                : static_cast<std::int64_t>(c.batch_max);
    batch.clear();
    Status st = room > 0 ? consumer_->Poll(static_cast<int>(room), timeout, &batch) : Status::Ok();
    if (!st.ok()) spdlog::warn("consumer: {}", st.ToString());
    if (committer_->in_flight()) {
      result = CollectCommit(batch.empty() && aligner_->buffered() == 0);
      if (!result.ok()) return result;
      if (!committer_->in_flight()) ProducePending();
    }
    if (!batch.empty()) {
      polled_at_ = std::chrono::steady_clock::now();
      if (!first_fetched_) {
        first_fetched_ = true;
        spdlog::debug("start: first records fetched {:.0f} ms after open began",
                      MsSince(opened_at_));
      }
    }
    consuming_.store(!owned_.empty(), std::memory_order_relaxed);
    for (const kafka::Message& m : batch) aligner_->Add(m);
    // In event-time order across the input topics of each partition (aligner.h).
    int taken = 0;
    const auto steady_now = std::chrono::steady_clock::now();
    cut_short = false;
    while (!paused_ && taken < c.batch_max) {
      if (taken > 0 && step_max.count() > 0 &&
          std::chrono::steady_clock::now() - steady_now >= step_max) {
        cut_short = true;
        break;
      }
      const Aligner::Record* r = aligner_->Next(caught_up, steady_now);
      if (r == nullptr) break;
      engine::Input in{r->topic, r->partition, r->offset, r->key, r->payload};
      Status ps = processor_->Process(in, clock_, *txn_);
      if (!ps.ok()) {
        spdlog::critical("state read failed; stopping: {}", ps.ToString());
        return ps;
      }
      aligner_->Pop();
      if (!first_processed_) {
        first_processed_ = true;
        spdlog::debug("start: first record processed {:.0f} ms after open began",
                      MsSince(opened_at_));
      }
      ++taken;
    }
    // Deadlines: fired by the wall clock, several times a second, input or not.
    auto steady = std::chrono::steady_clock::now();
    if (steady - last_timers >= std::chrono::milliseconds(250)) {
      last_timers = steady;
      TimeMs now = WallClockNow();
      std::size_t fired = 0;
      Status ts = processor_->FireDue(now, now, false, *txn_, 10000, owned, &fired);
      if (!ts.ok()) {
        spdlog::critical("state read failed while firing deadlines; stopping: {}", ts.ToString());
        return ts;
      }
      if (fired == 10000) last_timers -= std::chrono::seconds(1);  // more are due: go on
    }
    result = CommitStep(false);
    if (!result.ok()) return result;
    ProducePending();
    producer_->Poll(0);
    Backpressure(stop);
    auto now = std::chrono::steady_clock::now();
    if (now - last_tick >= std::chrono::seconds(1)) {
      last_tick = now;
      for (const auto& [tp, off] : consumed_) consumer_->CommitAsync(tp.first, tp.second, off);
      if (metrics_) {
        metrics_->SetOutboxDepth(outbox_depth());
        for (const auto& [name, lag] : consumer_->Lag()) {  // "topic[partition]"
          auto bracket = name.rfind('[');
          if (bracket == std::string::npos) continue;
          metrics_->SetConsumerLag(name.substr(0, bracket), std::atoi(name.c_str() + bracket + 1),
                                   lag);
        }
      }
      if (aligner_->forced() > forced_logged) {
        spdlog::info(
            "{} times a partition went on without waiting for a lagging input topic "
            "(processing.align_max_idle_ms or align_max_buffered reached)",
            aligner_->forced() - forced_logged);
        forced_logged = aligner_->forced();
      }
      if (on_tick_) on_tick_();
    }
  }
  consuming_.store(false, std::memory_order_relaxed);
  // Shutdown: let the step in flight land, send what is left, wait for confirmations,
  // record them, close.
  result = CollectCommit(true);
  if (!result.ok()) return result;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(flush_timeout_ms);
  while (outbox_depth() > 0 && std::chrono::steady_clock::now() < deadline) {
    ProducePending();
    producer_->Poll(50);
  }
  result = CommitStep(true);
  if (outbox_depth() > 0) {
    spdlog::warn("{} outbound records not yet confirmed; they stay in the outbox for the next run",
                 outbox_depth());
  }
  for (const auto& [tp, off] : consumed_) consumer_->CommitAsync(tp.first, tp.second, off);
  consumer_->Close();
  if (metrics_) metrics_->SetOutboxDepth(outbox_depth());
  if (on_tick_) on_tick_();
  return result;
}

}  // namespace careloop::app
