// Rng: the generator's portable random numbers.
//
// The engine is xoshiro256** (Blackman and Vigna), its state filled from the seed by
// SplitMix64: a fixed, published algorithm, so its output is the same everywhere, and
// cheap to seed (the generator starts several streams per worker; std::mt19937_64 spent
// a third of the run time filling its 312-word state). The std:: distributions are not
// portable across library versions, so the distributions here are our own (53-bit
// uniforms, Box–Muller normals). A seed gives the same stream of values everywhere.
//
// Thread-safety: a value type; not thread-safe, one per thread.
#pragma once

#include <cstdint>
#include <span>

namespace careloop::gen {

// SplitMix64 of the parts: a well-mixed seed for an independent stream per purpose
// (for example one per worker).
std::uint64_t MixSeed(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0);

class Rng {
 public:
  explicit Rng(std::uint64_t seed);

  // The next raw 64-bit output of xoshiro256**.
  std::uint64_t Next();

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
  std::uint64_t s_[4];
  bool has_spare_ = false;
  double spare_ = 0;
};

}  // namespace careloop::gen
