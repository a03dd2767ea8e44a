#include "careloop/metrics/metrics.h"

#include <prometheus/text_serializer.h>

#include "metrics_impl.h"

namespace careloop::metrics {
namespace {

// Bucket upper bounds, seconds.
const std::vector<double> kLatenessBuckets = {0.5, 1, 2, 5, 10, 30, 60, 300, 3600};
const std::vector<double> kFirstContactBuckets = {60,   300,  600,   900,   1800,  2700,
                                                  3600, 7200, 14400, 28800, 86400, 259200};
const std::vector<double> kEventLatencyBuckets = {
    0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 21600, 86400, 604800};
const std::vector<double> kConsumeLatencyBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                    0.25,  0.5,    1,     2.5,  5,     10,   30};

}  // namespace

Family<Counter>& CounterFamily(prometheus::Registry& r, std::vector<std::string>& names,
                               const char* name, const char* help) {
  names.emplace_back(name);
  return prometheus::BuildCounter().Name(name).Help(help).Register(r);
}
Family<Gauge>& GaugeFamily(prometheus::Registry& r, std::vector<std::string>& names,
                           const char* name, const char* help) {
  names.emplace_back(name);
  return prometheus::BuildGauge().Name(name).Help(help).Register(r);
}
Family<Histogram>& HistogramFamily(prometheus::Registry& r, std::vector<std::string>& names,
                                   const char* name, const char* help) {
  names.emplace_back(name);
  return prometheus::BuildHistogram().Name(name).Help(help).Register(r);
}

Metrics::Impl::Impl()
    : events(CounterFamily(r, names, "careloop_events_total",
                           "Input events consumed, by topic and event type")),
      dead(CounterFamily(r, names, "careloop_dead_letter_total",
                         "Input items sent to dead-letter, by reason")),
      dups(CounterFamily(r, names, "careloop_duplicate_events_total",
                         "Input events ignored as repeats of a seen event_id")),
      alerts(CounterFamily(r, names, "careloop_alerts_total",
                           "Tier-change alerts, by new tier and condition")),
      green_channel(CounterFamily(r, names, "careloop_green_channel_openings_total",
                                  "Cases whose green channel opened")
                        .Add({})),
      lost(CounterFamily(r, names, "careloop_input_records_lost_total",
                         "Input records the broker dropped before careloop read them")),
      produced(CounterFamily(r, names, "careloop_output_records_total",
                             "Output records delivered to Kafka, by topic")),
      delivery_failed(CounterFamily(r, names, "careloop_output_delivery_failures_total",
                                    "Output deliveries that failed and were retried")
                          .Add({})),
      kafka_errors(CounterFamily(r, names, "careloop_kafka_errors_total",
                                 "Errors librdkafka reported to careloop's clients, by kind")),
      missed(CounterFamily(r, names, "careloop_deadlines_missed_total",
                           "Workflow deadlines missed (escalations), by workflow, stage, level")),
      met(CounterFamily(r, names, "careloop_deadlines_met_total",
                        "Workflow stages completed by their due time, by workflow and stage")),
      http(CounterFamily(r, names, "careloop_http_requests_total",
                         "HTTP API requests answered, by route pattern and status code")),
      timer_lateness(
          HistogramFamily(r, names, "careloop_timer_lateness_seconds",
                          "How late deadline timers fired after their due time (restarts, load)")
              .Add({}, Histogram::BucketBoundaries(kLatenessBuckets))),
      first_contact(
          HistogramFamily(r, names, "careloop_red_first_contact_seconds",
                          "Time from a case turning red to the worker first reached, by urgency")),
      latency_event(HistogramFamily(
          r, names, "careloop_alert_latency_from_event_seconds",
          "Time from the cause event's occurred_at to the alert confirmed by Kafka, by tier")),
      latency_consume(HistogramFamily(
          r, names, "careloop_alert_latency_from_consume_seconds",
          "Time from consuming the cause event to the alert confirmed by Kafka, by tier")),
      outbox(GaugeFamily(r, names, "careloop_outbox_depth",
                         "Outbound records written to state and not yet confirmed by Kafka")
                 .Add({})),
      lag(GaugeFamily(r, names, "careloop_consumer_lag_records",
                      "Records in an input partition not yet consumed (high watermark - "
                      "position), by topic and partition")),
      build_info(GaugeFamily(r, names, "careloop_build_info",
                             "careloop version and the rules version in force (value 1)")),
      rules_info(GaugeFamily(r, names, "careloop_rules_info",
                             "The tier rules version in force (value 1)")),
      open_cases(GaugeFamily(r, names, "careloop_open_cases",
                             "Open follow-up cases in state, by tier and workflow stage")),
      overdue_cases(GaugeFamily(r, names, "careloop_overdue_cases",
                                "Open cases past the due time of their current stage, by tier")),
      workers(GaugeFamily(r, names, "careloop_workers",
                          "Workers in state by the tier of their most urgent open case (none: "
                          "no open case)")),
      pet_submitted(CounterFamily(r, names, "careloop_petitions_submitted_total",
                                  "Petitions submitted (from state)")),
      pet_accepted(CounterFamily(r, names, "careloop_petitions_accepted_total",
                                 "Petitions accepted (from state)")),
      pet_accepted_in_time(CounterFamily(r, names, "careloop_petitions_accepted_in_time_total",
                                         "Petitions accepted within 24 h (from state)")),
      pet_responded(CounterFamily(r, names, "careloop_petitions_responded_total",
                                  "Petitions responded to, by weight (from state)")),
      pet_responded_on_time(
          CounterFamily(r, names, "careloop_petitions_responded_on_time_total",
                        "Petitions responded to by their deadline, by weight (from state)")),
      pet_overdue(CounterFamily(r, names, "careloop_petition_overdue_escalations_total",
                                "Level-1 escalations of petitions (from state)")),
      pet_first_response(GaugeFamily(r, names, "careloop_petition_first_response_ratio",
                                     "Share of submitted petitions accepted within 24 h")
                             .Add({})),
      pet_on_time(GaugeFamily(r, names, "careloop_petition_on_time_response_ratio",
                              "Share of responses given by their deadline, by weight")),
      pet_median(GaugeFamily(r, names, "careloop_petition_median_response_seconds",
                             "Median time from submission to first response (bucket bound)")
                     .Add({})),
      open_petitions(GaugeFamily(r, names, "careloop_open_petitions",
                                 "Open petitions in state, by stage and category")),
      state_size(GaugeFamily(r, names, "careloop_state_size_bytes",
                             "Approximate size of the RocksDB state on disk")
                     .Add({})),
      cache_usage(GaugeFamily(r, names, "careloop_state_block_cache_usage_bytes",
                              "RocksDB block cache in use (shared by all column families)")
                      .Add({})),
      ready(GaugeFamily(r, names, "careloop_ready",
                        "1 when consuming with state restored and indexed (/readyz)")
                .Add({})) {}

