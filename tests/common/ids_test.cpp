#include "careloop/ids.h"

#include <catch2/catch.hpp>

TEST_CASE("Deterministic ids depend on every part and its boundaries", "[unit]") {
  using careloop::MakeId;
  CHECK(MakeId("al-", {"e1", "lipids"}) == MakeId("al-", {"e1", "lipids"}));
  CHECK(MakeId("al-", {"e1", "lipids"}) != MakeId("al-", {"e1", "liver"}));
  CHECK(MakeId("al-", {"ab", "c"}) != MakeId("al-", {"a", "bc"}));
  auto id = MakeId("al-", {"x"});
  CHECK(id.size() == 3 + 16);
  CHECK(id.rfind("al-", 0) == 0);
}
