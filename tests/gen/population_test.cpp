// The population reproduces the source report's prevalence (domain.md §1) as tiers of
// rules-defaults.md, read back from the generated JSON (not from the generator's
// internals), with realistic tails and follow-up exams.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gen/gen_fixture.h"

namespace careloop::gen::testing {
namespace {

// One exam as the latest final or corrected value of each test (preliminary ignored).
struct ExamView {
  std::map<std::string, double> value;
  std::map<std::string, std::string> finding;
  std::string hpv;
};

struct PopulationView {
  std::map<std::string, ExamView> exams;                      // by exam_id
  std::map<std::string, std::vector<std::string>> by_worker;  // exam ids in stream order
};

PopulationView Collect(const std::vector<GeneratedEvent>& events) {
  PopulationView p;
  for (const GeneratedEvent& e : events) {
    auto r = Read(e.json);
    if (!r || r->type != "lab_result" || r->exam_id.empty()) continue;
    auto& ids = p.by_worker[r->worker_id];
    if (std::find(ids.begin(), ids.end(), r->exam_id) == ids.end()) ids.push_back(r->exam_id);
    ExamView& x = p.exams[r->exam_id];
    for (const ReadResult& res : r->results) {
      if (res.status == "preliminary") continue;
      if (auto v = Canonical(res)) x.value[res.test] = *v;
      if (res.test == "AFP" && res.value) {
        const double per = res.unit == "IU/mL" ? 1.21 : 1;  // ng/mL and µg/L are equal
        x.value["AFP"] = *res.value * per;
      }
      if (!res.finding.empty()) x.finding[res.test] = res.finding;
      if (res.test == "CERVICAL") x.hpv = res.hpv;
    }
  }
  return p;
}

const PopulationView& DefaultView() {
  static const PopulationView p = Collect(DefaultStream());
  return p;
}

double Get(const ExamView& x, const char* test) {
  auto it = x.value.find(test);
  return it == x.value.end() ? 0 : it->second;
}

std::string Finding(const ExamView& x, const char* test) {
  auto it = x.finding.find(test);
  return it == x.finding.end() ? "" : it->second;
}

bool RaisedBp(const ExamView& x) { return Get(x, "SBP") >= 140 || Get(x, "DBP") >= 90; }

}  // namespace

TEST_CASE("First exams reproduce the report's prevalence within 2 points", "[unit]") {
  const PopulationView& p = DefaultView();
  double n = 0, tg = 0, tc = 0, liver = 0, bp = 0;
  for (const auto& [worker, ids] : p.by_worker) {
    const ExamView& x = p.exams.at(ids.front());
    if (!x.value.count("TG") || !x.value.count("TC") || !x.value.count("SBP")) continue;
    ++n;
    tg += Get(x, "TG") >= 1.70;
    tc += Get(x, "TC") >= 5.20;
    const std::string us = Finding(x, "LIVER_US");
    liver += us == "mild" || us == "moderate" || us == "severe";
    bp += RaisedBp(x);
  }
  INFO("workers " << n << ": TG " << tg / n << ", TC " << tc / n << ", liver " << liver / n
                  << ", BP " << bp / n);
  REQUIRE(n >= 24900);
  CHECK(tg / n == Approx(0.38).margin(0.02));
  CHECK(tc / n == Approx(0.36).margin(0.02));
  CHECK(liver / n == Approx(0.25).margin(0.02));
  CHECK(bp / n == Approx(0.21).margin(0.02));
}

TEST_CASE("A small share is red and major positives are very rare", "[unit]") {
  const PopulationView& p = DefaultView();
  double n = 0, tg_red = 0, sbp_red = 0, star = 0;
  for (const auto& [worker, ids] : p.by_worker) {
    const ExamView& x = p.exams.at(ids.front());
    ++n;
    tg_red += Get(x, "TG") >= 5.65;
    sbp_red += Get(x, "SBP") >= 180;
    star += Get(x, "AFP") >= 400 || Finding(x, "LIVER_US") == "mass" ||
            Finding(x, "CERVICAL") == "SCC" || Finding(x, "BREAST_BIRADS") == "5";
  }
  INFO("TG red " << tg_red / n << ", SBP red " << sbp_red / n << ", major " << star);
  CHECK(tg_red / n > 0.002);
  CHECK(tg_red / n < 0.015);
  CHECK(sbp_red / n > 0.001);
  CHECK(sbp_red / n < 0.01);
  CHECK(star >= 3);
  CHECK(star / n < 0.0015);
}

TEST_CASE("Women get the two-cancer screening at the Guangdong rates", "[unit]") {
  const PopulationView& p = DefaultView();
  double workers = 0, women = 0, cervical = 0, breast = 0;
  for (const auto& [worker, ids] : p.by_worker) {
    const ExamView& x = p.exams.at(ids.front());
    ++workers;
    const std::string cyt = Finding(x, "CERVICAL");
    if (cyt.empty()) continue;
    ++women;
    cervical += cyt == "ASC-H" || cyt == "HSIL" || cyt == "AGC" || cyt == "SCC" || x.hpv == "16" ||
                x.hpv == "18";
    const std::string birads = Finding(x, "BREAST_BIRADS");
    breast += birads == "4A" || birads == "4B" || birads == "4C" || birads == "5";
  }
  INFO("women " << women << ", cervical high risk " << cervical << ", breast " << breast);
  CHECK(women / workers == Approx(0.48).margin(0.02));
  CHECK(cervical / women == Approx(376.0 / 12000).margin(0.006));
  CHECK(breast / women == Approx(93.0 / 12000).margin(0.003));
}

TEST_CASE("About a tenth of workers have a second exam, and tiers move both ways", "[unit]") {
  const PopulationView& p = DefaultView();
  double workers = 0, second = 0, tg_up = 0, tg_down = 0, bp_up = 0, bp_down = 0;
  for (const auto& [worker, ids] : p.by_worker) {
    ++workers;
    if (ids.size() < 2) continue;
    ++second;
    const ExamView& a = p.exams.at(ids[0]);
    const ExamView& b = p.exams.at(ids[1]);
    tg_up += Get(a, "TG") < 1.70 && Get(b, "TG") >= 1.70;
    tg_down += Get(a, "TG") >= 1.70 && Get(b, "TG") < 1.70;
    bp_up += !RaisedBp(a) && RaisedBp(b);
    bp_down += RaisedBp(a) && !RaisedBp(b);
  }
  INFO("second exams " << second / workers);
  CHECK(second / workers == Approx(0.10).margin(0.03));
  CHECK(tg_up > 20);
  CHECK(tg_down > 20);
  CHECK(bp_up > 20);
  CHECK(bp_down > 20);
}

}  // namespace careloop::gen::testing
