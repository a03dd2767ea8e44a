#include "decode/petition.h"

#include "decode/reasons.h"

namespace careloop::decode {
namespace {

using F = EventFields::Key;

constexpr std::string_view kActions[] = {"submitted", "accepted", "assigned",    "responded",
                                         "resolved",  "closed",   "reopened",    "withdrawn",
                                         "visited",   "assisted", "not_eligible"};
constexpr std::string_view kChannels[] = {"app",     "hotline", "web",    "window",
                                          "station", "letter",  "meeting"};
constexpr std::string_view kCategories[] = {"health",   "facility",  "wages", "social_insurance",
                                            "hardship", "childcare", "other"};
constexpr std::string_view kWeights[] = {"routine", "major"};

}  // namespace

bool BuildPetition(const EventFields& in, Petition* out, Fault* fault) {
  const FieldValue& petition_id = in[F::kPetitionId];
  if (!CheckId(petition_id, "petition_id", kMaxTextBytes, fault) ||
      !CheckEnum(in[F::kAction], "action", true, kActions, reason::kUnknownAction, fault) ||
      !CheckEnum(in[F::kChannel], "channel", false, kChannels, reason::kInvalidField, fault) ||
      !CheckEnum(in[F::kCategory], "category", false, kCategories, reason::kInvalidField, fault) ||
      !CheckEnum(in[F::kWeight], "weight", false, kWeights, reason::kInvalidField, fault) ||
      !CheckOptionalString(in[F::kHandler], "handler", kMaxTextBytes, fault) ||
      !CheckOptionalString(in[F::kSummary], "summary", kMaxFreeTextBytes, fault) ||
      !CheckOptionalBool(in[F::kUrgent], "urgent", fault)) {
    return false;
  }
  out->petition_id.assign(petition_id.str);
  out->action.assign(in[F::kAction].str);
  out->channel.assign(in[F::kChannel].str);
  out->category.assign(in[F::kCategory].str);
  out->weight.assign(in[F::kWeight].str);
  out->handler.assign(in[F::kHandler].str);
  out->summary.assign(in[F::kSummary].str);
  out->urgent = in[F::kUrgent].boolean;
  return true;
}

}  // namespace careloop::decode
