#include "petitions.h"

#include <algorithm>

#include "careloop/engine/petition_stats.h"

namespace careloop::engine {

const char* const Petitions::kStatsKey = "stats/petitions";

namespace {

void SetAttr(state::WorkflowState* wf, const std::string& key, const std::string& value) {
  for (auto& [k, v] : wf->attrs) {
    if (k == key) {
      v = value;
      return;
    }
  }
  wf->attrs.emplace_back(key, value);
}

}  // namespace

Subject Petitions::PetitionSubject(std::int32_t partition, state::PetitionFile* file) const {
  Subject s;
  s.def = workflows_.Find(file->wf.workflow);
  if (s.def == nullptr) {
    s.def = file->category == "hardship" ? &workflows_.hardship() : &workflows_.petition();
  }
  s.stored = &file->wf;
  s.history = &file->history;
  s.entity_kind = 'P';
  s.partition = partition;
  s.entity_id = file->petition_id;
  s.instance_kind = 'p';
  s.instance_id = file->petition_id;
  s.worker_id = file->worker_id;
  s.key = file->worker_id.empty() ? file->petition_id : file->worker_id;
  return s;
}

Status Petitions::UpdateStats(const state::PetitionFile& file, const std::string& before,
                              TimeMs now, int level1_escalations, Txn& txn) const {
  const std::string& after = file.wf.state;
  if (before == after && level1_escalations == 0) return Status::Ok();
  auto text = txn.Meta(kStatsKey);
  if (!text.ok()) return text.status();
  auto stats = PetitionStats::Decode(*text);
  if (!stats.ok()) return stats.status();
  PetitionStats& s = *stats;
  const workflow::Definition* def = workflows_.Find(file.wf.workflow);
  auto open = [&](const std::string& st) {
    return !st.empty() && st != (def ? def->initial : "new") && !(def && def->IsTerminal(st));
  };
  if (before != after) {
    s.MoveOpen(file.category.empty() ? "other" : file.category, before, after, open(before),
               open(after));
    const bool petition = file.wf.workflow == "petition";
    if (petition && after == "submitted" && !open(before)) s.submitted++;
    if (petition && after == "accepted" && file.accepted_at == now) {
      s.accepted++;
      if (file.submitted_at != 0 && now - file.submitted_at <= 24 * kHour) s.accepted_within_24h++;
    }
    if (petition && after == "responded" && file.responded_at == now) {
      s.responded[file.weight]++;
      TimeMs limit = file.weight == "major" ? 90 * kDay : 3 * kDay;
      if (file.accepted_at != 0 && now - file.accepted_at <= limit)
        s.responded_on_time[file.weight]++;
      if (file.submitted_at != 0) s.ObserveResponse(file.submitted_at, now);
    }
  }
  s.overdue_escalations += static_cast<std::uint64_t>(level1_escalations);
  txn.PutMeta(kStatsKey, s.Encode());
  return Status::Ok();
}

Status Petitions::Apply(const Petition& p, TimeMs now, std::int32_t partition, Txn& txn) const {
  bool created = false;
  auto pf = txn.Petition(partition, p.petition_id, &created);
  if (!pf.ok()) return pf.status();
  state::PetitionFile* file = *pf;
  // What the petition is: set by its first event, completed by later ones that say more.
  if (file->worker_id.empty()) file->worker_id = p.worker_id;
  if (file->category.empty()) file->category = p.category;
  if (file->channel.empty()) file->channel = p.channel;
  if (file->summary.empty()) file->summary = p.summary;
  // The weight decides the response limit: a submission or acceptance that names it sets it.
  if (!p.weight.empty() &&
      (p.action == "submitted" || p.action == "accepted" || file->weight.empty())) {
    file->weight = p.weight;
  }
  if (file->weight.empty()) file->weight = "routine";
  SetAttr(&file->wf, "weight", file->weight);
  if (!file->category.empty()) SetAttr(&file->wf, "category", file->category);

  Subject s = PetitionSubject(partition, file);
  workflow::Fields f{{"weight", file->weight}, {"urgent", p.urgent ? "true" : "false"}};
  if (!p.handler.empty()) f.emplace("handler", p.handler);
  if (!file->category.empty()) f.emplace("category", file->category);
  Cause cause{p.event_id, p.handler.empty() ? p.source : p.handler, now, ""};
  std::string before = file->wf.state;
  host_.Send(s, p.action, f, cause, txn);
  const std::string& after = file->wf.state;
  if (before != after) {
    if ((after == "submitted" || after == "reported") && file->submitted_at == 0)
      file->submitted_at = now;
    if ((after == "accepted" || after == "visited") && file->accepted_at == 0)
      file->accepted_at = now;
    if ((after == "responded" || after == "assisted" || after == "not_eligible") &&
        file->responded_at == 0) {
      file->responded_at = now;
    }
    if (s.def->IsTerminal(after)) file->closed_at = now;
  }
  txn.MarkPetitionDirty(partition, file->petition_id);
  CARELOOP_RETURN_IF_ERROR(UpdateStats(*file, before, now, 0, txn));

  // The worker's file lists their petitions beside their health cases.
  if (!file->worker_id.empty()) {
    bool wcreated = false;
    auto wf = txn.Worker(partition, file->worker_id, &wcreated);
    if (!wf.ok()) return wf.status();
    auto& list = (*wf)->petitions;
    if (std::find(list.begin(), list.end(), file->petition_id) == list.end()) {
      list.push_back(file->petition_id);
      if (wcreated) (*wf)->first_seen = now;
      txn.MarkDirty(partition, file->worker_id);
    }
  }
  return Status::Ok();
}

}  // namespace careloop::engine
