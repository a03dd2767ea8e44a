#include "careloop/engine/processor.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "careloop/decode/event_decoder.h"
#include "careloop/ids.h"
#include "checkins.h"
#include "health_cases.h"
#include "petitions.h"
#include "records.h"
#include "workflow_host.h"

namespace careloop::engine {

struct Processor::Impl {
  Impl(const decode::Catalog& catalog, const rules::RuleSet& rules, const WorkflowSet& wfs,
       const Topics& topics, metrics::Metrics* m)
      : decoder(catalog),
        host(topics, catalog, m),
        cases(catalog, rules, wfs, host, topics, m),
        checkins(cases, host),
        petitions(wfs, host),
        metrics(m) {}
  decode::EventDecoder decoder;
  decode::Decoded decoded;  // reused across calls
  WorkflowHost host;
  HealthCases cases;
  Checkins checkins;
  Petitions petitions;
  metrics::Metrics* metrics;
};

Processor::Processor(const decode::Catalog& catalog, const rules::RuleSet& rules,
                     const WorkflowSet& workflows, Topics topics, metrics::Metrics* metrics)
    : topics_(std::move(topics)) {
  impl_ = std::make_unique<Impl>(catalog, rules, workflows, topics_, metrics);
}

Processor::~Processor() = default;

namespace {

std::string_view TopicForType(const Topics& t, decode::EventType type) {
  switch (type) {
    case decode::EventType::kLabResult:
      return t.lab_results;
    case decode::EventType::kCheckin:
      return t.checkins;
    case decode::EventType::kPetition:
      return t.petitions;
  }
  return t.lab_results;
}

std::optional<TimeMs> EventTime(const decode::Decoded& d) {
  if (!d.usable || !d.type) return std::nullopt;
  switch (*d.type) {
    case decode::EventType::kLabResult:
      return d.lab.occurred_at;
    case decode::EventType::kCheckin:
      return d.checkin.occurred_at;
    case decode::EventType::kPetition:
      return d.petition.occurred_at;
  }
  return std::nullopt;
}

}  // namespace

Status Processor::Process(const Input& input, Clock& clock, Txn& txn) {
  Impl& im = *impl_;
  decode::Decoded& d = im.decoded;
  im.decoder.Decode(input.payload, &d);

  std::string_view source_topic = input.topic;
  if (source_topic.empty()) source_topic = d.type ? TopicForType(topics_, *d.type) : "replay";
  if (!input.topic.empty()) txn.SetOffset(input.topic, input.partition, input.offset + 1);

  TimeMs now = clock.Now(EventTime(d));
  if (clock.fires_timers_inline()) {
    // Event time: every deadline due before this event fires first, at its due time.
    std::size_t fired = 1;
    while (fired > 0) {
      CARELOOP_RETURN_IF_ERROR(FireDue(now - 1, now, true, txn, 1000, nullptr, &fired));
    }
  }

  if (im.metrics) {
    im.metrics->EventIn(source_topic, d.type ? decode::EventTypeName(*d.type) : "unknown");
  }

  // A repeat of a seen event changes nothing and produces nothing, dead-letters included.
  if (d.usable && !d.event_id.empty()) {
    auto seen = txn.Seen(input.partition, d.event_id);
    if (!seen.ok()) return seen.status();
    if (*seen) {
      if (im.metrics) im.metrics->Duplicate(decode::EventTypeName(*d.type));
      spdlog::debug("duplicate event {} ignored", d.event_id);
      return Status::Ok();
    }
  }

  // Whatever could not be used goes to dead-letter, keyed by worker when known. The cause
  // of a dead-letter record is the event (its id and bytes) when it names one; an unusable
  // repeat of such an event is a duplicate like any other. Input that names no event is
  // identified by its position (topic, partition, offset; in replay the line number), so
  // identical bad bytes at two places are two records, never one id twice.
  if (!d.rejected.empty()) {
    std::string cause;
    if (!d.event_id.empty()) {
      cause = fmt::format("{}#{}", d.event_id, HashParts({input.payload}));
      if (!d.usable) {
        const std::string seen_key = "bad:" + cause;
        auto seen = txn.Seen(input.partition, seen_key);
        if (!seen.ok()) return seen.status();
        if (*seen) {
          if (im.metrics) im.metrics->Duplicate("unusable");
          return Status::Ok();
        }
        txn.MarkSeen(input.partition, seen_key);
      }
    } else {
      cause = fmt::format("@{}/{}/{}", source_topic, input.partition, input.offset);
    }
    for (std::size_t i = 0; i < d.rejected.size(); ++i) {
      const RejectedItem& item = d.rejected[i];
      DeadLetterRecord rec;
      // The ordinal too: one message can have two problems of one kind at one index.
      rec.id =
          MakeId("dl-", {cause, std::to_string(i), std::to_string(item.index), item.reason_code});
      rec.item = &item;
      rec.event_id = d.event_id;
      rec.worker_id = d.worker_id;
      rec.source_topic = source_topic;
      rec.partition = input.partition;
      rec.offset = input.offset;
      rec.emitted_at = now;
      std::string key = !d.worker_id.empty() ? d.worker_id : std::string(input.key);
      txn.Emit(topics_.dead_letter, std::move(key), DeadLetterJson(rec), rec.id);
      if (im.metrics) im.metrics->DeadLetter(item.reason_code);
      spdlog::debug("dead-letter {}: {}", item.reason_code, item.reason);
    }
  }
  if (!d.usable) return Status::Ok();
  txn.MarkSeen(input.partition, d.event_id);

  if (d.type == decode::EventType::kPetition) {
    return im.petitions.Apply(d.petition, now, input.partition, txn);
  }
  const std::string& worker_id =
      d.type == decode::EventType::kLabResult ? d.lab.worker_id : d.checkin.worker_id;
  bool created = false;
  auto file = txn.Worker(input.partition, worker_id, &created);
  if (!file.ok()) return file.status();
  state::WorkerFile* wf = *file;
  if (created) wf->first_seen = now;
  wf->last_seen = now;
  wf->events++;
  if (d.type == decode::EventType::kLabResult) {
    im.cases.Apply(d.lab, now, input.partition, wf, txn);
  } else {
    im.checkins.Apply(d.checkin, now, input.partition, wf, txn);
  }
  txn.MarkDirty(input.partition, wf->worker_id);
  return Status::Ok();
}

Status Processor::FireDue(TimeMs until, TimeMs now, bool at_due_time, Txn& txn, std::size_t limit,
                          const std::function<bool(std::int32_t)>& owned, std::size_t* fired) {
  Impl& im = *impl_;
  *fired = 0;
  auto due = txn.DueTimers(until, limit);
  if (!due.ok()) return due.status();
  for (const state::Timer& t : *due) {
    if (owned && !owned(t.partition)) continue;
    txn.RemoveTimer(t.due, t.timer_id);
    TimerRef ref;
    if (!ParseTimerId(t.timer_id, &ref)) {
      spdlog::error("dropping a timer with an unreadable id");
      continue;
    }
    const TimeMs at = at_due_time ? t.due : now;
    bool ok = false;
    if (ref.entity_kind == 'P') {
      bool created = false;
      auto pf = txn.Petition(t.partition, ref.entity_id, &created);
      if (!pf.ok()) return pf.status();
      if (created) continue;  // nothing to fire for
      Subject s = im.petitions.PetitionSubject(t.partition, *pf);
      std::string before = (*pf)->wf.state;
      int escalations = 0;
      ok = im.host.Fire(s, ref, t.due, at, txn, &escalations);
      if (ok) {
        if (s.def->IsTerminal((*pf)->wf.state) && (*pf)->closed_at == 0) (*pf)->closed_at = at;
        txn.MarkPetitionDirty(t.partition, ref.entity_id);
        int level1 = ref.step == 0 ? escalations : 0;
        CARELOOP_RETURN_IF_ERROR(im.petitions.UpdateStats(**pf, before, at, level1, txn));
      }
    } else {
      bool created = false;
      auto wfr = txn.Worker(t.partition, ref.entity_id, &created);
      if (!wfr.ok()) return wfr.status();
      if (created) continue;
      state::WorkerFile* wf = *wfr;
      if (ref.instance_kind == 'e') {
        for (auto& e : wf->exams) {
          if (e.exam_id != ref.instance_id) continue;
          Subject s = im.cases.ExamSubject(t.partition, wf, &e);
          ok = im.host.Fire(s, ref, t.due, at, txn);
        }
      } else {
        for (auto& cf : wf->conditions) {
          for (auto& k : cf.cases) {
            if (k.case_id != ref.instance_id) continue;
            Subject s = im.cases.CaseSubject(t.partition, wf, &cf, &k);
            ok = im.host.Fire(s, ref, t.due, at, txn);
            k.stage = k.wf.state;
          }
        }
      }
      if (ok) txn.MarkDirty(t.partition, ref.entity_id);
    }
    if (ok && im.metrics && !at_due_time) im.metrics->TimerFired(now - t.due);
    ++*fired;
  }
  return Status::Ok();
}

}  // namespace careloop::engine
