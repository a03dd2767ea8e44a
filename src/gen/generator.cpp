#include "careloop/gen/generator.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <vector>

#include <fmt/format.h>

#include "random.h"

namespace careloop::gen {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// One result before it is written: a test code, a value or a finding.
struct Result {
  std::string test;
  double value = 0;  // canonical unit
  std::string finding, hpv;
  int decimals = 2;
};

struct Unit {
  const char* test;
  const char* canonical;
  const char* alt;    // another accepted unit ("" = none)
  double to_alt;      // alt value = canonical * to_alt
  double alt_share;   // share of results sent in the alt unit
  const char* loinc;  // "" = local code only
};

// Units and LOINC codes as contract.md gives them.
constexpr Unit kUnits[] = {
    {"TG", "mmol/L", "mg/dL", 88.57, 0.15, "2571-8"},
    {"TC", "mmol/L", "mg/dL", 38.67, 0.15, "2093-3"},
    {"LDL", "mmol/L", "mg/dL", 38.67, 0.15, "13457-7"},
    {"HDL", "mmol/L", "mg/dL", 38.67, 0.15, "2085-9"},
    {"SBP", "mm[Hg]", "mmHg", 1, 0.4, "8480-6"},
    {"DBP", "mm[Hg]", "mmHg", 1, 0.4, "8462-4"},
    {"HR", "/min", "", 1, 0, "8867-4"},
    {"GLU", "mmol/L", "mg/dL", 18.0, 0.15, "1558-6"},
    {"HBA1C", "%", "", 1, 0, "4548-4"},
    {"ALT", "U/L", "", 1, 0, "1742-6"},
    {"AST", "U/L", "", 1, 0, "1920-8"},
    {"AFP", "ng/mL", "IU/mL", 1 / 1.21, 0.1, "1834-1"},
    {"K", "mmol/L", "", 1, 0, "2823-3"},
    {"NA", "mmol/L", "", 1, 0, "2951-2"},
    {"HGB", "g/L", "g/dL", 0.1, 0.2, "718-7"},
    {"PLT", "10*9/L", "", 1, 0, "777-3"},
    {"BMI", "kg/m2", "", 1, 0, "39156-5"},
    {"BMD_T", "", "", 1, 0, "38265-5"},
    {"FEV1_FVC", "", "%", 100, 0.3, "19926-5"},
    {"PG1", "ng/mL", "", 1, 0, ""},
    {"PG_RATIO", "", "", 1, 0, ""},
    {"G17", "pmol/L", "", 1, 0, ""},
};

const Unit* UnitOf(const std::string& test) {
  for (const auto& u : kUnits) {
    if (test == u.test) return &u;
  }
  return nullptr;
}

const char* const kSources[] = {"cq-yjp-van-01", "cq-yjp-van-02", "cq-yjp-van-03", "cq-jb-point-05",
                                "cq-ld-station-11"};

double Round(double v, int decimals) {
  double f = std::pow(10.0, decimals);
  return std::round(v * f) / f;
}

}  // namespace

struct Generator::Impl {
  explicit Impl(const Options& o) : opt(o), rng(o.seed) {}

  Options opt;
  Random rng;
  std::deque<GeneratedEvent> pending;
  std::vector<GeneratedEvent> recent;  // for exact re-sends
  std::uint64_t next_worker = 0;       // first exams
  std::uint64_t next_followup = 0;     // second exams, after all first exams
  std::uint64_t produced = 0;
  std::uint64_t seq = 0;  // event ids
  // Worker-level traits drawn at the first exam, reused for the follow-up exam.
  struct Traits {
    bool female = false;
    double lipid_z = 0, bp_z = 0, liver_z = 0;
  };

  std::string WorkerId(std::uint64_t i) const {
    return fmt::format("{}{:07}", opt.worker_prefix, i + 1);
  }
  Traits TraitsOf(std::uint64_t i) const {
    Random r(opt.seed ^ (0xA24BAED4963EE407ULL * (i + 1)));
    Traits t;
    t.female = r.Chance(0.30);
    t.lipid_z = r.Normal(0, 1);
    t.bp_z = r.Normal(0, 1);
    t.liver_z = r.Normal(0, 1);
    return t;
  }

