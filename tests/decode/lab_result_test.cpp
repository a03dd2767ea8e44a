// Decoding of lab_result events and their results (src/decode/lab_result.cpp).
#include <catch2/catch.hpp>

#include <string>

#include "careloop/decode/event_decoder.h"
#include "decode/decode_fixture.h"

using careloop::ResultStatus;
using careloop::decode::Decoded;
using careloop::decode::EventType;
using careloop::decode::testing::DecodeOnce;
using careloop::decode::testing::LabWithResults;

namespace {

constexpr const char* kGood = R"({"test":"SBP","value":128,"unit":"mm[Hg]"})";

// The contract.md example.
constexpr const char* kContractExample =
    R"({"type":"lab_result","event_id":"cq03-20260412-0001","worker_id":"W0012345",
 "occurred_at":"2026-04-12T09:13:22+08:00","source":"cq-yjp-van-03","exam_id":"X20260412-0456",
 "results":[
   {"test":"TG","value":2.91,"unit":"mmol/L"},
   {"test":"SBP","value":186,"unit":"mm[Hg]"},{"test":"DBP","value":112,"unit":"mm[Hg]"},
   {"loinc":"1834-1","value":486,"unit":"ng/mL"},
   {"test":"LIVER_US","finding":"moderate"}]})";

}  // namespace

TEST_CASE("the contract example decodes to canonical values", "[unit]") {
  Decoded d = DecodeOnce(kContractExample);
  REQUIRE(d.usable);
  CHECK(d.type == EventType::kLabResult);
  CHECK(d.rejected.empty());
  CHECK(d.event_id == "cq03-20260412-0001");
  CHECK(d.worker_id == "W0012345");
  const careloop::LabResult& lab = d.lab;
  CHECK(lab.event_id == "cq03-20260412-0001");
  CHECK(lab.worker_id == "W0012345");
  CHECK(lab.source == "cq-yjp-van-03");
  CHECK(lab.exam_id == "X20260412-0456");
  CHECK(lab.occurred_at == *careloop::ParseRfc3339("2026-04-12T01:13:22Z"));
  REQUIRE(lab.results.size() == 5);

  const auto& tg = lab.results[0];
  CHECK(tg.obs.test == "TG");
  CHECK_FALSE(tg.obs.qualitative);
  CHECK(tg.obs.value == 2.91);
  CHECK(tg.obs.exam_id == "X20260412-0456");
  CHECK(tg.unit == "mmol/L");
  CHECK(tg.reported_value == 2.91);
  CHECK(tg.reported_unit == "mmol/L");
  CHECK(tg.loinc.empty());
  CHECK(tg.status == ResultStatus::kFinal);
  CHECK(tg.index == 0);

  CHECK(lab.results[1].obs.test == "SBP");
  CHECK(lab.results[1].obs.value == 186);
  CHECK(lab.results[1].unit == "mm[Hg]");
  CHECK(lab.results[2].obs.test == "DBP");
  CHECK(lab.results[2].obs.value == 112);
  CHECK(lab.results[2].index == 2);

  const auto& afp = lab.results[3];
  CHECK(afp.obs.test == "AFP");
  CHECK(afp.loinc == "1834-1");
  CHECK(afp.obs.value == 486);
  CHECK(afp.unit == "ng/mL");

  const auto& liver = lab.results[4];
  CHECK(liver.obs.test == "LIVER_US");
  CHECK(liver.obs.qualitative);
  CHECK(liver.obs.finding == "moderate");
  CHECK(liver.unit.empty());
  CHECK(liver.index == 4);
}

TEST_CASE("results named by LOINC only", "[unit]") {
  Decoded d = DecodeOnce(LabWithResults(
      R"([{"loinc":"2571-8","value":2.3,"unit":"mmol/L"},{"loinc":"47527-7","finding":"HSIL"},)"
      R"({"test":"TG","loinc":"14927-8","value":1.7,"unit":"mmol/L"}])"));
  REQUIRE(d.usable);
  REQUIRE(d.lab.results.size() == 3);
  CHECK(d.lab.results[0].obs.test == "TG");
  CHECK(d.lab.results[0].loinc == "2571-8");
  CHECK(d.lab.results[1].obs.test == "CERVICAL");
  CHECK(d.lab.results[1].obs.finding == "HSIL");
  CHECK(d.lab.results[2].obs.test == "TG");  // test and LOINC agree
}

