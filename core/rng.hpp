// Deterministic random streams. One config seed decides a whole run: every consumer derives its
// own stream from (seed, purpose, a, b) -- e.g. (seed, Purpose::Reproduce, generation, child) --
// so results never depend on the number of threads or on the order work is scheduled.
#pragma once

#include <cmath>
#include <cstdint>

#include "core/hostdevice.hpp"

namespace ganglion {

// Purposes keep streams of different consumers apart even for equal (a, b).
enum class Purpose : uint64_t {
  InitialPopulation = 1,
  Reproduce = 2,
  Speciate = 3,
  Task = 4,
  Test = 5,
  Bench = 6,
  Champion = 7,  // a run's champion re-test on fresh episodes (run.champion_episodes), per generation
  Evaluate = 8,  // `ganglion eval`'s episodes of one genome (evaluate_genome), per --seed
  Island = 9,     // islands mode: island r's seed (r > 0; island 0 keeps the run's)
  Migration = 10,  // islands mode with topology random: where each island sends, per generation
};

GANGLION_HD GANGLION_INLINE uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// xoshiro256** : small state (32 bytes, easy to checkpoint), fast, good statistical quality.
struct Rng {
  uint64_t s[4];

  GANGLION_HD Rng() : Rng(0) {}
  GANGLION_HD explicit Rng(uint64_t seed) {
    uint64_t x = seed;
    for (auto& v : s) v = splitmix64(x);
  }
  // The stream for one purpose and one (a, b) pair, e.g. (generation, child index).
  GANGLION_HD static Rng derive(uint64_t seed, Purpose purpose, uint64_t a = 0, uint64_t b = 0) {
    uint64_t x = seed;
    uint64_t h = splitmix64(x);
    x = h ^ (static_cast<uint64_t>(purpose) * 0xD1B54A32D192ED03ull);
    h = splitmix64(x);
    x = h ^ (a * 0x8CB92BA72F3D8DD7ull);
    h = splitmix64(x);
    x = h ^ (b * 0xABC98388FB8FAC03ull);
    return Rng(splitmix64(x));
  }

  GANGLION_HD static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  GANGLION_HD uint64_t next() {
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
  // Uniform in [0, 1).
  GANGLION_HD double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
  GANGLION_HD double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n); n > 0.
  GANGLION_HD uint64_t below(uint64_t n) { return n ? next() % n : 0; }
  GANGLION_HD bool chance(double p) { return uniform() < p; }
  // Standard normal (Box-Muller; one value per call keeps the stream state simple to save).
  GANGLION_HD double normal() {
    double u1 = uniform();
    double u2 = uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
  }
  GANGLION_HD double normal(double mean, double stdev) { return mean + stdev * normal(); }
};

}  // namespace ganglion