  // Draws one exam's results. `drift` moves values for a follow-up exam.
  std::vector<Result> Exam(const Traits& t, double drift) {
    std::vector<Result> rs;
    auto add = [&](const char* test, double v, int dec) {
      rs.push_back({test, Round(v, dec), "", "", dec});
    };
    // Lipids: TG log-normal (P(TG >= 1.70) ~ 38 %), TC normal (P(TC >= 5.20) ~ 36 %),
    // both correlated through a worker trait.
    double lz = 0.7 * t.lipid_z + 0.71 * rng.Normal(0, 1) + drift;
    add("TG", std::exp(0.378 + 0.5 * lz), 2);
    add("TC", 4.878 + 0.9 * (0.6 * t.lipid_z + 0.8 * rng.Normal(0, 1) + drift), 2);
    if (rng.Chance(0.6))
      add("LDL", std::max(0.5, 2.9 + 0.75 * (0.6 * t.lipid_z + 0.8 * rng.Normal(0, 1))), 2);
    if (rng.Chance(0.6)) add("HDL", std::max(0.3, rng.Normal(1.3, 0.28)), 2);
    // Blood pressure: P(SBP >= 140 or DBP >= 90) ~ 21 %.
    double bz = 0.8 * t.bp_z + 0.6 * rng.Normal(0, 1) + drift;
    add("SBP", std::clamp(123.5 + 16.0 * bz + rng.Normal(0, 5), 80.0, 240.0), 0);
    add("DBP", std::clamp(78.0 + 10.5 * bz + rng.Normal(0, 4), 45.0, 150.0), 0);
    // Liver ultrasound: fatty liver ~ 25 % (mild 15, moderate 8, severe 2); a mass is rare.
    double u = rng.Uniform();
    const char* liver = u < 0.0004   ? "mass"
                        : u < 0.0204 ? "severe"
                        : u < 0.1004 ? "moderate"
                        : u < 0.2504 ? "mild"
                                     : "normal";
    rs.push_back({"LIVER_US", 0, liver, "", 0});
    if (rng.Chance(0.7)) add("HR", std::clamp(rng.Normal(76, 11), 35.0, 190.0), 0);
    if (rng.Chance(0.7)) add("GLU", std::clamp(rng.LogNormal(5.2, 0.16), 2.0, 30.0), 1);
    if (rng.Chance(0.2)) add("HBA1C", std::clamp(rng.LogNormal(5.5, 0.1), 4.0, 14.0), 1);
    if (rng.Chance(0.6)) {
      add("ALT", rng.LogNormal(24, 0.45), 0);
      add("AST", rng.LogNormal(23, 0.35), 0);
    }
    if (rng.Chance(0.5)) {
      double a = rng.Uniform();
      add("AFP",
          a < 0.001   ? 400 + rng.Uniform() * 900
          : a < 0.002 ? 200 + rng.Uniform() * 190
                      : rng.LogNormal(3.5, 0.6),
          1);
    }
    if (rng.Chance(0.8)) add("BMI", std::clamp(rng.Normal(24.3, 3.4), 15.0, 45.0), 1);
    if (rng.Chance(0.2)) {
      add("K", std::clamp(rng.Normal(4.2, 0.35), 2.2, 7.0), 2);
      add("NA", std::clamp(rng.Normal(140, 2.8), 118.0, 165.0), 0);
    }
    if (rng.Chance(0.3)) {
      add("HGB", std::clamp(rng.Normal(t.female ? 128 : 148, 13), 50.0, 200.0), 0);
      add("PLT", std::clamp(rng.Normal(240, 55), 20.0, 600.0), 0);
    }
    if (rng.Chance(0.15)) add("BMD_T", std::clamp(rng.Normal(-0.4, 1.0), -4.5, 3.0), 1);
    if (rng.Chance(0.15)) add("FEV1_FVC", std::clamp(rng.Normal(0.79, 0.06), 0.4, 0.98), 2);
    if (rng.Chance(0.15)) {
      add("PG1", std::clamp(rng.LogNormal(95, 0.35), 10.0, 300.0), 1);
      add("PG_RATIO", std::clamp(rng.LogNormal(6.5, 0.4), 0.8, 20.0), 1);
      add("G17", std::clamp(rng.LogNormal(4, 0.6), 0.5, 60.0), 1);
    }
    if (t.female && rng.Chance(0.8)) {
      // Two-cancer screening: ~3.1 % high-risk cervical, ~0.8 % high-risk breast.
      double c = rng.Uniform();
      const char* f = c < 0.0005  ? "SCC"
                      : c < 0.012 ? "HSIL"
                      : c < 0.02  ? "ASC-H"
                      : c < 0.022 ? "AGC"
                      : c < 0.07  ? "ASC-US"
                      : c < 0.1   ? "LSIL"
                                  : "NILM";
      double h = rng.Uniform();
      const char* hpv = h < 0.012 ? "16" : h < 0.018 ? "18" : h < 0.1 ? "other" : "negative";
      rs.push_back({"CERVICAL", 0, f, hpv, 0});
      double b = rng.Uniform();
      const char* bi = b < 0.0003  ? "5"
                       : b < 0.008 ? (b < 0.004 ? "4A" : "4B")
                       : b < 0.02  ? "0"
                       : b < 0.06  ? "3"
                       : b < 0.5   ? "2"
                                   : "1";
      rs.push_back({"BREAST_BIRADS", 0, bi, "", 0});
    }
    return rs;
  }

