// Every field of every native event type, sent with each wrong JSON type: the message
// (or, for a field of one result, that result) is rejected with the field's reason code
// and the stream goes on. The table is generated from the lists of fields below, so a
// field added to an event type needs one line here.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "careloop/decode/event_decoder.h"
#include "decode/decode_fixture.h"
#include "decode/hostile_cases.h"

using careloop::decode::Decoded;
using careloop::decode::testing::CheckAllHostile;
using careloop::decode::testing::DecodeOnce;
using careloop::decode::testing::HostileCase;
using careloop::decode::testing::Members;
using careloop::decode::testing::ToJson;
using careloop::decode::testing::With;

namespace {

// Valid messages with every field of their type set.
const Members kLab = {{"type", R"("lab_result")"},
                      {"event_id", R"("e-1")"},
                      {"worker_id", R"("W1")"},
                      {"occurred_at", R"("2026-04-12T09:13:22+08:00")"},
                      {"source", R"("van-03")"},
                      {"exam_id", R"("X1")"},
                      {"results", R"([{"test":"SBP","value":120,"unit":"mmHg"}])"}};
const Members kCheckin = {
    {"type", R"("checkin")"},        {"event_id", R"("app-1")"},
    {"worker_id", R"("W1")"},        {"occurred_at", R"("2026-04-12T10:02:00+08:00")"},
    {"source", R"("followup-app")"}, {"kind", R"("followup")"},
    {"case_id", R"("c-1")"},         {"exam_id", R"("X1")"},
    {"channel", R"("phone")"},       {"outcome", R"("reached")"},
    {"staff_id", R"("S07")"},        {"plan", R"("diet-12w")"},
    {"hospital", R"("H-CQ-01")"},    {"diagnosis", R"("free text")"},
    {"status", R"("stable")"}};
const Members kPetition = {{"type", R"("petition")"},
                           {"event_id", R"("plat-1")"},
                           {"petition_id", R"("P-1")"},
                           {"worker_id", R"("W1")"},
                           {"occurred_at", R"("2026-04-12T11:00:00+08:00")"},
                           {"source", R"("union-app")"},
                           {"action", R"("assisted")"},
                           {"channel", R"("app")"},
                           {"category", R"("hardship")"},
                           {"weight", R"("major")"},
                           {"handler", R"("S-3")"},
                           {"summary", R"("free text")"},
                           {"urgent", "true"}};
// Valid results with every field of their kind set.
const Members kQuantitative = {
    {"test", R"("TG")"},      {"value", "2.91"},  {"unit", R"("mmol/L")"}, {"flag", R"("H")"},
    {"status", R"("final")"}, {"ref_low", "0.4"}, {"ref_high", "1.7"}};
const Members kByLoinc = {{"loinc", R"("2571-8")"}, {"value", "2.91"}, {"unit", R"("mmol/L")"}};
const Members kQualitative = {
    {"test", R"("CERVICAL")"}, {"finding", R"("NILM")"}, {"hpv", R"("16")"}};

// Wrong JSON values for a field of each type.
const std::vector<std::string> kNotString = {"7", "true", "null", R"(["x"])", R"({"x":"y"})"};
const std::vector<std::string> kNotNumber = {R"("2.91")", "false", "null", "[2.91]",
                                             R"({"v":2.91})"};
const std::vector<std::string> kNotBool = {R"("true")", "1", "null", "[true]", "{}"};
const std::vector<std::string> kNotArray = {R"("TG")", "7", "true", "null", R"({"test":"TG"})"};

struct Field {
  const char* name;
  const std::vector<std::string>* wrong;
  const char* code;
};

// A whole-message case per wrong value of each field of `base`.
void AddWholeMessageCases(const char* type, const Members& base, const std::vector<Field>& fields,
                          std::vector<HostileCase>* out) {
  for (const Field& f : fields) {
    for (const std::string& wrong : *f.wrong) {
      out->push_back({std::string(type) + "." + f.name + " = " + wrong,
                      ToJson(With(base, f.name, wrong)), false, f.code, -1});
    }
  }
}

// A per-result case per wrong value of each field of `result`: the bad result is the
// second of the report, the first is good, so the report stays usable.
void AddResultCases(const Members& result, const std::vector<Field>& fields,
                    std::vector<HostileCase>* out) {
  for (const Field& f : fields) {
    for (const std::string& wrong : *f.wrong) {
      const std::string results = R"([{"test":"SBP","value":120,"unit":"mmHg"},)" +
                                  ToJson(With(result, f.name, wrong)) + "]";
      out->push_back({std::string("results[1].") + f.name + " = " + wrong,
                      ToJson(With(kLab, "results", results)), true, f.code, 1});
    }
  }
}

std::vector<Field> CommonFields() {
  return {{"type", &kNotString, "invalid_field"},
          {"event_id", &kNotString, "invalid_field"},
          {"worker_id", &kNotString, "invalid_field"},
          {"occurred_at", &kNotString, "invalid_field"},
          {"source", &kNotString, "invalid_field"}};
}

std::vector<Field> Plus(std::vector<Field> a, const std::vector<Field>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("the base messages of the wrong-type table are valid", "[unit]") {
  for (const Members* base : {&kLab, &kCheckin, &kPetition}) {
    Decoded d = DecodeOnce(ToJson(*base));
    INFO(ToJson(*base));
    CHECK(d.usable);
    CHECK(d.rejected.empty());
  }
  for (const Members* result : {&kQuantitative, &kByLoinc, &kQualitative}) {
    Decoded d = DecodeOnce(ToJson(With(kLab, "results", "[" + ToJson(*result) + "]")));
    INFO(ToJson(*result));
    CHECK(d.usable);
    CHECK(d.rejected.empty());
    CHECK(d.lab.results.size() == 1);
  }
}

TEST_CASE("a wrong JSON type in any field is rejected with that field's reason code", "[unit]") {
  std::vector<HostileCase> cases;
  AddWholeMessageCases("lab_result", kLab,
                       Plus(CommonFields(), {{"exam_id", &kNotString, "invalid_field"},
                                             {"results", &kNotArray, "invalid_field"}}),
                       &cases);
  AddWholeMessageCases("checkin", kCheckin,
                       Plus(CommonFields(), {{"kind", &kNotString, "invalid_field"},
                                             {"case_id", &kNotString, "invalid_field"},
                                             {"exam_id", &kNotString, "invalid_field"},
                                             {"channel", &kNotString, "invalid_field"},
                                             {"outcome", &kNotString, "invalid_field"},
                                             {"staff_id", &kNotString, "invalid_field"},
                                             {"plan", &kNotString, "invalid_field"},
                                             {"hospital", &kNotString, "invalid_field"},
                                             {"diagnosis", &kNotString, "invalid_field"},
                                             {"status", &kNotString, "invalid_field"}}),
                       &cases);
  AddWholeMessageCases("petition", kPetition,
                       Plus(CommonFields(), {{"petition_id", &kNotString, "invalid_field"},
                                             {"action", &kNotString, "invalid_field"},
                                             {"channel", &kNotString, "invalid_field"},
                                             {"category", &kNotString, "invalid_field"},
                                             {"weight", &kNotString, "invalid_field"},
                                             {"handler", &kNotString, "invalid_field"},
                                             {"summary", &kNotString, "invalid_field"},
                                             {"urgent", &kNotBool, "invalid_field"}}),
                       &cases);
  AddResultCases(kQuantitative,
                 {{"test", &kNotString, "invalid_field"},
                  {"value", &kNotNumber, "non_numeric_value"},
                  {"unit", &kNotString, "invalid_field"},
                  {"flag", &kNotString, "invalid_flag"},
                  {"status", &kNotString, "invalid_status"},
                  {"ref_low", &kNotNumber, "invalid_field"},
                  {"ref_high", &kNotNumber, "invalid_field"}},
                 &cases);
  AddResultCases(kByLoinc, {{"loinc", &kNotString, "invalid_field"}}, &cases);
  AddResultCases(kQualitative,
                 {{"finding", &kNotString, "invalid_field"}, {"hpv", &kNotString, "invalid_hpv"}},
                 &cases);
  // 7 + 15 + 13 top-level fields and 10 result fields, 5 wrong values each.
  REQUIRE(cases.size() == 225);
  CheckAllHostile(cases);
}
