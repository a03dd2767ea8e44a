// PetitionStats: the petition figures dashboards need, kept in state (meta key
// "stats/petitions") and updated in the same WriteSet as the petition change, so they
// are right after a restart: first-response rate, on-time response rate by weight, open
// petitions by stage and category, overdue count, median time to response.
//
// Thread-safety: a value.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "careloop/status.h"
#include "careloop/time.h"

namespace careloop::engine {

struct PetitionStats {
  std::uint64_t submitted = 0;
  std::uint64_t accepted = 0;
  std::uint64_t accepted_within_24h = 0;                   // first response in time
  std::map<std::string, std::uint64_t> responded;          // by weight
  std::map<std::string, std::uint64_t> responded_on_time;  // by weight
  std::map<std::string, std::uint64_t> open;               // "stage|category" -> open petitions
  std::uint64_t overdue_escalations = 0;                   // level-1 escalations of petitions
  // Time from submission to first response, hours: bucket upper bounds below.
  static constexpr std::array<double, 14> kBounds = {1,  2,  4,   8,   12,  24,   48,
                                                     72, 96, 168, 336, 720, 2160, 1e18};
  std::array<std::uint64_t, 14> response_hours{};

  double FirstResponseRate() const;  // accepted within 24 h / submitted
  double OnTimeRate(std::string_view weight) const;
  double MedianResponseHours() const;  // upper bound of the median's bucket; 0 if none

  void ObserveResponse(TimeMs submitted_at, TimeMs responded_at);
  void MoveOpen(std::string_view category, std::string_view from, std::string_view to,
                bool from_open, bool to_open);

  std::string Encode() const;
  static Result<PetitionStats> Decode(std::string_view text);  // "" gives zeros
};

}  // namespace careloop::engine
