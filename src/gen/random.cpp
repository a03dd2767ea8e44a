#include "gen/random.h"

#include <cmath>
#include <numbers>

namespace careloop::gen {
namespace {

std::uint64_t SplitMix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

std::uint64_t MixSeed(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  return SplitMix(SplitMix(SplitMix(a) ^ b) ^ c);
}

Rng::Rng(std::uint64_t seed) {
  // Successive SplitMix64 outputs, the seeding xoshiro's authors recommend.
  for (std::uint64_t& word : s_) {
    word = SplitMix(seed);
    seed += 0x9e3779b97f4a7c15ULL;
  }
}

std::uint64_t Rng::Next() {
  const std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

double Rng::Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

std::uint64_t Rng::Below(std::uint64_t n) {
  if (n == 0) return 0;
  auto i = static_cast<std::uint64_t>(Uniform() * static_cast<double>(n));
  return i < n ? i : n - 1;
}

std::int64_t Rng::IntBetween(std::int64_t lo, std::int64_t hi) {
  if (hi <= lo) return lo;
  return lo + static_cast<std::int64_t>(Below(static_cast<std::uint64_t>(hi - lo) + 1));
}

double Rng::Normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  const double u1 = 1.0 - Uniform();  // (0, 1]: log is finite
  const double u2 = Uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = 2.0 * std::numbers::pi * u2;
  spare_ = r * std::sin(theta);
  has_spare_ = true;
  return r * std::cos(theta);
}

std::size_t Rng::Pick(std::span<const double> weights) {
  double total = 0;
  for (double w : weights) total += w;
  double x = Uniform() * total;
  std::size_t last = 0;  // the last index with a positive weight, for rounding at the end
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] <= 0) continue;
    if (x < weights[i]) return i;
    x -= weights[i];
    last = i;
  }
  return last;
}

}  // namespace careloop::gen