TEST_CASE("other units are converted to the canonical one", "[unit]") {
  Decoded d = DecodeOnce(LabWithResults(
      R"([{"test":"TG","value":200,"unit":"mg/dL"},{"test":"GLU","value":126,"unit":"mg/dL"},)"
      R"({"test":"AFP","value":100,"unit":"IU/mL"},{"test":"HGB","value":11.3,"unit":"g/dL"},)"
      R"({"test":"LDL","value":193.35,"unit":"mg/dL"},{"test":"FEV1_FVC","value":69,"unit":"%"},)"
      R"({"test":"AFP","value":400,"unit":"ug/L"},{"test":"PLT","value":30,"unit":"10^9/L"}])"));
  REQUIRE(d.usable);
  CHECK(d.rejected.empty());
  REQUIRE(d.lab.results.size() == 8);
  const auto& r = d.lab.results;
  CHECK(r[0].obs.value == Approx(200 / 88.57));
  CHECK(r[0].reported_value == 200);
  CHECK(r[0].reported_unit == "mg/dL");
  CHECK(r[0].unit == "mmol/L");
  CHECK(r[1].obs.value == 7.0);
  CHECK(r[2].obs.value == 121);
  CHECK(r[2].unit == "ng/mL");
  CHECK(r[3].obs.value == 113);
  CHECK(r[4].obs.value == 5.0);
  CHECK(r[5].obs.value == 0.69);
  CHECK(r[5].unit == "ratio");
  CHECK(r[6].obs.value == 400);
  CHECK(r[7].obs.value == 30);
}

TEST_CASE("unitless tests need no unit", "[unit]") {
  Decoded d = DecodeOnce(
      LabWithResults(R"([{"test":"BMD_T","value":-2.5},{"test":"PG_RATIO","value":3.0,"unit":"1"},)"
                     R"({"test":"FEV1_FVC","value":0.65},{"test":"BMD_T","value":-1,"unit":""}])"));
  REQUIRE(d.usable);
  CHECK(d.rejected.empty());
  REQUIRE(d.lab.results.size() == 4);
  CHECK(d.lab.results[0].obs.value == -2.5);
  CHECK(d.lab.results[0].unit.empty());
  CHECK(d.lab.results[1].obs.value == 3.0);
  CHECK(d.lab.results[2].obs.value == 0.65);
  CHECK(d.lab.results[2].unit == "ratio");
}

TEST_CASE("corrected and preliminary results, flags and reference ranges", "[unit]") {
  Decoded d = DecodeOnce(LabWithResults(
      R"([{"test":"TG","value":2.4,"unit":"mmol/L","status":"corrected","flag":"H",)"
      R"("ref_low":0.45,"ref_high":1.69},)"
      R"({"test":"K","value":3.1,"unit":"mmol/L","status":"preliminary","flag":"L"},)"
      R"({"test":"NA","value":140,"unit":"mmol/L","status":"final"}])"));
  REQUIRE(d.usable);
  REQUIRE(d.lab.results.size() == 3);
  const auto& tg = d.lab.results[0];
  CHECK(tg.status == ResultStatus::kCorrected);
  CHECK(tg.flag == "H");
  CHECK(tg.ref_low == 0.45);
  CHECK(tg.ref_high == 1.69);
  CHECK(d.lab.results[1].status == ResultStatus::kPreliminary);
  CHECK_FALSE(d.lab.results[1].ref_low.has_value());
  CHECK(d.lab.results[2].status == ResultStatus::kFinal);
}

TEST_CASE("qualitative findings", "[unit]") {
  Decoded d = DecodeOnce(LabWithResults(
      R"([{"test":"CERVICAL","finding":"NILM","hpv":"16"},{"test":"BREAST_BIRADS","finding":"4A"},)"
      R"({"test":"LIVER_US","finding":"mass"},{"test":"CERVICAL","finding":"ASC-US"}])"));
  REQUIRE(d.usable);
  REQUIRE(d.lab.results.size() == 4);
  CHECK(d.lab.results[0].obs.finding == "NILM");
  CHECK(d.lab.results[0].obs.hpv == "16");
  CHECK(d.lab.results[1].obs.finding == "4A");
  CHECK(d.lab.results[2].obs.finding == "mass");
  CHECK(d.lab.results[3].obs.hpv.empty());
}

TEST_CASE("exam_id defaults to the event_id", "[unit]") {
  Decoded d = DecodeOnce(LabWithResults(std::string("[") + kGood + "]"));
  REQUIRE(d.usable);
  CHECK(d.lab.exam_id == "e-1");
  CHECK(d.lab.results[0].obs.exam_id == "e-1");
}

