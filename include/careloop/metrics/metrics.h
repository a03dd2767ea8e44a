// Metrics: careloop's Prometheus metrics (prometheus-cpp), behind a small interface so
// that no prometheus type leaks into other stages. Labels never carry a worker id or any
// other personal data: only topics, partitions, event types, reason codes, tiers,
// conditions, workflow stages, categories, HTTP routes and status codes.
//
// Names follow the Prometheus conventions: `careloop_` prefix, `_total` counters, base
// units (`_seconds`, `_bytes`), gauges named for what they count. Three kinds:
//  - counters and histograms counted as events happen (this process's life);
//  - gauges computed from state (open cases, workers by tier, petition figures, store
//    size), set by their owner (the api's case index) and right after a restart;
//  - info metrics (value 1): build version, rules version.
//
// Ownership: one Metrics per process, owned by the app and borrowed by the stages.
// Thread-safety: every method is safe from any thread (prometheus-cpp metrics are
// atomic; label lookups and gauge sets take an internal mutex).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace careloop::metrics {

// Label values of one gauge series and its value, e.g. {{"tier","red"},{"stage","alerted"}}.
struct GaugeValue {
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};

// The petition figures kept in state (engine::PetitionStats), as exported.
struct PetitionFigures {
  std::uint64_t submitted = 0;
  std::uint64_t accepted = 0;
  std::uint64_t accepted_within_24h = 0;
  std::map<std::string, std::uint64_t> responded;          // by weight
  std::map<std::string, std::uint64_t> responded_on_time;  // by weight
  double first_response_ratio = 0;                         // accepted within 24 h / submitted
  std::map<std::string, double> on_time_ratio;             // by weight
  double median_response_seconds = 0;
  std::vector<GaugeValue> open;  // labels stage, category
  std::uint64_t overdue_escalations = 0;
};

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // --- counted as they happen -------------------------------------------------------
  void EventIn(std::string_view topic, std::string_view type);
  void DeadLetter(std::string_view reason_code);
  void Duplicate(std::string_view type);
  void Alert(std::string_view tier, std::string_view condition);
  void GreenChannelOpened();
  void RecordsLost(std::string_view topic, std::int64_t count);
  void OutputProduced(std::string_view topic);
  void DeliveryFailed();
  // librdkafka reported an error to a client (connection lost, all brokers down, request
  // timed out, ...); `kind` is a short fixed name (kafka::ErrorKind), never free text.
  void KafkaError(std::string_view kind);
  void SetOutboxDepth(std::int64_t depth);
  // A workflow deadline step escalated; `lateness_ms` is how late its timer fired.
  void DeadlineMissed(std::string_view workflow, std::string_view stage, int level,
                      std::int64_t lateness_ms);
  // A workflow deadline's stage was completed by its due time.
  void DeadlineMet(std::string_view workflow, std::string_view stage);
  // A timer fired `lateness_ms` after its due time (live runs).
  void TimerFired(std::int64_t lateness_ms);
  // A red case was first reached `seconds` after it turned red; urgency critical | high.
  void RedFirstContact(std::string_view urgency, double seconds);
  // An alert was confirmed by Kafka: `from_event_s` after its cause's occurred_at, and
  // `from_consume_s` after its cause was consumed (absent for alerts resent after a
  // restart). `tier` is the alert's new tier.
  void AlertDelivered(std::string_view tier, double from_event_s,
                      std::optional<double> from_consume_s);
  // Broker-side lag of one input partition, in records.
  void SetConsumerLag(std::string_view topic, std::int32_t partition, std::int64_t lag);
  // One HTTP request answered: `route` is the route pattern (never the path: it can hold
  // a worker id), `code` the status.
  void HttpRequest(std::string_view route, int code);
  void SetInfo(std::string_view version, std::string_view rules_version);

  // --- gauges from state --------------------------------------------------------------
  // Each call replaces the whole family: series absent from `values` drop to 0.
  void SetOpenCases(const std::vector<GaugeValue>& values);      // labels tier, stage
  void SetOverdueCases(const std::vector<GaugeValue>& values);   // labels tier
  void SetWorkersByTier(const std::vector<GaugeValue>& values);  // labels tier
  void SetPetitionFigures(const PetitionFigures& figures);
  void SetStoreFigures(std::uint64_t size_bytes, std::uint64_t block_cache_bytes);
  // 1 when the processor is consuming with its state restored and indexed.
  void SetReady(bool ready);

  // Totals for summaries (sums over labels).
  double EventsTotal() const;
  double DeadLetterTotal() const;
  double AlertsTotal(std::string_view tier) const;
  double GreenChannelTotal() const;
  double RecordsLostTotal() const;
  double DuplicatesTotal() const;

  // Prometheus text exposition format of everything registered.
  std::string Serialize() const;
  // The name of every registered metric family (with or without samples yet).
  std::vector<std::string> FamilyNames() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace careloop::metrics
