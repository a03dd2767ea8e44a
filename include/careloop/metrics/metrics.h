// Metrics: careloop's Prometheus metrics (prometheus-cpp), behind a small interface so
// that no prometheus type leaks into other stages. Labels never carry a worker id or any
// other personal data: only topics, event types, reason codes, tiers and conditions.
//
// Ownership: one Metrics per process, owned by the app and borrowed by the stages.
// Thread-safety: every method is safe from any thread (prometheus-cpp counters are
// atomic; label lookups take an internal mutex only on first use of a label set).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace careloop::metrics {

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  void EventIn(std::string_view topic, std::string_view type);
  void DeadLetter(std::string_view reason_code);
  void Duplicate(std::string_view type);
  void Alert(std::string_view tier, std::string_view condition);
  void GreenChannelOpened();
  void RecordsLost(std::string_view topic, std::int64_t count);
  void OutputProduced(std::string_view topic);
  void DeliveryFailed();
  void SetOutboxDepth(std::int64_t depth);
  // A workflow deadline step escalated; `lateness_ms` is how late its timer fired.
  void DeadlineMissed(std::string_view workflow, std::string_view stage, int level,
                      std::int64_t lateness_ms);
  // A timer fired `lateness_ms` after its due time (live runs).
  void TimerFired(std::int64_t lateness_ms);
  void SetInfo(std::string_view version, std::string_view rules_version);

  // Totals for summaries (sums over labels).
  double EventsTotal() const;
  double DeadLetterTotal() const;
  double AlertsTotal(std::string_view tier) const;
  double GreenChannelTotal() const;
  double RecordsLostTotal() const;
  double DuplicatesTotal() const;

  // Prometheus text exposition format of everything registered.
  std::string Serialize() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace careloop::metrics
