#include "api/indexer.h"

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include "api/transitions.h"
#include "careloop/engine/petition_stats.h"

namespace careloop::api {
namespace {

// Where the engine keeps its petition figures (engine/petition_stats.h).
constexpr std::string_view kPetitionStatsKey = "stats/petitions";
constexpr std::size_t kMaxTimedAlerts = 1'000'000;  // alerts awaiting confirmation, timed

void Count(metrics::Metrics* m, const std::vector<Transition>& ts) {
  if (m == nullptr) return;
  for (const auto& t : ts) m->RedFirstContact(t.urgency, t.seconds);
}

metrics::PetitionFigures Figures(const engine::PetitionStats& s) {
  metrics::PetitionFigures f;
  f.submitted = s.submitted;
  f.accepted = s.accepted;
  f.accepted_within_24h = s.accepted_within_24h;
  f.responded = s.responded;
  f.responded_on_time = s.responded_on_time;
  f.first_response_ratio = s.FirstResponseRate();
  for (const auto& [w, n] : s.responded) f.on_time_ratio[w] = s.OnTimeRate(w);
  f.median_response_seconds = s.MedianResponseHours() * 3600.0;
  for (const auto& [key, n] : s.open) {
    auto bar = key.find('|');
    std::string stage = key.substr(0, bar);
    std::string category = bar == std::string::npos ? "" : key.substr(bar + 1);
    f.open.push_back({{{"stage", stage}, {"category", category}}, static_cast<double>(n)});
  }
  f.overdue_escalations = s.overdue_escalations;
  return f;
}

}  // namespace

Indexer::Indexer(state::Store& store, const engine::WorkflowSet& workflows,
                 metrics::Metrics* metrics, std::string alerts_topic)
    : store_(store),
      workflows_(workflows),
      metrics_(metrics),
      alerts_topic_(std::move(alerts_topic)) {}

Indexer::~Indexer() { Stop(); }

void Indexer::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void Indexer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Indexer::OnCommit(const state::WriteSet& set, SteadyTime consumed_at) {
  bool any = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& e : set.entities) {
      pending_[EntityKey{e.kind, e.partition, e.id}] = e.bytes;
      any = true;
    }
    for (const auto& o : set.outbox_add) {
      if (o.topic != alerts_topic_) continue;
      if (consumed_at_.size() >= kMaxTimedAlerts) consumed_at_.clear();  // never confirmed
      consumed_at_[o.seq] = consumed_at;
    }
  }
  if (any) cv_.notify_one();
}

void Indexer::OnDelivered(const state::OutboxEntry& entry) {
  if (entry.topic != alerts_topic_) return;
  Delivery d;
  d.value = entry.value;
  d.delivered_at = WallClockNow();
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = consumed_at_.find(entry.seq);
    if (it != consumed_at_.end()) {
      d.from_consume_s = std::chrono::duration<double>(now - it->second).count();
      consumed_at_.erase(it);
    }
    deliveries_.push_back(std::move(d));
  }
  cv_.notify_one();
}

