// The synthetic population: deterministic, and as prevalent as the source report says.
#include "careloop/gen/generator.h"

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <sstream>

#include "careloop/decode/catalog.h"
#include "careloop/decode/event_decoder.h"

using namespace careloop;

TEST_CASE("Same seed, same bytes; another seed, other bytes", "[unit]") {
  gen::Options o;
  o.workers = 500;
  std::ostringstream a, b, c;
  gen::WriteJsonl(o, a);
  gen::WriteJsonl(o, b);
  o.seed = 43;
  gen::WriteJsonl(o, c);
  CHECK(a.str().size() > 100000);
  CHECK(a.str() == b.str());
  CHECK(a.str() != c.str());
}

TEST_CASE("The population reproduces the report's prevalence and a realistic mix", "[unit]") {
  auto catalog = decode::Catalog::LoadFile(std::string(CARELOOP_SOURCE_DIR) + "/config/tests.yaml");
  REQUIRE(catalog.ok());
  decode::EventDecoder decoder(*catalog);
  gen::Options o;  // 25,000 workers as in the report
  gen::Generator g(o);
  gen::GeneratedEvent e;
  decode::Decoded d;
  std::set<std::string> first_exam_workers, event_ids;
  std::uint64_t tg = 0, tc = 0, liver = 0, bp = 0, events = 0, bad = 0, bad_flagged = 0, dups = 0;
  std::uint64_t loinc_only = 0, mgdl = 0, results = 0, followups = 0, red_afp = 0;
  while (g.Next(&e)) {
    ++events;
    bad_flagged += e.bad ? 1 : 0;
    decoder.Decode(e.json, &d);
    if (!d.usable || !d.rejected.empty()) ++bad;
    if (!d.usable || d.type != decode::EventType::kLabResult) continue;
    if (!event_ids.insert(d.event_id).second) {
      ++dups;
      continue;
    }
    CHECK(!d.lab.worker_id.empty());
    CHECK(d.lab.occurred_at > 0);
    if (d.lab.exam_id.rfind("X2-", 0) == 0) {
      ++followups;
      continue;
    }
    if (d.lab.exam_id.rfind("X1-", 0) != 0 || d.lab.results.size() < 5)
      continue;  // corrections etc.
    if (!first_exam_workers.insert(d.lab.worker_id).second) continue;
    double sbp = 0, dbp = 0;
    for (const auto& m : d.lab.results) {
      ++results;
      loinc_only += m.loinc.empty() ? 0 : 1;
      mgdl += m.reported_unit == "mg/dL" ? 1 : 0;
      const auto& t = m.obs.test;
      if (t == "TG" && m.obs.value >= 1.70) ++tg;
      if (t == "TC" && m.obs.value >= 5.20) ++tc;
      if (t == "LIVER_US" &&
          (m.obs.finding == "mild" || m.obs.finding == "moderate" || m.obs.finding == "severe"))
        ++liver;
      if (t == "SBP") sbp = m.obs.value;
      if (t == "DBP") dbp = m.obs.value;
      if (t == "AFP" && m.obs.value >= 200) ++red_afp;
    }
    if (sbp >= 140 || dbp >= 90) ++bp;
  }
  const double n = static_cast<double>(first_exam_workers.size());
  INFO("workers " << n << " TG " << tg / n << " TC " << tc / n << " liver " << liver / n << " BP "
                  << bp / n);
  REQUIRE(n > 24000);
  CHECK(tg / n == Approx(0.38).margin(0.02));
  CHECK(tc / n == Approx(0.36).margin(0.02));
  CHECK(liver / n == Approx(0.25).margin(0.02));
  CHECK(bp / n == Approx(0.21).margin(0.02));
  WARN("prevalence: TG " << tg / n << " TC " << tc / n << " liver " << liver / n << " BP "
                         << bp / n);
  CHECK(static_cast<double>(loinc_only) / results == Approx(0.10).margin(0.02));
  CHECK(mgdl > 0);
  CHECK(red_afp > 0);
  CHECK(followups > 0.08 * n);
  CHECK(dups > 0);
  // Bad input: about 1 % of events, and every event flagged bad really is bad.
  CHECK(static_cast<double>(bad_flagged) / events == Approx(0.01).margin(0.004));
  CHECK(bad >= bad_flagged);
}
