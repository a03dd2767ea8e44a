#include "careloop/metrics/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <map>
#include <mutex>

namespace careloop::metrics {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;

struct Metrics::Impl {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  Family<Counter>& events = BuildCounter()
                                .Name("careloop_events_total")
                                .Help("Input events consumed, by topic and event type")
                                .Register(*registry);
  Family<Counter>& dead = BuildCounter()
                              .Name("careloop_dead_letter_total")
                              .Help("Input items sent to dead-letter, by reason")
                              .Register(*registry);
  Family<Counter>& dups = BuildCounter()
                              .Name("careloop_duplicate_events_total")
                              .Help("Input events ignored as repeats of a seen event_id")
                              .Register(*registry);
  Family<Counter>& alerts = BuildCounter()
                                .Name("careloop_alerts_total")
                                .Help("Tier-change alerts, by new tier and condition")
                                .Register(*registry);
  Counter& green_channel = BuildCounter()
                               .Name("careloop_green_channel_openings_total")
                               .Help("Cases whose green channel opened")
                               .Register(*registry)
                               .Add({});
  Family<Counter>& lost = BuildCounter()
                              .Name("careloop_input_records_lost_total")
                              .Help("Input records the broker dropped before careloop read them")
                              .Register(*registry);
  Family<Counter>& produced = BuildCounter()
                                  .Name("careloop_output_records_total")
                                  .Help("Output records delivered to Kafka, by topic")
                                  .Register(*registry);
  Counter& delivery_failed = BuildCounter()
                                 .Name("careloop_output_delivery_failures_total")
                                 .Help("Output deliveries that failed and were retried")
                                 .Register(*registry)
                                 .Add({});
  Family<Counter>& missed =
      BuildCounter()
          .Name("careloop_deadlines_missed_total")
          .Help("Workflow deadlines missed (escalations), by workflow, stage, level")
          .Register(*registry);
  prometheus::Histogram& timer_lateness =
      prometheus::BuildHistogram()
          .Name("careloop_timer_lateness_seconds")
          .Help("How late deadline timers fired after their due time (restarts, load)")
          .Register(*registry)
          .Add({}, prometheus::Histogram::BucketBoundaries{0.5, 1, 2, 5, 10, 30, 60, 300, 3600});
  Gauge& outbox = BuildGauge()
                      .Name("careloop_outbox_depth")
                      .Help("Outbound records written to state and not yet confirmed by Kafka")
                      .Register(*registry)
                      .Add({});
  Family<Gauge>& info = BuildGauge()
                            .Name("careloop_build_info")
                            .Help("careloop version and the rules version in force (value 1)")
                            .Register(*registry);

  mutable std::mutex mu;  // guards the label caches below
  std::map<std::string, Counter*, std::less<>> by_label;

  Counter& Get(Family<Counter>& family, const std::string& cache_key,
               const std::map<std::string, std::string>& labels) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = by_label.find(cache_key);
    if (it != by_label.end()) return *it->second;
    Counter& c = family.Add(labels);
    by_label.emplace(cache_key, &c);
    return c;
  }

  double Sum(const std::string& prefix, std::string_view suffix_filter = {}) const {
    std::lock_guard<std::mutex> lock(mu);
    double total = 0;
    for (auto it = by_label.lower_bound(prefix); it != by_label.end(); ++it) {
      if (it->first.compare(0, prefix.size(), prefix) != 0) break;
      if (!suffix_filter.empty() && it->first.find(suffix_filter) == std::string::npos) continue;
      total += it->second->Value();
    }
    return total;
  }
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::EventIn(std::string_view topic, std::string_view type) {
  std::string t(topic), ty(type);
  impl_->Get(impl_->events, "ev|" + t + "|" + ty, {{"topic", t}, {"type", ty}}).Increment();
}
void Metrics::DeadLetter(std::string_view reason) {
  std::string r(reason);
  impl_->Get(impl_->dead, "dl|" + r, {{"reason", r}}).Increment();
}
void Metrics::Duplicate(std::string_view type) {
  std::string t(type);
  impl_->Get(impl_->dups, "du|" + t, {{"type", t}}).Increment();
}
void Metrics::Alert(std::string_view tier, std::string_view condition) {
  std::string t(tier), c(condition);
  impl_->Get(impl_->alerts, "al|" + t + "|" + c, {{"tier", t}, {"condition", c}}).Increment();
}
void Metrics::DeadlineMissed(std::string_view workflow, std::string_view stage, int level,
                             std::int64_t lateness_ms) {
  std::string w(workflow), s(stage), l = std::to_string(level);
  impl_
      ->Get(impl_->missed, "dm|" + w + "|" + s + "|" + l,
            {{"workflow", w}, {"stage", s}, {"level", l}})
      .Increment();
}
void Metrics::TimerFired(std::int64_t lateness_ms) {
  impl_->timer_lateness.Observe(static_cast<double>(lateness_ms) / 1000.0);
}
void Metrics::GreenChannelOpened() { impl_->green_channel.Increment(); }
void Metrics::RecordsLost(std::string_view topic, std::int64_t count) {
  std::string t(topic);
  impl_->Get(impl_->lost, "lo|" + t, {{"topic", t}}).Increment(static_cast<double>(count));
}
void Metrics::OutputProduced(std::string_view topic) {
  std::string t(topic);
  impl_->Get(impl_->produced, "op|" + t, {{"topic", t}}).Increment();
}
void Metrics::DeliveryFailed() { impl_->delivery_failed.Increment(); }
void Metrics::SetOutboxDepth(std::int64_t depth) { impl_->outbox.Set(static_cast<double>(depth)); }
void Metrics::SetInfo(std::string_view version, std::string_view rules_version) {
  impl_->info
      .Add({{"version", std::string(version)}, {"rules_version", std::string(rules_version)}})
      .Set(1);
}

double Metrics::EventsTotal() const { return impl_->Sum("ev|"); }
double Metrics::DeadLetterTotal() const { return impl_->Sum("dl|"); }
double Metrics::AlertsTotal(std::string_view tier) const {
  return impl_->Sum("al|" + std::string(tier) + "|");
}
double Metrics::GreenChannelTotal() const { return impl_->green_channel.Value(); }
double Metrics::RecordsLostTotal() const { return impl_->Sum("lo|"); }
double Metrics::DuplicatesTotal() const { return impl_->Sum("du|"); }

std::string Metrics::Serialize() const {
  prometheus::TextSerializer serializer;
  return serializer.Serialize(impl_->registry->Collect());
}

}  // namespace careloop::metrics
