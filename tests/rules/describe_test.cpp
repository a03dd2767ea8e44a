// RuleSet::Describe: the aligned table `careloop rules show` prints.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "rules/fixture.h"

namespace careloop::rules {
namespace {

using testing::ShippedRules;

// Display column of each blank-separated token of `line` (UTF-8 aware).
std::vector<size_t> TokenColumns(const std::string& line) {
  std::vector<size_t> cols;
  size_t col = 0;
  bool in_token = false;
  for (char ch : line) {
    if ((static_cast<unsigned char>(ch) & 0xC0) == 0x80) continue;  // continuation byte
    bool blank = ch == ' ';
    if (!blank && !in_token) cols.push_back(col);
    in_token = !blank;
    ++col;
  }
  return cols;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST_CASE("Describe: version, one aligned line per rule, the tiers", "[unit]") {
  const RuleSet& rules = ShippedRules();
  const std::string text = rules.Describe();
  std::vector<std::string> lines = Lines(text);
  REQUIRE(lines.size() > 3);
  CHECK(lines[0].find(rules.version()) != std::string::npos);
  REQUIRE(lines[1].rfind("id ", 0) == 0);
  std::vector<size_t> header = TokenColumns(lines[1]);
  REQUIRE(header.size() == 7);  // id condition test tier when ★ urgency

  size_t rule_lines = 0;
  for (size_t i = 2; i < lines.size() && !lines[i].empty(); ++i, ++rule_lines) {
    CAPTURE(lines[i]);
    std::vector<size_t> cols = TokenColumns(lines[i]);
    REQUIRE(cols.size() >= 5);
    for (size_t k = 0; k < 5; ++k) CHECK(cols[k] == header[k]);  // id .. when start aligned
  }
  CHECK(rule_lines == 61);

  auto line_of = [&](const std::string& id) -> std::string {
    for (const std::string& l : lines) {
      if (l.rfind(id + " ", 0) == 0) return l;
    }
    return "";
  };
  CHECK(line_of("tumour_marker.afp.red.star").find("★") != std::string::npos);
  CHECK(line_of("tumour_marker.afp.red").find("★") == std::string::npos);
  CHECK(line_of("electrolytes.k.red").find("critical") != std::string::npos);
  CHECK(line_of("electrolytes.k.red").find("<= 2.8 | >= 6.2") != std::string::npos);
  CHECK(line_of("lipids.tg.red").find("critical") == std::string::npos);
  CHECK(line_of("stomach.pg.yellow").find("PG1 <= 70 & PG_RATIO <= 3.0 (same exam)") !=
        std::string::npos);
  CHECK(line_of("lipids.hdl.green").find("< 1.00") != std::string::npos);  // as written
  CHECK(line_of("cervical.hpv.red").find("hpv in {16, 18}") != std::string::npos);

  CHECK(text.find("red_critical") != std::string::npos);
  CHECK(text.find("due 30m") != std::string::npos);
  CHECK(text.find("due 365d") != std::string::npos);
  CHECK(text.find("phone_now, sms_now, wechat_now, offer_referral") != std::string::npos);
  CHECK(text.find("no due") != std::string::npos);
}

}  // namespace
}  // namespace careloop::rules
