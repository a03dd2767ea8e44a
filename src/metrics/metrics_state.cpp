// The gauges and counters Metrics takes from state (open cases, workers by tier, petition
// figures, store size): each set replaces the previous values.
#include "careloop/metrics/metrics.h"
#include "metrics_impl.h"

namespace careloop::metrics {
namespace {

std::string SeriesKey(const GaugeValue& v) {
  std::string key;
  for (const auto& [k, val] : v.labels) {
    key += k;
    key += '=';
    key += val;
    key += '\x1f';
  }
  return key;
}

}  // namespace

void Metrics::Impl::Replace(Family<Gauge>& family, const std::vector<GaugeValue>& values) {
  std::lock_guard<std::mutex> lock(mu);
  auto& series = replaced[&family];
  std::map<std::string, bool> seen;
  for (const auto& v : values) {
    std::string key = SeriesKey(v);
    auto it = series.find(key);
    if (it == series.end()) {
      Labels labels(v.labels.begin(), v.labels.end());
      it = series.emplace(key, &family.Add(labels)).first;
    }
    it->second->Set(v.value);
    seen[key] = true;
  }
  for (auto& [key, gauge] : series) {
    if (!seen.count(key)) gauge->Set(0);
  }
}

void Metrics::Impl::Sync(Family<Counter>& family, std::string_view cache_key, LabelList labels,
                         double target) {
  Counter& c = GetCounter(family, cache_key, labels);
  double now = c.Value();
  if (target > now) c.Increment(target - now);
}

void Metrics::SetOpenCases(const std::vector<GaugeValue>& values) {
  impl_->Replace(impl_->open_cases, values);
}
void Metrics::SetOverdueCases(const std::vector<GaugeValue>& values) {
  impl_->Replace(impl_->overdue_cases, values);
}
void Metrics::SetWorkersByTier(const std::vector<GaugeValue>& values) {
  impl_->Replace(impl_->workers, values);
}

void Metrics::SetPetitionFigures(const PetitionFigures& f) {
  Impl& m = *impl_;
  m.Sync(m.pet_submitted, "ps|", {}, static_cast<double>(f.submitted));
  m.Sync(m.pet_accepted, "pa|", {}, static_cast<double>(f.accepted));
  m.Sync(m.pet_accepted_in_time, "pi|", {}, static_cast<double>(f.accepted_within_24h));
  m.Sync(m.pet_overdue, "po|", {}, static_cast<double>(f.overdue_escalations));
  for (const auto& [w, n] : f.responded) {
    m.Sync(m.pet_responded, "pr|" + w, {{"weight", w}}, static_cast<double>(n));
  }
  for (const auto& [w, n] : f.responded_on_time) {
    m.Sync(m.pet_responded_on_time, "pt|" + w, {{"weight", w}}, static_cast<double>(n));
  }
  m.pet_first_response.Set(f.first_response_ratio);
  std::vector<GaugeValue> on_time;
  for (const auto& [w, r] : f.on_time_ratio) on_time.push_back({{{"weight", w}}, r});
  m.Replace(m.pet_on_time, on_time);
  m.pet_median.Set(f.median_response_seconds);
  m.Replace(m.open_petitions, f.open);
}

void Metrics::SetStoreFigures(std::uint64_t size_bytes, std::uint64_t block_cache_bytes) {
  impl_->state_size.Set(static_cast<double>(size_bytes));
  impl_->cache_usage.Set(static_cast<double>(block_cache_bytes));
}

void Metrics::SetReady(bool ready) { impl_->ready.Set(ready ? 1 : 0); }

}  // namespace careloop::metrics
