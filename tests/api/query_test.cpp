// ParseCaseQuery: every parameter, and errors that name the parameter and what it takes.
#include "api/query.h"

#include <catch2/catch.hpp>

using namespace careloop;
using api::ParseCaseQuery;

namespace {
const api::QueryVocabulary kVocab{{"alerted", "contacted"}, {"lipids", "liver"}};
constexpr TimeMs kNow = 1'800'000'000'000;
}  // namespace

TEST_CASE("Case query parameters are parsed", "[unit][api]") {
  auto q = ParseCaseQuery({{"tier", "red,yellow"},
                           {"stage", "alerted"},
                           {"condition", "liver"},
                           {"overdue", "true"},
                           {"has_due", "false"},
                           {"due_within", "14d"},
                           {"page", "3"},
                           {"page_size", "20"}},
                          kVocab, kNow);
  REQUIRE(q.ok());
  CHECK(q->tiers == std::vector<Tier>{Tier::kRed, Tier::kYellow});
  CHECK(q->stages == std::vector<std::string>{"alerted"});
  CHECK(q->conditions == std::vector<std::string>{"liver"});
  CHECK(q->overdue == true);
  CHECK(q->has_due == false);
  CHECK(q->due_before == kNow + 14 * kDay);
  CHECK(q->page == 3);
  CHECK(q->page_size == 20);
}

TEST_CASE("No parameters: everything, first page of 50", "[unit][api]") {
  auto q = ParseCaseQuery({}, kVocab, kNow);
  REQUIRE(q.ok());
  CHECK(q->tiers.empty());
  CHECK(q->page == 1);
  CHECK(q->page_size == 50);
  CHECK_FALSE(q->overdue.has_value());
}

TEST_CASE("Bad case query parameters are refused with a clear message", "[unit][api]") {
  struct Row {
    api::Params params;
    std::string says;
  };
  std::vector<Row> rows = {
      {{{"tier", "blue"}}, "parameter 'tier': 'blue'"},
      {{{"tier", "none"}}, "red, yellow or green"},
      {{{"stage", "lunch"}}, "one of: alerted, contacted"},
      {{{"condition", "mood"}}, "one of: lipids, liver"},
      {{{"overdue", "yes"}}, "true or false"},
      {{{"due_within", "soon"}}, "a duration"},
      {{{"due_before", "tomorrow"}}, "RFC 3339"},
      {{{"page", "0"}}, "from 1 to"},
      {{{"page_size", "501"}}, "from 1 to 500"},
      {{{"page_size", "10x"}}, "page_size"},
      {{{"worker", "W1"}}, "unknown parameter 'worker'"},
  };
  for (const auto& r : rows) {
    auto q = ParseCaseQuery(r.params, kVocab, kNow);
    INFO(r.params[0].first << "=" << r.params[0].second);
    REQUIRE_FALSE(q.ok());
    CHECK(q.status().code() == Status::Code::kInvalidArgument);
    CHECK_THAT(q.status().message(), Catch::Contains(r.says));
  }
}
