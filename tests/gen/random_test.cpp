// Rng: a fixed engine and our own distributions, so a seed means the same numbers with
// every standard library.
#include "gen/random.h"

#include <catch2/catch.hpp>

#include <array>
#include <cmath>

namespace careloop::gen {

TEST_CASE("Rng is xoshiro256** seeded by SplitMix64, with 53-bit uniforms", "[unit]") {
  // Expected values from an independent (Python) implementation of the published
  // algorithms: the stream must not change with compilers or library versions.
  Rng a(42);
  CHECK(a.Next() == 1546998764402558742ULL);
  CHECK(a.Next() == 6990951692964543102ULL);
  CHECK(a.Next() == 12544586762248559009ULL);
  Rng b(0);
  CHECK(b.Next() == 11091344671253066420ULL);
  CHECK(b.Next() == 13793997310169335082ULL);
  Rng c(42);
  CHECK(c.Uniform() == static_cast<double>(1546998764402558742ULL >> 11) * 0x1.0p-53);
}

TEST_CASE("Same seed, same numbers; MixSeed separates streams", "[unit]") {
  Rng a(7), b(7), c(8);
  bool differs = false;
  for (int i = 0; i < 50; ++i) {
    const double x = a.Normal();
    CHECK(x == b.Normal());
    differs = differs || x != c.Normal();
  }
  CHECK(differs);
  CHECK(MixSeed(1, 2) != MixSeed(2, 1));
  CHECK(MixSeed(1, 2, 3) == MixSeed(1, 2, 3));
  CHECK(MixSeed(1, 2, 3) != MixSeed(1, 2, 4));
}

TEST_CASE("Normal has mean 0 and variance 1; Pick follows the weights", "[unit]") {
  Rng rng(42);
  const int n = 200000;
  double sum = 0, sq = 0, above = 0;
  for (int i = 0; i < n; ++i) {
    const double z = rng.Normal();
    sum += z;
    sq += z * z;
    above += z > 1.6449;  // the 95th percentile
  }
  CHECK(sum / n == Approx(0).margin(0.01));
  CHECK(sq / n == Approx(1).margin(0.015));
  CHECK(above / n == Approx(0.05).margin(0.002));

  const std::array<double, 4> weights = {0.5, 0, 0.3, 0.2};
  std::array<int, 4> counts{};
  for (int i = 0; i < n; ++i) ++counts[rng.Pick(weights)];
  CHECK(counts[1] == 0);
  CHECK(counts[0] / double(n) == Approx(0.5).margin(0.01));
  CHECK(counts[2] / double(n) == Approx(0.3).margin(0.01));
}

TEST_CASE("Below and IntBetween stay in range", "[unit]") {
  Rng rng(1);
  std::array<int, 3> seen{};
  for (int i = 0; i < 3000; ++i) {
    const auto b = rng.Below(3);
    REQUIRE(b < 3);
    ++seen[b];
    const auto k = rng.IntBetween(-2, 2);
    REQUIRE(k >= -2);
    REQUIRE(k <= 2);
  }
  CHECK(seen[0] > 800);
  CHECK(seen[2] > 800);
  CHECK(rng.Below(0) == 0);
  CHECK(rng.IntBetween(5, 5) == 5);
}

}  // namespace careloop::gen
