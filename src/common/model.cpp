#include "careloop/model.h"

namespace careloop {

std::string_view TierName(Tier t) {
  switch (t) {
    case Tier::kNone: return "none";
    case Tier::kGreen: return "green";
    case Tier::kYellow: return "yellow";
    case Tier::kRed: return "red";
  }
  return "none";
}

std::optional<Tier> ParseTier(std::string_view name) {
  if (name == "none") return Tier::kNone;
  if (name == "green") return Tier::kGreen;
  if (name == "yellow") return Tier::kYellow;
  if (name == "red") return Tier::kRed;
  return std::nullopt;
}

std::string_view ResultStatusName(ResultStatus s) {
  switch (s) {
    case ResultStatus::kFinal: return "final";
    case ResultStatus::kCorrected: return "corrected";
    case ResultStatus::kPreliminary: return "preliminary";
  }
  return "final";
}

}  // namespace careloop
