// Topic names (configuration; these are contract.md's defaults).
#pragma once

#include <string>
#include <vector>

namespace careloop::engine {

struct Topics {
  std::string lab_results = "lab-results";
  std::string checkins = "checkins";
  std::string petitions = "petitions";
  std::string alerts = "alerts";
  std::string alerts_red = "alerts.red";
  std::string notifications = "notifications";
  std::string referrals = "referrals";
  std::string escalations = "escalations";
  std::string dead_letter = "dead-letter";

  std::vector<std::string> Inputs() const { return {lab_results, checkins, petitions}; }
  std::vector<std::string> Outputs() const {
    return {alerts, alerts_red, notifications, referrals, escalations, dead_letter};
  }
};

}  // namespace careloop::engine