  void WriteResult(Writer& w, const Result& r, const char* status) {
    w.StartObject();
    const Unit* u = UnitOf(r.test);
    bool by_loinc = u && u->loinc[0] != '\0' && rng.Chance(0.10);
    if (by_loinc) {
      w.Key("loinc");
      w.String(u->loinc);
    } else {
      w.Key("test");
      w.String(r.test.c_str());
    }
    if (!r.finding.empty()) {
      w.Key("finding");
      w.String(r.finding.c_str());
      if (!r.hpv.empty()) {
        w.Key("hpv");
        w.String(r.hpv.c_str());
      }
    } else {
      double v = r.value;
      const char* unit = u ? u->canonical : "";
      if (u && u->alt[0] != '\0' && rng.Chance(u->alt_share)) {
        v = Round(v * u->to_alt,
                  std::max(0, r.decimals - static_cast<int>(std::floor(std::log10(u->to_alt)))));
        unit = u->alt;
      }
      w.Key("value");
      w.Double(v);
      if (unit[0] != '\0') {
        w.Key("unit");
        w.String(unit);
      }
    }
    if (status != nullptr) {
      w.Key("status");
      w.String(status);
    }
    w.EndObject();
  }

  GeneratedEvent Lab(const std::string& worker, TimeMs at, const std::string& exam,
                     const std::string& source, const std::vector<Result>& rs, const char* status) {
    rapidjson::StringBuffer b;
    Writer w(b);
    w.SetMaxDecimalPlaces(4);
    w.StartObject();
    w.Key("type");
    w.String("lab_result");
    w.Key("event_id");
    std::string id = fmt::format("{}-{:08}", source, ++seq);
    w.String(id.c_str());
    w.Key("worker_id");
    w.String(worker.c_str());
    w.Key("occurred_at");
    std::string t = FormatRfc3339(at);
    w.String(t.c_str());
    w.Key("source");
    w.String(source.c_str());
    w.Key("exam_id");
    w.String(exam.c_str());
    w.Key("results");
    w.StartArray();
    for (const auto& r : rs) WriteResult(w, r, status);
    w.EndArray();
    w.EndObject();
    return GeneratedEvent{"lab-results", worker, std::string(b.GetString(), b.GetSize()), false};
  }

  GeneratedEvent Checkin(const std::string& worker, TimeMs at, const char* kind,
                         const std::string& exam) {
    std::string json = fmt::format(
        R"({{"type":"checkin","event_id":"ck-{:08}","worker_id":"{}","occurred_at":"{}","source":"exam-roster","kind":"{}","exam_id":"{}"}})",
        ++seq, worker, FormatRfc3339(at), kind, exam);
    return GeneratedEvent{"checkins", worker, std::move(json), false};
  }

  // A deliberately bad event: half whole-message faults, half one bad result in a good report.
  GeneratedEvent Bad(const std::string& worker, TimeMs at) {
    std::string ts = FormatRfc3339(at);
    std::uint64_t id = ++seq;
    std::string good = R"({"test":"TG","value":1.2,"unit":"mmol/L"})";
    auto report = [&](const std::string& bad_result) {
      return fmt::format(
          R"({{"type":"lab_result","event_id":"bad-{:08}","worker_id":"{}","occurred_at":"{}","source":"cq-yjp-van-02","exam_id":"XB{}","results":[{},{}]}})",
          id, worker, ts, id, good, bad_result);
    };
    std::string json;
    std::string key = worker;
    switch (rng.Below(12)) {
      case 0:
        json = "exam vehicle 03: printer out of paper";
        key = "";
        break;
      case 1:
        json = report(R"({"test":"SBP","value":150,"unit":"mmHg"})").substr(0, 60);
        key = "";
        break;
      case 2:
        json = fmt::format(
            R"({{"type":"lab_result","worker_id":"{}","occurred_at":"{}","results":[{}]}})", worker,
            ts, good);
        break;
      case 3:
        json = fmt::format(
            R"({{"type":"lab_result","event_id":"bad-{:08}","occurred_at":"{}","results":[{}]}})",
            id, ts, good);
        key = "";
        break;
      case 4:
        json = fmt::format(
            R"({{"type":"lab_result","event_id":"bad-{:08}","worker_id":"{}","occurred_at":"12/04/2026 09:13","results":[{}]}})",
            id, worker, good);
        break;
      case 5:
        json = fmt::format(
            R"({{"type":"lab_result","event_id":"bad-{:08}","worker_id":"{}","occurred_at":"{}","results":[]}})",
            id, worker, ts);
        break;
      case 6:
        json = report(R"({"test":"VITD","value":30,"unit":"ng/mL"})");
        break;
      case 7:
        json = report(R"({"test":"TG","value":2.9,"unit":"g/L"})");
        break;
      case 8:
        json = report(R"({"test":"SBP","value":"high","unit":"mmHg"})");
        break;
      case 9:
        json = report(R"({"test":"K","value":-4.1,"unit":"mmol/L"})");
        break;
      case 10:
        json = report(R"({"test":"LIVER_US"})");
        break;
      default:
        json = report(R"({"loinc":"99999-9","value":1,"unit":"mmol/L"})");
        break;
    }
    return GeneratedEvent{"lab-results", key, std::move(json), true};
  }