TEST_CASE("a bad result is rejected alone, the rest of the report is used", "[unit]") {
  struct Case {
    const char* name;
    std::string result;
    const char* code;
  };
  // Values are distinctive (987.6…) so that the reason can be checked not to hold them.
  const Case cases[] = {
      {"not an object", "987.654", "invalid_field"},
      {"an array", R"(["TG",987.654])", "invalid_field"},
      {"a string", R"("TG 987.654")", "invalid_field"},
      {"no test nor loinc", R"({"value":987.654,"unit":"mmol/L"})", "missing_field"},
      {"test not a string", R"({"test":7,"value":987.654,"unit":"mmol/L"})", "invalid_field"},
      {"loinc not a string", R"({"loinc":2571.8,"value":987.654,"unit":"mmol/L"})",
       "invalid_field"},
      {"unknown test", R"({"test":"XYZ","value":987.654,"unit":"mmol/L"})", "unknown_test"},
      {"test in lower case", R"({"test":"tg","value":987.654,"unit":"mmol/L"})", "unknown_test"},
      {"unknown LOINC", R"({"loinc":"9999-9","value":987.654,"unit":"mmol/L"})", "unknown_test"},
      {"test and LOINC disagree",
       R"({"test":"TG","loinc":"8480-6","value":987.654,"unit":"mmol/L"})", "test_loinc_mismatch"},
      {"unknown unit", R"({"test":"TG","value":987.654,"unit":"g/L"})", "unknown_unit"},
      {"unit of another test", R"({"test":"HGB","value":987.654,"unit":"mmol/L"})", "unknown_unit"},
      {"missing unit", R"({"test":"TG","value":987.654})", "missing_unit"},
      {"empty unit", R"({"test":"TG","value":987.654,"unit":""})", "missing_unit"},
      {"unit not a string", R"({"test":"TG","value":987.654,"unit":1})", "invalid_field"},
      {"value as a string", R"({"test":"TG","value":"987.654","unit":"mmol/L"})",
       "non_numeric_value"},
      {"value null", R"({"test":"TG","value":null,"unit":"mmol/L"})", "non_numeric_value"},
      {"value true", R"({"test":"TG","value":true,"unit":"mmol/L"})", "non_numeric_value"},
      {"value an object", R"({"test":"TG","value":{"v":987.654},"unit":"mmol/L"})",
       "non_numeric_value"},
      {"missing value", R"({"test":"TG","unit":"mmol/L"})", "missing_value"},
      {"1e400", R"({"test":"TG","value":1e400,"unit":"mmol/L"})", "out_of_range"},
      {"-1e400", R"({"test":"TG","value":-1e400,"unit":"mmol/L"})", "out_of_range"},
      {"negative", R"({"test":"TG","value":-987.654,"unit":"mmol/L"})", "out_of_range"},
      {"above plausible", R"({"test":"SBP","value":987.654,"unit":"mm[Hg]"})", "out_of_range"},
      {"below plausible after conversion", R"({"test":"HGB","value":0.987654,"unit":"g/dL"})",
       "out_of_range"},
      {"overflow after conversion", R"({"test":"AFP","value":1.7e308,"unit":"IU/mL"})",
       "out_of_range"},
      {"ratio sent as percent without unit", R"({"test":"FEV1_FVC","value":98.7654})",
       "out_of_range"},
      {"missing finding", R"({"test":"LIVER_US"})", "missing_finding"},
      {"finding not a string", R"({"test":"BREAST_BIRADS","finding":4})", "invalid_field"},
      {"unknown finding", R"({"test":"LIVER_US","finding":"987.654"})", "unknown_finding"},
      {"finding in wrong case", R"({"test":"LIVER_US","finding":"Mass"})", "unknown_finding"},
      {"finding on a numeric test", R"({"test":"TG","finding":"987.654"})", "wrong_result_kind"},
      {"value on a qualitative test", R"({"test":"LIVER_US","value":987.654,"finding":"mild"})",
       "wrong_result_kind"},
      {"bad hpv", R"({"test":"CERVICAL","finding":"NILM","hpv":"987"})", "invalid_hpv"},
      {"hpv not a string", R"({"test":"CERVICAL","finding":"NILM","hpv":16})", "invalid_hpv"},
      {"hpv on another qualitative test", R"({"test":"LIVER_US","finding":"mild","hpv":"16"})",
       "invalid_hpv"},
      {"hpv on a numeric test", R"({"test":"TG","value":987.654,"unit":"mmol/L","hpv":"16"})",
       "invalid_hpv"},
      {"bad flag", R"({"test":"TG","value":2.5,"unit":"mmol/L","flag":"X987"})", "invalid_flag"},
      {"flag in lower case", R"({"test":"TG","value":2.5,"unit":"mmol/L","flag":"h"})",
       "invalid_flag"},
      {"bad status", R"({"test":"TG","value":2.5,"unit":"mmol/L","status":"amended"})",
       "invalid_status"},
      {"status not a string", R"({"test":"TG","value":2.5,"unit":"mmol/L","status":1})",
       "invalid_status"},
      {"ref_low a string", R"({"test":"TG","value":2.5,"unit":"mmol/L","ref_low":"987.654"})",
       "invalid_field"},
      {"ref_high 1e400", R"({"test":"TG","value":2.5,"unit":"mmol/L","ref_high":1e400})",
       "invalid_field"},
      {"duplicate key", R"({"test":"TG","value":987.654,"value":2.5,"unit":"mmol/L"})",
       "duplicate_key"},
      {"duplicate unknown key", R"({"test":"TG","value":2.5,"unit":"mmol/L","n":1,"n":2})",
       "duplicate_key"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    Decoded d = DecodeOnce(
        LabWithResults(std::string("[") + kGood + ",\n " + c.result + " ," + kGood + "]"));
    REQUIRE(d.usable);
    CHECK(d.lab.results.size() == 2);
    REQUIRE(d.rejected.size() == 1);
    const careloop::RejectedItem& r = d.rejected[0];
    CHECK(r.reason_code == c.code);
    CHECK(r.index == 1);
    CHECK(r.payload == c.result);
    CHECK_THAT(r.reason, Catch::StartsWith("results[1]: "));
    CHECK(r.reason.find("987") == std::string::npos);  // never the value
    CHECK(d.lab.results[0].index == 0);
    CHECK(d.lab.results[1].index == 2);
  }
}

TEST_CASE("reasons name the test, the field and the unit", "[unit]") {
  auto reason = [](const std::string& result) {
    Decoded d = DecodeOnce(LabWithResults(std::string("[") + kGood + "," + result + "]"));
    REQUIRE(d.rejected.size() == 1);
    return d.rejected[0].reason;
  };
  CHECK(reason(R"({"test":"TG","value":2.9,"unit":"g/L"})") ==
        "results[1]: unknown unit 'g/L' for test TG");
  CHECK(reason(R"({"test":"TG","value":2.9})") == "results[1]: missing 'unit' for test TG");
  CHECK(reason(R"({"test":"TG","value":"2.9","unit":"mmol/L"})") ==
        "results[1]: 'value' of test TG must be a number, not a string");
  CHECK(reason(R"({"test":"TG","value":-2.9,"unit":"mmol/L"})") ==
        "results[1]: 'value' of test TG is outside the plausible range [0, 100] mmol/L");
  CHECK(reason(R"({"test":"BMD_T","value":-29})") ==
        "results[1]: 'value' of test BMD_T is outside the plausible range [-8, 8]");
  CHECK(reason(R"({"test":"TG","loinc":"8480-6","value":2.9,"unit":"mmol/L"})") ==
        "results[1]: test TG and LOINC '8480-6' (test SBP) disagree");
  CHECK(reason(R"({"test":"XYZ","value":2.9})") == "results[1]: unknown test 'XYZ'");
  CHECK(reason(R"({"loinc":"1-1","value":2.9})") == "results[1]: unknown LOINC '1-1'");
  CHECK(reason(R"({"test":"LIVER_US","finding":"huge"})") ==
        "results[1]: 'finding' of test LIVER_US is not one of its findings");
  CHECK(reason(R"({"test":"CERVICAL","finding":"NILM","hpv":"31"})") ==
        "results[1]: 'hpv' of test CERVICAL is not one of: negative other 16 18");
  CHECK(reason(R"(42)") == "results[1]: not an object");
}

TEST_CASE("a report whose results are all bad is unusable, each result rejected", "[unit]") {
  Decoded d = DecodeOnce(LabWithResults(
      R"([{"test":"XYZ","value":1},{"test":"TG","value":"2.9","unit":"mmol/L"},3])"));
  CHECK_FALSE(d.usable);
  CHECK(d.type == EventType::kLabResult);
  CHECK(d.event_id == "e-1");
  REQUIRE(d.rejected.size() == 3);
  for (int i = 0; i < 3; ++i) CHECK(d.rejected[i].index == i);
  CHECK(d.rejected[0].reason_code == "unknown_test");
  CHECK(d.rejected[1].reason_code == "non_numeric_value");
  CHECK(d.rejected[2].reason_code == "invalid_field");
  CHECK(d.rejected[2].payload == "3");
  CHECK(d.lab.results.empty());
}

TEST_CASE("a whole-message fault drops the per-result rejects", "[unit]") {
  Decoded d = DecodeOnce(
      R"({"type":"lab_result","event_id":"e-1","worker_id":"W1","results":[{"test":"XYZ"}],)"
      R"("occurred_at":"2026-13-01T00:00:00Z"})");
  CHECK_FALSE(d.usable);
  REQUIRE(d.rejected.size() == 1);
  CHECK(d.rejected[0].index == -1);
  CHECK(d.rejected[0].reason_code == "invalid_field");
}

TEST_CASE("unknown fields inside a result are ignored", "[unit]") {
  Decoded d = DecodeOnce(LabWithResults(
      R"([{"test":"TG","name":"triglycerides","value":2.91,"method":{"x":[[[1]]]},"unit":"mmol/L",)"
      R"("comment":null}])"));
  REQUIRE(d.usable);
  CHECK(d.rejected.empty());
  CHECK(d.lab.results.at(0).obs.value == 2.91);
}
