#include "careloop/engine/petition_stats.h"

#include <fmt/format.h>

#include <charconv>
#include <sstream>

namespace careloop::engine {

double PetitionStats::FirstResponseRate() const {
  return submitted == 0 ? 0
                        : static_cast<double>(accepted_within_24h) / static_cast<double>(submitted);
}

double PetitionStats::OnTimeRate(std::string_view weight) const {
  auto r = responded.find(std::string(weight));
  if (r == responded.end() || r->second == 0) return 0;
  auto ok = responded_on_time.find(std::string(weight));
  return ok == responded_on_time.end()
             ? 0
             : static_cast<double>(ok->second) / static_cast<double>(r->second);
}

double PetitionStats::MedianResponseHours() const {
  std::uint64_t total = 0;
  for (auto c : response_hours) total += c;
  if (total == 0) return 0;
  std::uint64_t seen = 0;
  for (size_t i = 0; i < kBounds.size(); ++i) {
    seen += response_hours[i];
    if (seen * 2 >= total) return kBounds[i];
  }
  return kBounds.back();
}

void PetitionStats::ObserveResponse(TimeMs submitted_at, TimeMs responded_at) {
  double hours = static_cast<double>(responded_at - submitted_at) / static_cast<double>(kHour);
  for (size_t i = 0; i < kBounds.size(); ++i) {
    if (hours <= kBounds[i]) {
      response_hours[i]++;
      return;
    }
  }
}

void PetitionStats::MoveOpen(std::string_view category, std::string_view from, std::string_view to,
                             bool from_open, bool to_open) {
  if (from_open) {
    auto it = open.find(fmt::format("{}|{}", from, category));
    if (it != open.end() && it->second > 0 && --it->second == 0) open.erase(it);
  }
  if (to_open) open[fmt::format("{}|{}", to, category)]++;
}

std::string PetitionStats::Encode() const {
  std::string out = fmt::format("submitted {}\naccepted {}\naccepted_within_24h {}\noverdue {}\n",
                                submitted, accepted, accepted_within_24h, overdue_escalations);
  for (const auto& [w, n] : responded) out += fmt::format("responded {} {}\n", w, n);
  for (const auto& [w, n] : responded_on_time) out += fmt::format("on_time {} {}\n", w, n);
  for (const auto& [k, n] : open) out += fmt::format("open {} {}\n", k, n);
  for (size_t i = 0; i < response_hours.size(); ++i) {
    if (response_hours[i]) out += fmt::format("hours {} {}\n", i, response_hours[i]);
  }
  return out;
}

Result<PetitionStats> PetitionStats::Decode(std::string_view text) {
  PetitionStats s;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string k, a, b;
    ls >> k >> a;
    bool two = static_cast<bool>(ls >> b);
    auto num = [](const std::string& v, std::uint64_t* out) {
      return std::from_chars(v.data(), v.data() + v.size(), *out).ec == std::errc();
    };
    std::uint64_t n = 0;
    bool ok = true;
    if (k == "submitted")
      ok = num(a, &s.submitted);
    else if (k == "accepted")
      ok = num(a, &s.accepted);
    else if (k == "accepted_within_24h")
      ok = num(a, &s.accepted_within_24h);
    else if (k == "overdue")
      ok = num(a, &s.overdue_escalations);
    else if (k == "responded" && two && num(b, &n))
      s.responded[a] = n;
    else if (k == "on_time" && two && num(b, &n))
      s.responded_on_time[a] = n;
    else if (k == "open" && two && num(b, &n))
      s.open[a] = n;
    else if (k == "hours" && two && num(b, &n)) {
      std::uint64_t i = 0;
      ok = num(a, &i) && i < s.response_hours.size();
      if (ok) s.response_hours[i] = n;
    } else {
      ok = false;
    }
    if (!ok) return Status::Corruption("petition statistics: unreadable line");
  }
  return s;
}

}  // namespace careloop::engine