CacheKey::CacheKey(std::initializer_list<std::string_view> parts) {
  bool first = true;
  for (std::string_view part : parts) {
    if (!first) buf_.push_back('|');
    first = false;
    buf_.append(part);
  }
}

namespace {
Labels ToLabels(LabelList labels) {
  Labels out;
  for (const auto& [name, value] : labels) out.emplace(name, value);
  return out;
}
}  // namespace

Counter& Metrics::Impl::GetCounter(Family<Counter>& family, std::string_view cache_key,
                                   LabelList labels) {
  std::lock_guard<std::mutex> lock(mu);
  auto it = by_label.find(cache_key);
  if (it != by_label.end()) return *it->second;
  Counter& c = family.Add(ToLabels(labels));
  by_label.emplace(std::string(cache_key), &c);
  return c;
}

Histogram& Metrics::Impl::GetHistogram(Family<Histogram>& family, std::string_view cache_key,
                                       LabelList labels, const std::vector<double>& buckets) {
  std::lock_guard<std::mutex> lock(mu);
  auto it = histograms.find(cache_key);
  if (it != histograms.end()) return *it->second;
  Histogram& h = family.Add(ToLabels(labels), Histogram::BucketBoundaries(buckets));
  histograms.emplace(std::string(cache_key), &h);
  return h;
}

Gauge& Metrics::Impl::GetGauge(Family<Gauge>& family, std::string_view cache_key,
                               LabelList labels) {
  std::lock_guard<std::mutex> lock(mu);
  auto it = gauges.find(cache_key);
  if (it != gauges.end()) return *it->second;
  Gauge& g = family.Add(ToLabels(labels));
  gauges.emplace(std::string(cache_key), &g);
  return g;
}

