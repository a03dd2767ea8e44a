#include "gen/faults.h"

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace careloop::gen {
namespace {

std::string NotJson(const EventHeader& h, Rng& rng) {
  switch (rng.Below(4)) {
    case 0:
      return "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    case 1:
      return fmt::format("{{'type': 'lab_result', 'event_id': '{}', 'worker_id': '{}'}}",
                         h.event_id, h.worker_id);
    case 2:
      return fmt::format("type=lab_result&event_id={}&worker_id={}&exam_id={}", h.event_id,
                         h.worker_id, h.exam_id);
    default:
      return "ERROR 1205 (HY000): Lock wait timeout exceeded; try restarting transaction";
  }
}

void BreakTime(EventHeader* h, Rng& rng) {
  const std::string good = h->occurred_at;  // "2026-04-12T09:13:22+08:00"
  switch (rng.Below(5)) {
    case 0:  // no offset
      h->occurred_at = good.substr(0, good.size() - 6);
      break;
    case 1:  // a database timestamp
      h->occurred_at = good.substr(0, 10) + " " + good.substr(11, 8);
      break;
    case 2:  // epoch milliseconds as a number
      h->occurred_at_as_number = true;
      break;
    case 3:  // an impossible date
      h->occurred_at = good.substr(0, 5) + "02-30" + good.substr(10);
      break;
    default:  // day/month/year
      h->occurred_at = good.substr(8, 2) + "/" + good.substr(5, 2) + "/" + good.substr(0, 4) + " " +
                       good.substr(11, 5);
      break;
  }
}

bool Core(Test t) { return t == Test::kTG || t == Test::kTC || t == Test::kSBP || t == Test::kDBP; }

}  // namespace

std::string RenderWholeFault(WholeFault f, EventHeader header, std::vector<ReportedResult> results,
                             Rng& rng) {
  switch (f) {
    case WholeFault::kNotJson:
      return NotJson(header, rng);
    case WholeFault::kTruncated: {
      const std::string full = RenderLabResult(header, results);
      // Cut somewhere after the first third and before the closing "]}": never valid.
      const auto len = static_cast<std::int64_t>(full.size());
      return full.substr(0, static_cast<std::size_t>(rng.IntBetween(len / 3, len - 3)));
    }
    case WholeFault::kNoEventId:
      header.event_id.clear();
      break;
    case WholeFault::kNoWorkerId:
      header.worker_id.clear();
      break;
    case WholeFault::kBadTime:
      BreakTime(&header, rng);
      break;
    case WholeFault::kEmptyResults:
    case WholeFault::kCount:
      results.clear();
      break;
  }
  return RenderLabResult(header, results);
}

void ApplyResultFault(ResultFault f, std::vector<ReportedResult>* results, Rng& rng) {
  if (f == ResultFault::kUnknownTest) {
    struct Unknown {
      std::string_view code, loinc, unit;
      double value;
      int decimals;
    };
    static constexpr std::array<Unknown, 4> kUnknown = {{
        {"URIC", "3084-1", "umol/L", 386, 0},   // uric acid
        {"TSH", "3016-3", "mIU/L", 2.14, 2},    // thyroid-stimulating hormone
        {"CRP", "1988-5", "mg/L", 3.2, 1},      // C-reactive protein
        {"HCY", "13965-9", "umol/L", 12.6, 1},  // homocysteine
    }};
    const Unknown& u = kUnknown[rng.Below(kUnknown.size())];
    ReportedResult r;
    r.code = u.code;
    if (rng.Chance(0.3)) r.loinc = u.loinc;
    r.value = u.value;
    r.decimals = u.decimals;
    r.unit = u.unit;
    const auto at = static_cast<std::ptrdiff_t>(rng.Below(results->size() + 1));
    results->insert(results->begin() + at, r);
    return;
  }
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < results->size(); ++i) {
    const ReportedResult& r = (*results)[i];
    if (r.quantitative && !Core(r.test)) candidates.push_back(i);
  }
  if (candidates.empty()) return;
  ReportedResult& r = (*results)[candidates[rng.Below(candidates.size())]];
  const TestInfo& info = Info(r.test);
  switch (f) {
    case ResultFault::kUnknownUnit:
      r.unit = info.unknown_unit;
      break;
    case ResultFault::kStringValue:
      r.value_as_string = true;
      break;
    default:
      r.value = info.impossible;
      r.decimals = 2;  // written as is, never rounded back into range (-0.4 %)
      break;
  }
}

}  // namespace careloop::gen
