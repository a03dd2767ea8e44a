// The event stream: workers are scheduled slot by slot, each exam's events (check-ins,
// preliminary, final and corrected reports, follow-up contacts, a second exam months
// later) go into a min-heap by event time, and Next() interleaves bad input and re-sends
// with the heap's events in time order.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <ostream>

#include "careloop/gen/generator.h"
#include "gen/faults.h"
#include "gen/population.h"
#include "gen/random.h"
#include "gen/render.h"
#include "gen/report.h"

namespace careloop::gen {
namespace {

constexpr std::string_view kLabTopic = "lab-results";
constexpr std::string_view kCheckinTopic = "checkins";
constexpr std::string_view kFollowupSource = "followup-app";

constexpr std::size_t kRecent = 1024;  // re-sends repeat one of the last good events
// Second exams favour abnormal results: at followup_share 0.10, 4 % of the workers
// without and 15 % of those with a yellow or red result (about half) are invited back.
constexpr double kSecondExam = 0.4, kSecondExamAbnormal = 1.5;
constexpr double kPreliminary = 0.01, kCorrected = 0.005;
constexpr double kLateResults = 0.03;  // of checked-in exams: results after > 3 days

constexpr std::uint64_t kNoWorker = ~std::uint64_t{0};

// An event due at `at`, or (second_exam_of != kNoWorker) the slot of a worker's second
// exam, whose events are drawn only when it comes due: the heap stays small.
struct Pending {
  TimeMs at = 0;
  std::uint64_t seq = 0;  // schedule order breaks ties: deterministic
  GeneratedEvent event;
  std::uint64_t second_exam_of = kNoWorker;
};

bool Later(const Pending& a, const Pending& b) {
  return a.at != b.at ? a.at > b.at : a.seq > b.seq;
}

TimeMs Minutes(Rng& rng, std::int64_t lo, std::int64_t hi) {
  return rng.IntBetween(lo * 60, hi * 60) * 1000;
}

}  // namespace

class Generator::Impl {
 public:
  explicit Impl(const Options& options);
  bool Next(GeneratedEvent* out);
  std::uint64_t produced() const { return produced_; }

 private:
  TimeMs SlotTime(std::uint64_t i) const {
    return o_.start + static_cast<TimeMs>(i) * o_.spacing_ms;
  }
  void ScheduleWorker(std::uint64_t index);
  void ScheduleSecondExam(std::uint64_t index, TimeMs slot);
  void ScheduleExam(const WorkerProfile& w, int exam_no, TimeMs slot, Rng& values, Rng& events);
  void ScheduleContacts(const WorkerProfile& w, TimeMs result_at, Rng& events);
  void Push(TimeMs at, std::string_view topic, const std::string& key, std::string json, bool bad);
  EventHeader Header(std::string_view prefix, std::string_view source, const WorkerProfile& w,
                     TimeMs at, const std::string& exam_id);
  GeneratedEvent WholeBad();

