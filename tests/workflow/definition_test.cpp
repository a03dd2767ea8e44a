#include "careloop/workflow/definition.h"

#include <catch2/catch.hpp>

using namespace careloop::workflow;

TEST_CASE("Durations", "[unit]") {
  CHECK(*ParseDuration("30m") == 30 * careloop::kMinute);
  CHECK(*ParseDuration("90d") == 90 * careloop::kDay);
  CHECK(FormatDuration(*ParseDuration("4h")) == "4h");
  for (const char* bad : {"", "5", "m", "-3d", "3w", "1.5h", "0d"}) {
    INFO(bad);
    CHECK_FALSE(ParseDuration(bad).ok());
  }
}

TEST_CASE("Every shipped topology loads and describes itself", "[unit]") {
  auto defs = LoadDefinitionDir(std::string(CARELOOP_SOURCE_DIR) + "/topologies");
  INFO(defs.status().ToString());
  REQUIRE(defs.ok());
  REQUIRE(defs->size() >= 2);
  for (const auto& d : *defs) {
    std::string text = d.Describe();
    CHECK(text.find("workflow " + d.name) != std::string::npos);
  }
}

TEST_CASE("Bad definitions are refused with the line and what is wrong", "[unit]") {
  const std::string base = "workflow: w\nsubject: case\ninitial: a\nstates: [a, b]\n";
  struct Case {
    std::string yaml;
    std::string fragment;
  } cases[] = {
      {base + "handlers:\n  - on: x\n    do: [{goto: zz}]\n", "goto 'zz': no such state"},
      {base + "handlers:\n  - on: x\n    do: [{start: nope}]\n", "deadline 'nope' is not defined"},
      {base + "handlers:\n  - on: x\n    from: [q]\n    do: []\n", "from state 'q'"},
      {base + "handlers:\n  - on: x\n    do: [{fly: a}]\n", "unknown action 'fly'"},
      {base + "handlers:\n  - on: x\n    do: [{notify: {template: t, channels: [fax]}}]\n",
       "channel 'fax'"},
      {base + "deadlines:\n  d: {stage: s, steps: [{after: 2d}, {after: 1d}]}\nhandlers: []\n",
       "increasing"},
      {base + "deadlines:\n  d: {stage: s, steps: [{after: soon}]}\nhandlers: []\n",
       "not a duration"},
      {"workflow: w\nsubject: case\ninitial: z\nstates: [a]\nhandlers: []\n", "initial state 'z'"},
      {"workflow: w\nsubject: thing\ninitial: a\nstates: [a]\nhandlers: []\n", "subject must be"},
      {base + "handlers: []\ncolour: red\n", "unknown key 'colour'"},
      {base + "handlers:\n  - on: enter:q\n    do: []\n", "'enter:q': no such state"},
  };
  for (const auto& c : cases) {
    INFO(c.yaml);
    auto d = LoadDefinitionString(c.yaml, "t.yaml");
    REQUIRE_FALSE(d.ok());
    CHECK(d.status().message().find(c.fragment) != std::string::npos);
    CHECK(d.status().message().rfind("t.yaml:", 0) == 0);
  }
}
