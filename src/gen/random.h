// Rng: the generator's portable random numbers.
//
// std::mt19937_64 is fully specified by the standard, so its raw output is the same
// everywhere; the std:: distributions are not, so the distributions here are our own
// (53-bit uniforms, Box–Muller normals). Together they make a seed give the same stream
// of values with every standard library.
//
// Thread-safety: a value type; not thread-safe, one per thread.
#pragma once

#include <cstdint>
#include <random>
#include <span>

namespace careloop::gen {

// SplitMix64 of the parts: a well-mixed seed for an independent stream per purpose
// (for example one per worker).
std::uint64_t MixSeed(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0);

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  // Uniform in [0, 1), 53 bits.
  double Uniform();
  // Uniform in [lo, hi).
  double Between(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [0, n); 0 when n == 0.
  std::uint64_t Below(std::uint64_t n);
  // Uniform integer in [lo, hi], inclusive.
  std::int64_t IntBetween(std::int64_t lo, std::int64_t hi);
  // True with probability p.
  bool Chance(double p) { return Uniform() < p; }
  // Standard normal (Box–Muller; the second value of each pair is kept for the next call).
  double Normal();
  // Index drawn with probability proportional to `weights` (non-negative, not all 0).
  std::size_t Pick(std::span<const double> weights);

 private:
  std::mt19937_64 engine_;
  bool has_spare_ = false;
  double spare_ = 0;
};

}  // namespace careloop::gen
