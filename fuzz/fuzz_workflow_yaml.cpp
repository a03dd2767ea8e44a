// libFuzzer target: workflow::LoadDefinitionString on arbitrary bytes. A definition that
// loads is described and its deadlines and states looked up; errors must be values (no
// exception escapes, no crash) and every error must say what is wrong.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "careloop/workflow/definition.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  auto def = careloop::workflow::LoadDefinitionString(yaml, "fuzz.yaml");
  if (!def.ok()) {
    if (def.status().message().empty()) __builtin_trap();  // an error must say what is wrong
    return 0;
  }
  const careloop::workflow::Definition& d = def.value();
  if (d.Describe().empty()) __builtin_trap();
  if (!d.HasState(d.initial)) __builtin_trap();  // the loader validates the initial state
  for (const auto& deadline : d.deadlines) {
    if (d.FindDeadline(deadline.name) == nullptr) __builtin_trap();
  }
  return 0;
}
