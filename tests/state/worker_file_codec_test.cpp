#include <catch2/catch.hpp>
#include <optional>
#include <random>

#include "careloop/state/worker_file.h"
#include "state/codec_check.h"

namespace careloop::state {
namespace {

WorkflowState SampleWorkflow(std::string_view name) {
  WorkflowState wf;
  wf.workflow = std::string(name);
  wf.state = "alerted";
  wf.deadlines.push_back({"first_contact", 1'700'000'000'000, 2, 1'700'000'360'000});
  wf.deadlines.push_back({"escalate", -5, -1, 0});
  wf.counters = {{"attempts", 3}, {"negative", -7}};
  wf.attrs = {{"responsible", "staff-9"}, {"weight", "major"}, {"empty", ""}};
  return wf;
}

CaseEvent SampleEvent(TimeMs at, std::string_view what) {
  return CaseEvent{at, "ev-1", std::string(what), "yellow", "red", "system", "note \xe4\xb8\xad"};
}

StoredResult SampleResult(std::string_view test, bool qualitative) {
  StoredResult s;
  s.m.obs.test = std::string(test);
  s.m.obs.qualitative = qualitative;
  s.m.obs.value = qualitative ? 0 : 7.25;
  s.m.obs.finding = qualitative ? "HSIL" : "";
  s.m.obs.hpv = qualitative ? "16" : "";
  s.m.obs.exam_id = "exam-1";
  s.m.unit = "mmol/L";
  s.m.reported_value = 280.5;
  s.m.reported_unit = "mg/dL";
  s.m.loinc = "2571-8";
  s.m.ref_low = 0.45;
  if (!qualitative) s.m.ref_high = 1.7;
  s.m.flag = "HH";
  s.m.status = qualitative ? ResultStatus::kCorrected : ResultStatus::kPreliminary;
  s.m.index = 4;
  s.event_id = "ev-lab-1";
  s.occurred_at = 1'712'884'402'250;
  s.tier = Tier::kRed;
  s.rule_id = "TG.red";
  return s;
}

WorkerFile RichWorkerFile() {
  WorkerFile f;
  f.worker_id = "W-000123";
  f.first_seen = -1000;  // times before the epoch must survive too
  f.last_seen = 1'712'884'402'250;
  f.events = 1ull << 40;
  ConditionFile lipids;
  lipids.condition = "lipids";
  lipids.latest = {SampleResult("TG", false), SampleResult("CERVICAL", true)};
  lipids.preliminary = {SampleResult("LDL", false)};
  lipids.case_seq = 2;
  CaseRecord closed;
  closed.case_id = "W-000123/lipids/1";
  closed.condition = "lipids";
  closed.tier = Tier::kYellow;
  closed.open = false;
  closed.opened_at = 100;
  closed.closed_at = 200;
  closed.stage = "closed";
  closed.rules_version = "r-abc";
  closed.rule_ids = {"TG.yellow"};
  closed.history = {SampleEvent(100, "tier"), SampleEvent(200, "stage")};
  closed.wf = SampleWorkflow("health_followup");
  CaseRecord open;
  open.case_id = "W-000123/lipids/2";
  open.condition = "lipids";
  open.tier = Tier::kRed;
  open.green_channel = true;
  open.critical = true;
  open.opened_at = 300;
  open.rule_ids = {"TG.red", "combo"};
  lipids.cases = {closed, open};
  f.conditions.push_back(lipids);
  ConditionFile empty;
  empty.condition = "liver";
  f.conditions.push_back(empty);
  f.log = {SampleEvent(5, "contact")};
  ExamRecord exam;
  exam.exam_id = "exam-1";
  exam.done_at = 50;
  exam.results_received = true;
  exam.wf = SampleWorkflow("results_promise");
  f.exams = {exam, ExamRecord{}};
  f.petitions = {"P-1", "P-2"};
  return f;
}

PetitionFile RichPetitionFile() {
  PetitionFile p;
  p.petition_id = "P-77";
  p.worker_id = "W-000123";
  p.category = "wages";
  p.channel = "hotline";
  p.weight = "major";
  p.summary = std::string("free text with a \0 byte", 23);
  p.submitted_at = 1;
  p.accepted_at = 2;
  p.responded_at = 3;
  p.closed_at = -4;
  p.wf = SampleWorkflow("petition");
  p.history = {SampleEvent(1, "stage"), SampleEvent(2, "note")};
  return p;
}

TEST_CASE("a rich worker file round-trips field by field", "[unit]") {
  const WorkerFile in = RichWorkerFile();
  const std::string bytes = EncodeWorkerFile(in);
  REQUIRE(static_cast<unsigned char>(bytes[0]) == 1);  // format version
  auto out = DecodeWorkerFile(bytes);
  REQUIRE(out.ok());
  const WorkerFile& f = *out;
  CHECK(f.worker_id == in.worker_id);
  CHECK(f.first_seen == -1000);
  CHECK(f.last_seen == in.last_seen);
  CHECK(f.events == in.events);
  REQUIRE(f.conditions.size() == 2);
  const ConditionFile& c = f.conditions[0];
  CHECK(c.condition == "lipids");
  CHECK(c.case_seq == 2);
  REQUIRE(c.latest.size() == 2);
  const StoredResult& tg = c.latest[0];
  CHECK(tg.m.obs.test == "TG");
  CHECK_FALSE(tg.m.obs.qualitative);
  CHECK(tg.m.obs.value == 7.25);
  CHECK(tg.m.obs.exam_id == "exam-1");
  CHECK(tg.m.unit == "mmol/L");
  CHECK(tg.m.reported_value == 280.5);
  CHECK(tg.m.reported_unit == "mg/dL");
  CHECK(tg.m.loinc == "2571-8");
  CHECK(tg.m.ref_low == std::optional<double>(0.45));
  CHECK(tg.m.ref_high == std::optional<double>(1.7));
  CHECK(tg.m.flag == "HH");
  CHECK(tg.m.status == ResultStatus::kPreliminary);
  CHECK(tg.m.index == 4);
  CHECK(tg.event_id == "ev-lab-1");
  CHECK(tg.occurred_at == 1'712'884'402'250);
  CHECK(tg.tier == Tier::kRed);
  CHECK(tg.rule_id == "TG.red");
  const StoredResult& cx = c.latest[1];
  CHECK(cx.m.obs.qualitative);
  CHECK(cx.m.obs.finding == "HSIL");
  CHECK(cx.m.obs.hpv == "16");
  CHECK_FALSE(cx.m.ref_high.has_value());
  CHECK(cx.m.status == ResultStatus::kCorrected);
  REQUIRE(c.preliminary.size() == 1);
  CHECK(c.preliminary[0].m.obs.test == "LDL");
  REQUIRE(c.cases.size() == 2);
  CHECK_FALSE(c.cases[0].open);
  CHECK_FALSE(c.cases[0].green_channel);
  CHECK(c.cases[0].closed_at == 200);
  CHECK(c.cases[0].stage == "closed");
  CHECK(c.cases[0].rules_version == "r-abc");
  REQUIRE(c.cases[0].history.size() == 2);
  CHECK(c.cases[0].history[1].what == "stage");
  CHECK(c.cases[0].history[1].note == "note \xe4\xb8\xad");
  CHECK(c.cases[0].wf.workflow == "health_followup");
  REQUIRE(c.cases[0].wf.deadlines.size() == 2);
  CHECK(c.cases[0].wf.deadlines[0].next_due == 1'700'000'360'000);
  CHECK(c.cases[0].wf.deadlines[1].next_step == -1);
  CHECK(c.cases[0].wf.counters[1] == std::pair<std::string, std::int32_t>{"negative", -7});
  CHECK(c.cases[0].wf.attrs[2].second.empty());
  CHECK(c.cases[1].open);
  CHECK(c.cases[1].green_channel);
  CHECK(c.cases[1].critical);
  CHECK(c.cases[1].tier == Tier::kRed);
  CHECK(c.cases[1].rule_ids == std::vector<std::string>{"TG.red", "combo"});
  CHECK(f.conditions[1].condition == "liver");
  CHECK(f.conditions[1].cases.empty());
  REQUIRE(f.log.size() == 1);
  CHECK(f.log[0].from == "yellow");
  CHECK(f.log[0].to == "red");
  CHECK(f.log[0].who == "system");
  REQUIRE(f.exams.size() == 2);
  CHECK(f.exams[0].results_received);
  CHECK(f.exams[0].done_at == 50);
  CHECK(f.exams[0].wf.workflow == "results_promise");
  CHECK(f.exams[1].exam_id.empty());
  CHECK(f.petitions == std::vector<std::string>{"P-1", "P-2"});
  CHECK(EncodeWorkerFile(f) == bytes);
}

TEST_CASE("lists kept encoded: re-encoded byte for byte, appended to in order", "[unit]") {
  const std::string bytes = EncodeWorkerFile(RichWorkerFile());
  auto out = DecodeWorkerFile(bytes);
  REQUIRE(out.ok());
  WorkerFile& f = *out;
  ConditionFile& c = f.conditions[0];
  // Nothing read them: the stored results and histories are still bytes.
  CHECK(c.latest.stored_count() == 2);
  CHECK(c.preliminary.stored_count() == 1);
  CHECK(c.cases[0].history.stored_count() == 2);
  CHECK(f.log.stored_count() == 1);
  CHECK(c.latest.size() == 2);
  CHECK(EncodeWorkerFile(f) == bytes);
  CHECK(c.latest.stored_count() == 2);  // encoding did not decode them

  // Appending does not decode either; the appended items follow the stored ones.
  c.cases[0].history.push_back(SampleEvent(300, "contact"));
  f.log.push_back(SampleEvent(6, "note"));
  CHECK(c.cases[0].history.stored_count() == 2);
  CHECK(c.cases[0].history.size() == 3);
  CHECK(c.cases[0].history.back().what == "contact");
  CHECK(c.cases[0].history.stored_count() == 2);
  auto again = DecodeWorkerFile(EncodeWorkerFile(f));
  REQUIRE(again.ok());
  const auto& history = again->conditions[0].cases[0].history;
  REQUIRE(history.size() == 3);
  CHECK(history[0].at == 100);
  CHECK(history[1].at == 200);
  CHECK(history[2].what == "contact");
  REQUIRE(again->log.size() == 2);
  CHECK(again->log[0].what == "contact");
  CHECK(again->log[1].what == "note");

  // Decoding after appending: stored items first, then the appended ones.
  CHECK(f.log.items().size() == 2);
  CHECK(f.log.stored_count() == 0);
  CHECK(f.log[0].at == 5);
  CHECK(f.log[1].at == 6);
}

TEST_CASE("a copy of a decoded file outlives the file and its bytes", "[unit]") {
  std::optional<ConditionFile> copy;
  {
    std::string bytes = EncodeWorkerFile(RichWorkerFile());
    auto out = DecodeWorkerFile(bytes);
    REQUIRE(out.ok());
    copy = out->conditions[0];
    bytes.assign(bytes.size(), '\xff');  // the caller's buffer is not what the lists use
  }
  REQUIRE(copy->latest.stored_count() == 2);
  CHECK(copy->latest[0].rule_id == "TG.red");
  CHECK(copy->latest[1].m.obs.finding == "HSIL");
  CHECK(copy->cases[0].history[1].what == "stage");
}

TEST_CASE("a bad value inside a list kept encoded is Corruption when the file is decoded",
          "[unit]") {
  WorkerFile f;
  ConditionFile c;
  c.condition = "lipids";
  StoredResult r = SampleResult("TG", false);
  r.rule_id = "RZ";
  c.latest = {r};
  f.conditions.push_back(c);
  std::string bytes = EncodeWorkerFile(f);
  // The stored result ends with its tier byte and then rule_id, "RZ" with its length.
  const std::size_t rule = bytes.find("RZ");
  REQUIRE(rule != std::string::npos);
  REQUIRE(bytes[rule - 2] == static_cast<char>(Tier::kRed));
  bytes[rule - 2] = 9;
  auto bad = DecodeWorkerFile(bytes);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == Status::Code::kCorruption);
}

TEST_CASE("an empty worker file round-trips", "[unit]") {
  auto out = DecodeWorkerFile(EncodeWorkerFile(WorkerFile{}));
  REQUIRE(out.ok());
  CHECK(out->worker_id.empty());
  CHECK(out->conditions.empty());
}

TEST_CASE("a petition file round-trips", "[unit]") {
  const PetitionFile in = RichPetitionFile();
  const std::string bytes = EncodePetitionFile(in);
  auto out = DecodePetitionFile(bytes);
  REQUIRE(out.ok());
  CHECK(out->petition_id == "P-77");
  CHECK(out->worker_id == "W-000123");
  CHECK(out->category == "wages");
  CHECK(out->channel == "hotline");
  CHECK(out->weight == "major");
  CHECK(out->summary == in.summary);
  CHECK(out->submitted_at == 1);
  CHECK(out->accepted_at == 2);
  CHECK(out->responded_at == 3);
  CHECK(out->closed_at == -4);
  CHECK(out->wf.attrs == in.wf.attrs);
  REQUIRE(out->history.size() == 2);
  CHECK(out->history[1].what == "note");
  CHECK(EncodePetitionFile(*out) == bytes);
}

TEST_CASE("every truncation of an encoding is Corruption", "[unit]") {
  const std::string worker = EncodeWorkerFile(RichWorkerFile());
  for (std::size_t n = 0; n < worker.size(); ++n) {
    auto r = DecodeWorkerFile(std::string_view(worker.data(), n));
    REQUIRE_FALSE(r.ok());
    REQUIRE(r.status().code() == Status::Code::kCorruption);
  }
  const std::string petition = EncodePetitionFile(RichPetitionFile());
  for (std::size_t n = 0; n < petition.size(); ++n) {
    auto r = DecodePetitionFile(std::string_view(petition.data(), n));
    REQUIRE_FALSE(r.ok());
    REQUIRE(r.status().code() == Status::Code::kCorruption);
  }
}

TEST_CASE("trailing bytes and unknown versions are Corruption", "[unit]") {
  std::string bytes = EncodeWorkerFile(RichWorkerFile());
  auto trailing = DecodeWorkerFile(bytes + "x");
  REQUIRE_FALSE(trailing.ok());
  CHECK(trailing.status().code() == Status::Code::kCorruption);
  bytes[0] = 2;
  auto v2 = DecodeWorkerFile(bytes);
  REQUIRE_FALSE(v2.ok());
  CHECK(v2.status().message().find("version 2") != std::string::npos);
}

TEST_CASE("out-of-range enums and booleans are Corruption", "[unit]") {
  ExamRecord exam;
  exam.exam_id = "e";
  WorkerFile f;
  f.exams = {exam};
  std::string bytes = EncodeWorkerFile(f);
  // Layout: version, worker_id "", first_seen 0, last_seen 0, events 0, 0 conditions,
  // 0 log, 1 exam: exam_id "e", done_at 0, results_received <- byte 11.
  REQUIRE(bytes[11] == 0);
  bytes[11] = 2;
  auto r = DecodeWorkerFile(bytes);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kCorruption);
}

