// Test support: a copy of the shipped config/ (and topologies/) with some careloop.yaml
// lines changed, for tests that run careloop with other settings.
#pragma once

#include <map>
#include <string>

namespace careloop::testing {

// Copies config/ and topologies/ to `dir`/cfg and replaces each careloop.yaml line that
// starts with a key of `set` (e.g. "  max_in_flight:") by the mapped whole line (which
// may hold several). Every key must match a line (a Catch REQUIRE). Returns the config
// directory to pass as --config or to LoadConfig.
std::string CopyConfig(const std::string& dir, const std::map<std::string, std::string>& set);

}  // namespace careloop::testing