double Metrics::Impl::Sum(const std::string& prefix) const {
  std::lock_guard<std::mutex> lock(mu);
  double total = 0;
  for (auto it = by_label.lower_bound(prefix); it != by_label.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    total += it->second->Value();
  }
  return total;
}

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::EventIn(std::string_view topic, std::string_view type) {
  impl_->GetCounter(impl_->events, CacheKey{"ev", topic, type}, {{"topic", topic}, {"type", type}})
      .Increment();
}
void Metrics::DeadLetter(std::string_view reason) {
  impl_->GetCounter(impl_->dead, CacheKey{"dl", reason}, {{"reason", reason}}).Increment();
}
void Metrics::Duplicate(std::string_view type) {
  impl_->GetCounter(impl_->dups, CacheKey{"du", type}, {{"type", type}}).Increment();
}
void Metrics::Alert(std::string_view tier, std::string_view condition) {
  impl_
      ->GetCounter(impl_->alerts, CacheKey{"al", tier, condition},
                   {{"tier", tier}, {"condition", condition}})
      .Increment();
}
void Metrics::DeadlineMissed(std::string_view workflow, std::string_view stage, int level,
                             std::int64_t lateness_ms) {
  const auto l = fmt::format_int(level);
  const std::string_view lv(l.data(), l.size());
  impl_
      ->GetCounter(impl_->missed, CacheKey{"dm", workflow, stage, lv},
                   {{"workflow", workflow}, {"stage", stage}, {"level", lv}})
      .Increment();
}
void Metrics::DeadlineMet(std::string_view workflow, std::string_view stage) {
  impl_
      ->GetCounter(impl_->met, CacheKey{"me", workflow, stage},
                   {{"workflow", workflow}, {"stage", stage}})
      .Increment();
}
void Metrics::TimerFired(std::int64_t lateness_ms) {
  impl_->timer_lateness.Observe(static_cast<double>(lateness_ms) / 1000.0);
}
void Metrics::RedFirstContact(std::string_view urgency, double seconds) {
  impl_
      ->GetHistogram(impl_->first_contact, CacheKey{"fc", urgency}, {{"urgency", urgency}},
                     kFirstContactBuckets)
      .Observe(seconds);
}
void Metrics::AlertDelivered(std::string_view tier, double from_event_s,
                             std::optional<double> from_consume_s) {
  impl_
      ->GetHistogram(impl_->latency_event, CacheKey{"le", tier}, {{"tier", tier}},
                     kEventLatencyBuckets)
      .Observe(from_event_s);
  if (from_consume_s) {
    impl_
        ->GetHistogram(impl_->latency_consume, CacheKey{"lc", tier}, {{"tier", tier}},
                       kConsumeLatencyBuckets)
        .Observe(*from_consume_s);
  }
}
void Metrics::SetConsumerLag(std::string_view topic, std::int32_t partition, std::int64_t lag) {
  const auto p = fmt::format_int(partition);
  const std::string_view pv(p.data(), p.size());
  impl_->GetGauge(impl_->lag, CacheKey{"lag", topic, pv}, {{"topic", topic}, {"partition", pv}})
      .Set(static_cast<double>(lag));
}
void Metrics::HttpRequest(std::string_view route, int code) {
  const auto c = fmt::format_int(code);
  const std::string_view cv(c.data(), c.size());
  impl_->GetCounter(impl_->http, CacheKey{"ht", route, cv}, {{"route", route}, {"code", cv}})
      .Increment();
}
void Metrics::GreenChannelOpened() { impl_->green_channel.Increment(); }
void Metrics::RecordsLost(std::string_view topic, std::int64_t count) {
  impl_->GetCounter(impl_->lost, CacheKey{"lo", topic}, {{"topic", topic}})
      .Increment(static_cast<double>(count));
}
void Metrics::OutputProduced(std::string_view topic) {
  impl_->GetCounter(impl_->produced, CacheKey{"op", topic}, {{"topic", topic}}).Increment();
}
void Metrics::DeliveryFailed() { impl_->delivery_failed.Increment(); }
void Metrics::KafkaError(std::string_view kind) {
  impl_->GetCounter(impl_->kafka_errors, CacheKey{"ke", kind}, {{"kind", kind}}).Increment();
}
void Metrics::SetOutboxDepth(std::int64_t depth) { impl_->outbox.Set(static_cast<double>(depth)); }
void Metrics::SetInfo(std::string_view version, std::string_view rules_version) {
  impl_
      ->GetGauge(impl_->build_info, CacheKey{"bi", version, rules_version},
                 {{"version", version}, {"rules_version", rules_version}})
      .Set(1);
  impl_
      ->GetGauge(impl_->rules_info, CacheKey{"ri", rules_version},
                 {{"rules_version", rules_version}})
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

std::vector<std::string> Metrics::FamilyNames() const { return impl_->names; }

}  // namespace careloop::metrics