  void Emit(GeneratedEvent e) {
    if (!e.bad) {
      recent.push_back(e);
      if (recent.size() > 64) recent.erase(recent.begin());
    }
    pending.push_back(std::move(e));
    if (!recent.empty() && rng.Chance(opt.duplicate_share)) {
      pending.push_back(recent[rng.Below(recent.size())]);  // an exact re-send
    }
    if (rng.Chance(opt.bad_share))
      pending.push_back(Bad(pending.back().key.empty() ? WorkerId(0) : pending.back().key, at_));
  }

  void ExamEvents(std::uint64_t i, TimeMs at, double drift, int round) {
    at_ = at;
    std::string worker = WorkerId(i);
    std::string source = kSources[(i + static_cast<std::uint64_t>(round)) % 5];
    std::string exam = fmt::format("X{}-{:07}", round + 1, i + 1);
    Traits t = TraitsOf(i);
    auto rs = Exam(t, drift);
    bool roster = rng.Chance(opt.checkin_share);
    if (roster) Emit(Checkin(worker, at - 20 * kMinute, "exam_arrival", exam));
    if (rng.Chance(0.005)) {  // a preliminary lipid result first
      Emit(Lab(worker, at - 5 * kMinute, exam, source, {rs[0]}, "preliminary"));
    }
    Emit(Lab(worker, at, exam, source, rs, nullptr));
    if (roster) Emit(Checkin(worker, at + 10 * kMinute, "exam_done", exam));
    if (rng.Chance(0.005)) {  // a corrected result of the same exam
      Result c = rs[rng.Below(2)];
      c.value = Round(c.value * (0.8 + 0.4 * rng.Uniform()), c.decimals);
      Emit(Lab(worker, at + kHour, exam, source, {c}, "corrected"));
    }
  }

  bool Fill() {
    if (next_worker < opt.workers) {
      ExamEvents(next_worker, opt.start + static_cast<TimeMs>(next_worker) * opt.spacing_ms, 0, 0);
      ++next_worker;
      return true;
    }
    // Follow-up exams, months later, for a stable share of workers.
    const TimeMs second_start =
        opt.start + static_cast<TimeMs>(opt.workers) * opt.spacing_ms + 120 * kDay;
    while (next_followup < opt.workers) {
      std::uint64_t i = next_followup++;
      Random pick(opt.seed ^ (0x5851F42D4C957F2DULL * (i + 7)));
      if (!pick.Chance(opt.followup_share)) continue;
      double drift = pick.Normal(0, 0.6);
      ExamEvents(i, second_start + static_cast<TimeMs>(i) * opt.spacing_ms, drift, 1);
      return true;
    }
    return false;
  }

  TimeMs at_ = 0;
};

Generator::Generator(const Options& options) : impl_(std::make_unique<Impl>(options)) {}
Generator::~Generator() = default;

bool Generator::Next(GeneratedEvent* out) {
  while (impl_->pending.empty()) {
    if (!impl_->Fill()) return false;
  }
  *out = std::move(impl_->pending.front());
  impl_->pending.pop_front();
  impl_->produced++;
  return true;
}

std::uint64_t Generator::produced() const { return impl_->produced; }

void WriteJsonl(const Options& options, std::ostream& out) {
  Generator g(options);
  GeneratedEvent e;
  while (g.Next(&e)) out << e.json << '\n';
}

}  // namespace careloop::gen
