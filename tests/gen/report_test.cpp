// How sites write results: units, LOINC-only naming, rounding and reference flags.
#include "gen/report.h"

#include <catch2/catch.hpp>

#include <string>

#include "gen/gen_fixture.h"

namespace careloop::gen {

TEST_CASE("RoundTo and SetCanonical convert to the result's unit", "[unit]") {
  CHECK(RoundTo(2.905, 2) == Approx(2.91));
  CHECK(RoundTo(149.5, 0) == 150);
  ReportedResult r;
  r.test = Test::kTG;
  r.unit = "mg/dL";
  r.decimals = 0;
  r.has_reference = true;
  SetCanonical(&r, 2.0);
  CHECK(r.value == 177);  // 2.0 * 88.57
  CHECK(r.ref_high == 151);
  CHECK(r.flag == "H");
  r.test = Test::kAFP;
  r.unit = "IU/mL";
  r.decimals = 2;
  SetCanonical(&r, 484);
  CHECK(r.value == Approx(400.0));  // 484 / 1.21
  CHECK(r.flag == "H");
}

TEST_CASE("Lipids and glucose are in mg/dL in ~15 % of results, ~10 % are named by LOINC",
          "[unit]") {
  double results = 0, loinc = 0, chemistry = 0, mgdl = 0, afp = 0, afp_iu = 0, hgb = 0, gdl = 0;
  for (const GeneratedEvent& e : testing::DefaultStream()) {
    auto r = testing::Read(e.json);
    if (!r || r->type != "lab_result") continue;
    for (const testing::ReadResult& res : r->results) {
      ++results;
      loinc += !res.loinc.empty();
      if (res.unit == "mmol/L" || res.unit == "mg/dL") {
        if (res.test == "TG" || res.test == "TC" || res.test == "GLU") {
          ++chemistry;
          mgdl += res.unit == "mg/dL";
        }
      }
      if (res.test == "AFP") {
        ++afp;
        afp_iu += res.unit == "IU/mL";
      }
      if (res.unit == "g/L" || res.unit == "g/dL") {
        ++hgb;
        gdl += res.unit == "g/dL";
      }
    }
  }
  CHECK(loinc / results == Approx(0.10).margin(0.02));
  CHECK(mgdl / chemistry == Approx(0.15).margin(0.03));
  CHECK(afp_iu / afp == Approx(0.15).margin(0.04));
  CHECK(gdl / hgb == Approx(0.15).margin(0.04));
}

}  // namespace careloop::gen
