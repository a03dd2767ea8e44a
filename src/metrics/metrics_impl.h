// Private to src/metrics: the registry and metric families behind Metrics.
#pragma once

#include <fmt/format.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "careloop/metrics/metrics.h"

namespace careloop::metrics {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;
using Labels = std::map<std::string, std::string>;
// Label names and values of one series; copied into Labels only when the series is new
// (the hot paths look their series up by cache key and build no map).
using LabelList = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// Register a family and note its name in `names`.
Family<Counter>& CounterFamily(prometheus::Registry& r, std::vector<std::string>& names,
                               const char* name, const char* help);
Family<Gauge>& GaugeFamily(prometheus::Registry& r, std::vector<std::string>& names,
                           const char* name, const char* help);
Family<Histogram>& HistogramFamily(prometheus::Registry& r, std::vector<std::string>& names,
                                   const char* name, const char* help);

// The cache key of a series: its family's tag and its label values, joined by '|'. Built in
// a stack buffer, so that the hot paths (a counter per event, per alert, per record
// delivered), whose series is nearly always known already, allocate nothing.
class CacheKey {
 public:
  CacheKey(std::initializer_list<std::string_view> parts);
  operator std::string_view() const { return {buf_.data(), buf_.size()}; }

 private:
  fmt::basic_memory_buffer<char, 128> buf_;
};

struct Metrics::Impl {
  Impl();

  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  prometheus::Registry& r = *registry;
  std::vector<std::string> names;  // every family registered, in order

  // Counted as they happen.
  Family<Counter>& events;
  Family<Counter>& dead;
  Family<Counter>& dups;
  Family<Counter>& alerts;
  Counter& green_channel;
  Family<Counter>& lost;
  Family<Counter>& produced;
  Counter& delivery_failed;
  Family<Counter>& kafka_errors;
  Family<Counter>& missed;
  Family<Counter>& met;
  Family<Counter>& http;
  Histogram& timer_lateness;
  Family<Histogram>& first_contact;
  Family<Histogram>& latency_event;
  Family<Histogram>& latency_consume;
  Gauge& outbox;
  Family<Gauge>& lag;
  Family<Gauge>& build_info;
  Family<Gauge>& rules_info;

  // From state.
  Family<Gauge>& open_cases;
  Family<Gauge>& overdue_cases;
  Family<Gauge>& workers;
  Family<Counter>& pet_submitted;
  Family<Counter>& pet_accepted;
  Family<Counter>& pet_accepted_in_time;
  Family<Counter>& pet_responded;
  Family<Counter>& pet_responded_on_time;
  Family<Counter>& pet_overdue;
  Gauge& pet_first_response;
  Family<Gauge>& pet_on_time;
  Gauge& pet_median;
  Family<Gauge>& open_petitions;
  Gauge& state_size;
  Gauge& cache_usage;
  Gauge& ready;

  mutable std::mutex mu;  // guards the caches below
  std::map<std::string, Counter*, std::less<>> by_label;
  std::map<std::string, Histogram*, std::less<>> histograms;
  std::map<std::string, Gauge*, std::less<>> gauges;
  // Per replaced family: the series set so far (key -> gauge), to zero the absent ones.
  std::map<const void*, std::map<std::string, Gauge*>> replaced;

  Counter& GetCounter(Family<Counter>& family, std::string_view cache_key, LabelList labels);
  Histogram& GetHistogram(Family<Histogram>& family, std::string_view cache_key, LabelList labels,
                          const std::vector<double>& buckets);
  Gauge& GetGauge(Family<Gauge>& family, std::string_view cache_key, LabelList labels);
  // Sets every series of `values` and zeroes the series set before and absent now.
  void Replace(Family<Gauge>& family, const std::vector<GaugeValue>& values);
  // Raises a counter kept in state to `target` (it never goes down in this process).
  void Sync(Family<Counter>& family, std::string_view cache_key, LabelList labels, double target);
  double Sum(const std::string& prefix) const;
};

}  // namespace careloop::metrics