// Decoding arbitrary bytes must never crash or read out of bounds (run under ASan to see
// the latter); the promises on whatever decodes are state/codec_check.h's.
void CheckArbitrary(std::string_view bytes) {
  const Status s = CheckCodecOnArbitraryBytes(bytes);
  INFO(s.ToString());
  REQUIRE(s.ok());
}

TEST_CASE("garbage bytes give Corruption or a valid value", "[unit]") {
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 2000; ++round) {
    std::string g(static_cast<std::size_t>(round % 200), '\0');
    for (char& c : g) c = static_cast<char>(byte(rng));
    if (!g.empty() && round % 2 == 0) g[0] = 1;  // get past the version check
    CheckArbitrary(g);
  }
  // Huge counts and lengths must not allocate or read beyond the input.
  CheckArbitrary(std::string("\x01\xff\xff\xff\xff\x0f", 6));
  CheckArbitrary(std::string("\x01\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 14));
}

TEST_CASE("single-byte mutations of a valid encoding give Corruption or a valid value", "[unit]") {
  const std::string worker = EncodeWorkerFile(RichWorkerFile());
  for (std::size_t i = 0; i < worker.size(); ++i) {
    for (int delta : {1, 0x80, 0xff}) {
      std::string m = worker;
      m[i] = static_cast<char>(static_cast<unsigned char>(m[i]) + delta);
      CheckArbitrary(m);
    }
  }
}

TEST_CASE("FindCondition finds by name or returns null", "[unit]") {
  WorkerFile f = RichWorkerFile();
  REQUIRE(f.FindCondition("liver") != nullptr);
  CHECK(f.FindCondition("liver") == &f.conditions[1]);
  CHECK(f.FindCondition("kidney") == nullptr);
  const WorkerFile& cf = f;
  REQUIRE(cf.FindCondition("lipids") != nullptr);
  CHECK(cf.FindCondition("lipids")->case_seq == 2);
}

TEST_CASE("exams are kept in exam_id order whatever the arrival order", "[state]") {
  WorkerFile a, b;
  for (const char* id : {"X3", "X1", "X2"}) a.FindOrAddExam(id);
  for (const char* id : {"X2", "X3", "X1", "X2"}) b.FindOrAddExam(id);
  bool created = true;
  a.FindOrAddExam("X1", &created)->done_at = 7;
  CHECK_FALSE(created);
  REQUIRE(a.exams.size() == 3);
  REQUIRE(b.exams.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) CHECK(a.exams[i].exam_id == b.exams[i].exam_id);
  CHECK(a.exams[0].exam_id == "X1");
  CHECK(a.exams[0].done_at == 7);
  CHECK(EncodeWorkerFile(a) != EncodeWorkerFile(b));  // done_at differs, order does not
  a.exams[0].done_at = 0;
  CHECK(EncodeWorkerFile(a) == EncodeWorkerFile(b));
}

}  // namespace
}  // namespace careloop::state