  Options o_;
  Rng stream_;
  double whole_bad_ = 0, duplicate_ = 0, result_bad_ = 0, checkins_ = 0;
  double second_exam_ = 0, second_exam_abnormal_ = 0;
  std::uint64_t next_worker_ = 0;
  std::uint64_t seq_ = 0, event_counter_ = 0, exam_counter_ = 0, bad_counter_ = 0;
  std::vector<Pending> heap_;
  std::vector<GeneratedEvent> recent_;  // ring of the last kRecent good events
  std::uint64_t recent_count_ = 0;
  TimeMs now_ = 0;
  std::uint64_t produced_ = 0;
};

Generator::Impl::Impl(const Options& options) : o_(options), stream_(MixSeed(options.seed, 0x57)) {
  const double bad = std::clamp(o_.bad_share, 0.0, 0.5);
  const double checkin = std::clamp(o_.checkin_share, 0.0, 0.6);
  o_.spacing_ms = std::max<TimeMs>(o_.spacing_ms, 0);
  duplicate_ = std::clamp(o_.duplicate_share, 0.0, 0.2);
  const double followup = std::clamp(o_.followup_share, 0.0, 0.66);
  second_exam_ = kSecondExam * followup;
  second_exam_abnormal_ = std::min(1.0, kSecondExamAbnormal * followup);
  whole_bad_ = bad / 2;
  // Check-ins per checked-in exam: arrival and done (contacts add a little).
  checkins_ = std::min(1.0, checkin / (2 * (1 - checkin)));
  // Final reports among the heap's events; half the bad share is faults inside them.
  const double final_share = 1 / (1 + kPreliminary + kCorrected + 2 * checkins_);
  result_bad_ = std::min(1.0, whole_bad_ / ((1 - whole_bad_ - duplicate_) * final_share));
  now_ = o_.start;
  recent_.reserve(kRecent);
}

void Generator::Impl::Push(TimeMs at, std::string_view topic, const std::string& key,
                           std::string json, bool bad) {
  heap_.push_back({at, seq_++, {std::string(topic), key, std::move(json), bad}});
  std::push_heap(heap_.begin(), heap_.end(), Later);
}

EventHeader Generator::Impl::Header(std::string_view prefix, std::string_view source,
                                    const WorkerProfile& w, TimeMs at, const std::string& exam_id) {
  EventHeader h;
  h.event_id = fmt::format("{}-{}-{:07d}", prefix, LocalDate(at), ++event_counter_);
  h.worker_id = w.id;
  h.occurred_at = LocalTime(at);
  h.occurred_at_ms = at;
  h.source = source;
  h.exam_id = exam_id;
  return h;
}

void Generator::Impl::ScheduleWorker(std::uint64_t index) {
  const WorkerProfile w = DrawWorker(o_.seed, o_.worker_prefix, index);
  Rng values(MixSeed(o_.seed, index, 1));
  Rng events(MixSeed(o_.seed, index, 2));
  ScheduleExam(w, 1, SlotTime(index), values, events);
}

void Generator::Impl::ScheduleSecondExam(std::uint64_t index, TimeMs slot) {
  Rng values(MixSeed(o_.seed, index, 3));
  Rng events(MixSeed(o_.seed, index, 4));
  const WorkerProfile later = Drift(DrawWorker(o_.seed, o_.worker_prefix, index), values);
  ScheduleExam(later, 2, slot, values, events);
}

void Generator::Impl::ScheduleExam(const WorkerProfile& w, int exam_no, TimeMs slot, Rng& values,
                                   Rng& events) {
  const Site& site = Sites()[w.site];
  const std::vector<Value> v = DrawExam(w, exam_no, values);
  const std::vector<ReportedResult> results = Present(v, site, values);
  const std::string exam_id = fmt::format("X{}-{:07d}", LocalDate(slot), ++exam_counter_);

  TimeMs result_at = slot;
  const bool checked_in = events.Chance(checkins_);
  if (checked_in) {
    CheckinFields arrival{"exam_arrival", {}, {}, {}};
    Push(slot, kCheckinTopic, w.id,
         RenderCheckin(Header(site.short_name, site.name, w, slot, exam_id), arrival), false);
    const TimeMs done_at = slot + Minutes(events, 8, 40);
    CheckinFields done{"exam_done", {}, {}, {}};
    Push(done_at, kCheckinTopic, w.id,
         RenderCheckin(Header(site.short_name, site.name, w, done_at, exam_id), done), false);
    result_at = events.Chance(kLateResults) ? done_at + Minutes(events, 84 * 60, 144 * 60)
                                            : done_at + Minutes(events, 30, 48 * 60);
  }
  if (events.Chance(kPreliminary)) {
    std::vector<ReportedResult> lipids;
    for (ReportedResult r : results) {
      if (r.test > Test::kHDL) break;
      r.status = "preliminary";
      lipids.push_back(r);
    }
    Push(result_at, kLabTopic, w.id,
         RenderLabResult(Header(site.short_name, site.name, w, result_at, exam_id), lipids), false);
    result_at += Minutes(events, 60, 360);
  }
  std::vector<ReportedResult> final_results = results;
  const bool bad = events.Chance(result_bad_);
  if (bad) {
    ApplyResultFault(static_cast<ResultFault>(events.Below(static_cast<int>(ResultFault::kCount))),
                     &final_results, events);
  }
  Push(result_at, kLabTopic, w.id,
       RenderLabResult(Header(site.short_name, site.name, w, result_at, exam_id), final_results),
       bad);
  if (events.Chance(kCorrected)) {
    std::vector<std::size_t> correctable;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const Test t = v[i].test;
      if (t == Test::kTG || t == Test::kTC || t == Test::kGLU || t == Test::kSBP ||
          t == Test::kALT) {
        correctable.push_back(i);
      }
    }
    const std::size_t i = correctable[events.Below(correctable.size())];
    ReportedResult fixed = results[i];
    const TestInfo& info = Info(fixed.test);
    SetCanonical(&fixed,
                 std::clamp(v[i].canonical * events.Between(0.85, 1.15), info.low, info.high));
    fixed.status = "corrected";
    const TimeMs at = result_at + Minutes(events, 120, 72 * 60);
    Push(at, kLabTopic, w.id,
         RenderLabResult(Header(site.short_name, site.name, w, at, exam_id), {&fixed, 1}), false);
  }
  const Severity severity = Assess(v);
  if (checked_in && severity.red) ScheduleContacts(w, result_at, events);
  if (exam_no == 1 && events.Chance(severity.abnormal ? second_exam_abnormal_ : second_exam_)) {
    const TimeMs at = slot + events.IntBetween(60, 110) * kDay + Minutes(events, 0, 600);
    heap_.push_back({at, seq_++, {}, w.index});
    std::push_heap(heap_.begin(), heap_.end(), Later);
  }
}

