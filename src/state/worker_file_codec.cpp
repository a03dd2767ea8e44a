// Binary encoding of WorkerFile and PetitionFile (worker_file.h).
//
// Layout: one format-version byte, then the fields in declaration order (record_codec.h
// says how each kind of field is written). A later version adds fields at the end of a
// record and bumps the version byte; its decoder reads the fields of older versions and
// defaults the new ones. This decoder accepts version 1 only, and rejects trailing bytes.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include <fmt/format.h>

#include "careloop/state/worker_file.h"
#include "state/record_codec.h"

namespace careloop::state {
namespace {

constexpr std::uint8_t kWorkerFileVersion = 1;
constexpr std::uint8_t kPetitionFileVersion = 1;
// A screened worker's file is 2–3 KB: one allocation instead of a doubling series.
constexpr std::size_t kWorkerFileReserve = 4096;

// CaseRecord's booleans, packed into one byte.
constexpr std::uint8_t kGreenChannel = 1;
constexpr std::uint8_t kCritical = 2;
constexpr std::uint8_t kOpen = 4;

template <typename T, typename F>
void WriteList(RecordWriter& w, const std::vector<T>& items, F write_one) {
  w.Count(items.size());
  for (const T& item : items) write_one(w, item);
}

// The count is untrusted (Count() only bounds it by the bytes left), so at most a small
// reserve up front; beyond it the vector grows only as items really decode.
template <typename T, typename F>
bool ReadList(RecordReader& r, std::vector<T>* items, F read_one) {
  std::size_t n = 0;
  if (!r.Count(&n)) return false;
  items->clear();
  items->reserve(std::min<std::size_t>(n, 64));
  for (std::size_t i = 0; i < n; ++i) {
    if (!read_one(r, &items->emplace_back())) return false;
  }
  return true;
}

void WriteTier(RecordWriter& w, Tier t) { w.Byte(static_cast<std::uint8_t>(t)); }

void Write(RecordWriter& w, const Measurement& m) {
  w.Str(m.obs.test);
  w.Bool(m.obs.qualitative);
  w.Double(m.obs.value);
  w.Str(m.obs.finding);
  w.Str(m.obs.hpv);
  w.Str(m.obs.exam_id);
  w.Str(m.unit);
  w.Double(m.reported_value);
  w.Str(m.reported_unit);
  w.Str(m.loinc);
  w.OptDouble(m.ref_low);
  w.OptDouble(m.ref_high);
  w.Str(m.flag);
  w.Byte(static_cast<std::uint8_t>(m.status));
  w.I32(m.index);
}

// Read functions of the item types a LazyList holds take the reader as a template
// parameter: a RecordReader decodes, a SkipReader only checks (the same grammar, by
// construction).
template <typename R>
bool Read(R& r, Measurement* m) {
  std::int32_t index = 0;
  bool ok = r.Str(&m->obs.test) && r.Bool(&m->obs.qualitative) && r.Double(&m->obs.value) &&
            r.Str(&m->obs.finding) && r.Str(&m->obs.hpv) && r.Str(&m->obs.exam_id) &&
            r.Str(&m->unit) && r.Double(&m->reported_value) && r.Str(&m->reported_unit) &&
            r.Str(&m->loinc) && r.OptDouble(&m->ref_low) && r.OptDouble(&m->ref_high) &&
            r.Str(&m->flag) && r.StatusValue(&m->status) && r.I32(&index);
  m->index = index;
  return ok;
}

void Write(RecordWriter& w, const StoredResult& s) {
  Write(w, s.m);
  w.Str(s.event_id);
  w.I64(s.occurred_at);
  WriteTier(w, s.tier);
  w.Str(s.rule_id);
}

template <typename R>
bool Read(R& r, StoredResult* s) {
  return Read(r, &s->m) && r.Str(&s->event_id) && r.I64(&s->occurred_at) && r.TierValue(&s->tier) &&
         r.Str(&s->rule_id);
}

void Write(RecordWriter& w, const CaseEvent& e) {
  w.I64(e.at);
  w.Str(e.event_id);
  w.Str(e.what);
  w.Str(e.from);
  w.Str(e.to);
  w.Str(e.who);
  w.Str(e.note);
}

template <typename R>
bool Read(R& r, CaseEvent* e) {
  return r.I64(&e->at) && r.Str(&e->event_id) && r.Str(&e->what) && r.Str(&e->from) &&
         r.Str(&e->to) && r.Str(&e->who) && r.Str(&e->note);
}

// A lazy list: a list of items as WriteList writes it. Not decoded, its stored items'
// bytes are copied as they are, then the items appended since.
template <typename T>
void WriteList(RecordWriter& w, const LazyList<T>& list) {
  w.Count(list.size());
  w.Raw(list.stored_bytes());
  for (const T& item : list.appended()) Write(w, item);
}

// Checks a list of items as ReadList would decode it, and keeps its bytes in `list`
// (which `owner` holds) to decode when used. Flattened: the reader's field calls inline.
template <typename T>
[[gnu::flatten]] bool ReadLazy(RecordReader& r, LazyList<T>* list,
                               const std::shared_ptr<const std::string>& owner) {
  std::size_t n = 0;
  if (!r.Count(&n)) return false;
  list->clear();
  if (n == 0) return true;
  const std::string_view from = r.rest();
  SkipReader skip(r);
  // Takes the numbers and enums the walk reads (a SkipReader sets no string): one per
  // thread rather than one built and destroyed per list.
  thread_local T scratch;
  for (std::size_t i = 0; i < n; ++i) {
    if (!Read(skip, &scratch)) return false;
  }
  list->SetStored(owner, from.substr(0, from.size() - r.rest().size()), n);
  return true;
}

void Write(RecordWriter& w, const WorkflowState& s) {
  w.Str(s.workflow);
  w.Str(s.state);
  WriteList(w, s.deadlines, [](RecordWriter& w, const WorkflowState::Deadline& d) {
    w.Str(d.name);
    w.I64(d.started_at);
    w.I32(d.next_step);
    w.I64(d.next_due);
  });
  WriteList(w, s.counters, [](RecordWriter& w, const std::pair<std::string, std::int32_t>& c) {
    w.Str(c.first);
    w.I32(c.second);
  });
  WriteList(w, s.attrs, [](RecordWriter& w, const std::pair<std::string, std::string>& a) {
    w.Str(a.first);
    w.Str(a.second);
  });
}

bool Read(RecordReader& r, WorkflowState* s) {
  return r.Str(&s->workflow) && r.Str(&s->state) &&
         ReadList(r, &s->deadlines,
                  [](RecordReader& r, WorkflowState::Deadline* d) {
                    return r.Str(&d->name) && r.I64(&d->started_at) && r.I32(&d->next_step) &&
                           r.I64(&d->next_due);
                  }) &&
         ReadList(r, &s->counters,
                  [](RecordReader& r, std::pair<std::string, std::int32_t>* c) {
                    return r.Str(&c->first) && r.I32(&c->second);
                  }) &&
         ReadList(r, &s->attrs, [](RecordReader& r, std::pair<std::string, std::string>* a) {
           return r.Str(&a->first) && r.Str(&a->second);
         });
}

void Write(RecordWriter& w, const CaseRecord& c) {
  w.Str(c.case_id);
  w.Str(c.condition);
  WriteTier(w, c.tier);
  w.Byte((c.green_channel ? kGreenChannel : 0) | (c.critical ? kCritical : 0) |
         (c.open ? kOpen : 0));
  w.I64(c.opened_at);
  w.I64(c.closed_at);
  w.Str(c.stage);
  w.Str(c.rules_version);
  WriteList(w, c.rule_ids, [](RecordWriter& w, const std::string& s) { w.Str(s); });
  WriteList(w, c.history);
  Write(w, c.wf);
}

bool Read(RecordReader& r, CaseRecord* c, const std::shared_ptr<const std::string>& owner) {
  std::uint8_t flags = 0;
  if (!r.Str(&c->case_id) || !r.Str(&c->condition) || !r.TierValue(&c->tier) || !r.Byte(&flags) ||
      (flags & ~(kGreenChannel | kCritical | kOpen)) != 0) {
    return false;
  }
  c->green_channel = (flags & kGreenChannel) != 0;
  c->critical = (flags & kCritical) != 0;
  c->open = (flags & kOpen) != 0;
  return r.I64(&c->opened_at) && r.I64(&c->closed_at) && r.Str(&c->stage) &&
         r.Str(&c->rules_version) &&
         ReadList(r, &c->rule_ids, [](RecordReader& r, std::string* s) { return r.Str(s); }) &&
         ReadLazy(r, &c->history, owner) && Read(r, &c->wf);
}

void Write(RecordWriter& w, const ConditionFile& c) {
  w.Str(c.condition);
  WriteList(w, c.latest);
  WriteList(w, c.preliminary);
  w.U32(c.case_seq);
  WriteList(w, c.cases, [](RecordWriter& w, const CaseRecord& k) { Write(w, k); });
}

bool Read(RecordReader& r, ConditionFile* c, const std::shared_ptr<const std::string>& owner) {
  return r.Str(&c->condition) && ReadLazy(r, &c->latest, owner) &&
         ReadLazy(r, &c->preliminary, owner) && r.U32(&c->case_seq) &&
         ReadList(r, &c->cases, [&](RecordReader& r, CaseRecord* k) { return Read(r, k, owner); });
}

void Write(RecordWriter& w, const ExamRecord& e) {
  w.Str(e.exam_id);
  w.I64(e.done_at);
  w.Bool(e.results_received);
  Write(w, e.wf);
}

bool Read(RecordReader& r, ExamRecord* e) {
  return r.Str(&e->exam_id) && r.I64(&e->done_at) && r.Bool(&e->results_received) &&
         Read(r, &e->wf);
}

// Checks the version byte, runs `body`, and requires that it consumed every byte.
template <typename F>
Status DecodeVersioned(std::string_view bytes, std::string_view what, std::uint8_t version,
                       F body) {
  RecordReader r(bytes);
  std::uint8_t v = 0;
  if (!r.Byte(&v)) return Status::Corruption(fmt::format("{}: empty value", what));
  if (v != version) {
    return Status::Corruption(fmt::format("{}: unsupported format version {}", what, v));
  }
  if (!body(r)) {
    return Status::Corruption(
        fmt::format("{}: truncated or malformed at byte {} of {}", what, r.offset(), bytes.size()));
  }
  if (!r.AtEnd()) {
    return Status::Corruption(
        fmt::format("{}: {} unexpected trailing bytes", what, bytes.size() - r.offset()));
  }
  return Status::Ok();
}

}  // namespace

std::string EncodeWorkerFile(const WorkerFile& f) {
  RecordWriter w(kWorkerFileReserve);
  w.Byte(kWorkerFileVersion);
  w.Str(f.worker_id);
  w.I64(f.first_seen);
  w.I64(f.last_seen);
  w.U64(f.events);
  WriteList(w, f.conditions, [](RecordWriter& w, const ConditionFile& c) { Write(w, c); });
  WriteList(w, f.log);
  WriteList(w, f.exams, [](RecordWriter& w, const ExamRecord& e) { Write(w, e); });
  WriteList(w, f.petitions, [](RecordWriter& w, const std::string& s) { w.Str(s); });
  return w.Take();
}

Result<WorkerFile> DecodeWorkerFile(std::string_view bytes) {
  // The lazy lists keep views into this copy (one allocation for the whole file).
  auto owner = std::make_shared<const std::string>(bytes);
  WorkerFile f;
  Status st = DecodeVersioned(*owner, "worker file", kWorkerFileVersion, [&](RecordReader& r) {
    return r.Str(&f.worker_id) && r.I64(&f.first_seen) && r.I64(&f.last_seen) && r.U64(&f.events) &&
           ReadList(r, &f.conditions,
                    [&](RecordReader& r, ConditionFile* c) { return Read(r, c, owner); }) &&
           ReadLazy(r, &f.log, owner) &&
           ReadList(r, &f.exams, [](RecordReader& r, ExamRecord* e) { return Read(r, e); }) &&
           ReadList(r, &f.petitions, [](RecordReader& r, std::string* s) { return r.Str(s); });
  });
  if (!st.ok()) return st;
  return f;
}

std::string EncodePetitionFile(const PetitionFile& p) {
  RecordWriter w;
  w.Byte(kPetitionFileVersion);
  w.Str(p.petition_id);
  w.Str(p.worker_id);
  w.Str(p.category);
  w.Str(p.channel);
  w.Str(p.weight);
  w.Str(p.summary);
  w.I64(p.submitted_at);
  w.I64(p.accepted_at);
  w.I64(p.responded_at);
  w.I64(p.closed_at);
  Write(w, p.wf);
  WriteList(w, p.history);
  return w.Take();
}

Result<PetitionFile> DecodePetitionFile(std::string_view bytes) {
  auto owner = std::make_shared<const std::string>(bytes);
  PetitionFile p;
  Status st = DecodeVersioned(*owner, "petition file", kPetitionFileVersion, [&](RecordReader& r) {
    return r.Str(&p.petition_id) && r.Str(&p.worker_id) && r.Str(&p.category) &&
           r.Str(&p.channel) && r.Str(&p.weight) && r.Str(&p.summary) && r.I64(&p.submitted_at) &&
           r.I64(&p.accepted_at) && r.I64(&p.responded_at) && r.I64(&p.closed_at) &&
           Read(r, &p.wf) && ReadLazy(r, &p.history, owner);
  });
  if (!st.ok()) return st;
  return p;
}

namespace {

// The items of a lazy list, decoded. ReadLazy checked these bytes with the same Read (a
// SkipReader runs it) when the file was decoded, and they are immutable since (held by
// a shared_ptr<const std::string>), so this cannot fail; if it ever did, the file would
// be silently cut short, so it stops the process instead.
template <typename T>
void DecodeItems(std::string_view bytes, std::size_t count, std::vector<T>* out) {
  RecordReader r(bytes);
  for (std::size_t i = 0; i < count; ++i) {
    if (!Read(r, &out->emplace_back())) {
      std::fprintf(stderr, "careloop: a stored list checked at decoding failed to decode\n");
      std::abort();
    }
  }
}

}  // namespace

void DecodeStoredItems(std::string_view bytes, std::size_t count, std::vector<StoredResult>* out) {
  DecodeItems(bytes, count, out);
}

void DecodeStoredItems(std::string_view bytes, std::size_t count, std::vector<CaseEvent>* out) {
  DecodeItems(bytes, count, out);
}

}  // namespace careloop::state