bool Indexer::WaitIdle(std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (ready_.load() && pending_.empty() && deliveries_.empty() && !busy_) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

void Indexer::Scan() {
  auto started = std::chrono::steady_clock::now();
  std::size_t workers = 0, petitions = 0;
  Status st = store_.ForEachEntity(
      state::EntityKind::kWorker, [&](std::int32_t p, std::string_view id, std::string_view b) {
        Apply({state::EntityKind::kWorker, p, std::string(id)}, std::string(b), false);
        ++workers;
        std::lock_guard<std::mutex> lock(mu_);
        return !stop_;
      });
  if (st.ok()) {
    st = store_.ForEachEntity(
        state::EntityKind::kPetition, [&](std::int32_t p, std::string_view id, std::string_view b) {
          Apply({state::EntityKind::kPetition, p, std::string(id)}, std::string(b), false);
          ++petitions;
          std::lock_guard<std::mutex> lock(mu_);
          return !stop_;
        });
  }
  if (!st.ok()) {
    // The pipeline stops on the same store errors; the index stays not ready.
    spdlog::error("case index: reading state failed: {}", st.ToString());
    return;
  }
  spdlog::info("case index built: {} worker files, {} petition files in {:.1f} s", workers,
               petitions,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  ready_ = true;
}

void Indexer::Apply(const EntityKey& key, const std::string& bytes, bool count) {
  if (key.kind == state::EntityKind::kWorker) {
    auto file = state::DecodeWorkerFile(bytes);
    if (!file.ok()) {
      spdlog::warn("case index: a stored worker file cannot be decoded: {}",
                   file.status().ToString());
      return;
    }
    WorkerSummary s = SummarizeWorker(*file, key.partition, workflows_);
    std::vector<InstanceSnapshot> after = s.instances;
    std::vector<InstanceSnapshot> before = index_.PutWorker(std::move(s));
    if (count) Count(metrics_, Compare(before, after, workflows_));
    return;
  }
  auto file = state::DecodePetitionFile(bytes);
  if (!file.ok()) {
    spdlog::warn("case index: a stored petition file cannot be decoded: {}",
                 file.status().ToString());
    return;
  }
  PetitionSummary s = SummarizePetition(*file, key.partition, workflows_);
  std::vector<InstanceSnapshot> after{s.instance};
  std::vector<InstanceSnapshot> before = index_.PutPetition(std::move(s));
  if (count) Count(metrics_, Compare(before, after, workflows_));
}

void Indexer::Time(const Delivery& d) {
  if (metrics_ == nullptr) return;
  rapidjson::Document doc;
  doc.Parse(d.value.data(), d.value.size());
  if (doc.HasParseError() || !doc.IsObject()) return;
  std::string tier = "unknown";
  if (auto t = doc.FindMember("tier"); t != doc.MemberEnd() && t->value.IsString()) {
    tier = t->value.GetString();
  }
  // The cause's time: the newest occurred_at among the findings (the cause's results).
  TimeMs occurred = 0;
  if (auto f = doc.FindMember("findings"); f != doc.MemberEnd() && f->value.IsArray()) {
    for (const auto& r : f->value.GetArray()) {
      if (!r.IsObject()) continue;
      auto o = r.FindMember("occurred_at");
      if (o == r.MemberEnd() || !o->value.IsString()) continue;
      auto t = ParseRfc3339(o->value.GetString());
      if (t.ok() && *t > occurred) occurred = *t;
    }
  }
  if (occurred == 0) return;
  double from_event = static_cast<double>(std::max<TimeMs>(0, d.delivered_at - occurred)) / 1000.0;
  metrics_->AlertDelivered(tier, from_event, d.from_consume_s);
}

void Indexer::Loop() {
  Scan();
  while (true) {
    std::map<EntityKey, std::string> files;
    std::vector<Delivery> deliveries;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(1),
                   [&] { return stop_ || !pending_.empty() || !deliveries_.empty(); });
      if (stop_) return;
      files.swap(pending_);
      deliveries.swap(deliveries_);
      busy_ = true;
    }
    for (const auto& [key, bytes] : files) Apply(key, bytes, ready_.load());
    for (const auto& d : deliveries) Time(d);
    std::lock_guard<std::mutex> lock(mu_);
    busy_ = false;
  }
}

void Indexer::Refresh(bool ready) {
  if (metrics_ == nullptr) return;
  Census c = index_.TakeCensus(WallClockNow());
  std::vector<metrics::GaugeValue> open, overdue, workers;
  for (const auto& [ts, n] : c.open_cases) {
    open.push_back({{{"tier", std::string(TierName(ts.first))}, {"stage", ts.second}},
                    static_cast<double>(n)});
  }
  for (Tier t : {Tier::kRed, Tier::kYellow, Tier::kGreen}) {
    overdue.push_back({{{"tier", std::string(TierName(t))}},
                       static_cast<double>(c.overdue_by_tier[static_cast<size_t>(t)])});
  }
  for (Tier t : {Tier::kRed, Tier::kYellow, Tier::kGreen, Tier::kNone}) {
    workers.push_back({{{"tier", std::string(TierName(t))}},
                       static_cast<double>(c.workers_by_tier[static_cast<size_t>(t)])});
  }
  if (ready_.load()) {
    metrics_->SetOpenCases(open);
    metrics_->SetOverdueCases(overdue);
    metrics_->SetWorkersByTier(workers);
  }
  auto stats = store_.GetMeta(kPetitionStatsKey);
  if (stats.ok()) {
    auto decoded = engine::PetitionStats::Decode(stats->value_or(""));
    if (decoded.ok()) metrics_->SetPetitionFigures(Figures(*decoded));
  }
  metrics_->SetStoreFigures(store_.ApproximateSizeBytes(), store_.BlockCacheUsageBytes());
  metrics_->SetReady(ready);
}

}  // namespace careloop::api