void Generator::Impl::ScheduleContacts(const WorkerProfile& w, TimeMs result_at, Rng& events) {
  static constexpr std::array<std::string_view, 3> kOutcomes = {"reached", "unreachable",
                                                                "declined"};
  static constexpr std::array<double, 3> kFirst = {0.75, 0.20, 0.05};
  static constexpr std::array<double, 3> kRetry = {0.70, 0.30, 0.0};
  const std::string staff = fmt::format("S{:02d}", events.IntBetween(1, 12));
  TimeMs at = result_at + Minutes(events, 2, 90);
  for (int attempt = 0; attempt < 2; ++attempt) {
    const std::string_view outcome = kOutcomes[events.Pick(attempt == 0 ? kFirst : kRetry)];
    CheckinFields contact{"contact", "phone", outcome, staff};
    Push(at, kCheckinTopic, w.id, RenderCheckin(Header("app", kFollowupSource, w, at, {}), contact),
         false);
    if (outcome != "unreachable") break;
    at += Minutes(events, 30, 180);
  }
}

GeneratedEvent Generator::Impl::WholeBad() {
  const WorkerProfile w = DrawWorker(o_.seed, o_.worker_prefix, stream_.Below(next_worker_));
  Rng rng(MixSeed(o_.seed, 0xbad, bad_counter_++));
  const Site& site = Sites()[w.site];
  const std::vector<ReportedResult> results = Present(DrawExam(w, 1, rng), site, rng);
  const std::string exam_id = fmt::format("X{}-{:07d}", LocalDate(now_), ++exam_counter_);
  const auto fault = static_cast<WholeFault>(rng.Below(static_cast<int>(WholeFault::kCount)));
  return {
      std::string(kLabTopic), w.id,
      RenderWholeFault(fault, Header(site.short_name, site.name, w, now_, exam_id), results, rng),
      true};
}

bool Generator::Impl::Next(GeneratedEvent* out) {
  const double u = stream_.Uniform();
  if (u < whole_bad_ && next_worker_ > 0) {
    *out = WholeBad();
    ++produced_;
    return true;
  }
  if (u >= whole_bad_ && u < whole_bad_ + duplicate_ && recent_count_ > 0) {
    *out = recent_[stream_.Below(std::min<std::uint64_t>(recent_count_, kRecent))];
    ++produced_;
    return true;
  }
  Pending p;
  do {
    // Schedule every worker whose exam slot comes before the earliest pending event.
    while (next_worker_ < o_.workers &&
           (heap_.empty() || SlotTime(next_worker_) <= heap_.front().at)) {
      ScheduleWorker(next_worker_++);
    }
    if (heap_.empty()) return false;
    std::pop_heap(heap_.begin(), heap_.end(), Later);
    p = std::move(heap_.back());
    heap_.pop_back();
    if (p.second_exam_of != kNoWorker) ScheduleSecondExam(p.second_exam_of, p.at);
  } while (p.second_exam_of != kNoWorker);
  now_ = p.at;
  if (!p.event.bad) {
    if (recent_.size() < kRecent) {
      recent_.push_back(p.event);
    } else {
      recent_[recent_count_ % kRecent] = p.event;
    }
    ++recent_count_;
  }
  *out = std::move(p.event);
  ++produced_;
  return true;
}

Generator::Generator(const Options& options) : impl_(std::make_unique<Impl>(options)) {}
Generator::~Generator() = default;
bool Generator::Next(GeneratedEvent* out) { return impl_->Next(out); }
std::uint64_t Generator::produced() const { return impl_->produced(); }

void WriteJsonl(const Options& options, std::ostream& out) {
  Generator g(options);
  GeneratedEvent e;
  while (out && g.Next(&e)) {
    out.write(e.json.data(), static_cast<std::streamsize>(e.json.size()));
    out.put('\n');
  }
}

}  // namespace careloop::gen
