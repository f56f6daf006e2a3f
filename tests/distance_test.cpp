// Compatibility distance: zero for a genome and itself, symmetric, the paper's formula on a
// hand-made example, and within_threshold (early exits) deciding exactly as the full formula.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "evolution/distance.hpp"
#include "tests/evolution_fixtures.hpp"

using namespace ganglion;

TEST_CASE("distance is zero to itself and symmetric") {
  const uint64_t seed = testing::test_seed();
  MESSAGE("GANGLION_TEST_SEED=" << seed);
  GenomeConfig gc;
  gc.num_inputs = 2;  // what a run takes from its task (XOR)
  gc.num_outputs = 1;
  for (bool nodes : {false, true}) {
    SpeciationConfig sc;
    sc.include_node_genes = nodes;
    InnovationHistory h;
    for (int k = 0; k < 20; ++k) {
      Genome a = testing::grown_genome(gc, seed + k, 5 + k, h);
      Genome b = testing::grown_genome(gc, seed + 100 + k, 3 + k, h);
      CHECK(compatibility_distance(a, a, sc) == 0.0);
      CHECK(compatibility_distance(a, b, sc) == compatibility_distance(b, a, sc));
      CHECK(compatibility_distance(a, b, sc) >= 0.0);
    }
  }
}

TEST_CASE("distance follows c1 E/N + c2 D/N + c3 W") {
  Genome a, b;
  // a: innovations 0 1 2 5 ; b: 0 1 3 4 6 7 -> matching 0 1, disjoint 2 3 4 5, excess 6 7.
  for (int64_t i : {0, 1, 2, 5}) a.connections.push_back({i, 0, 1, 1.0f, true});
  for (int64_t i : {0, 1, 3, 4, 6, 7}) b.connections.push_back({i, 0, 1, i == 0 ? 2.0f : 0.0f, true});
  SpeciationConfig sc;
  sc.excess_coefficient = 1.0;
  sc.disjoint_coefficient = 2.0;
  sc.weight_coefficient = 0.5;
  // Small genomes: N = 1. W = (|1-2| + |1-0|) / 2 = 1.
  CHECK(compatibility_distance(a, b, sc) == doctest::Approx(1.0 * 2 + 2.0 * 4 + 0.5 * 1.0));
  sc.normalize_min_genes = 1;  // N = 6
  CHECK(compatibility_distance(a, b, sc) == doctest::Approx((1.0 * 2 + 2.0 * 4) / 6.0 + 0.5));
}

namespace {
// Relatives of one grown genome: each copy takes a few more rounds of mutation, so pairs share
// genes, differ in some and have different weights, as genomes of one run do.
std::vector<Genome> relatives(const GenomeConfig& gc, uint64_t seed, size_t count) {
  InnovationHistory h;
  const Genome base = testing::grown_genome(gc, seed, 6, h);
  Rng rng(seed ^ 0x9E3779B97F4A7C15ull);
  std::vector<Genome> out;
  for (size_t i = 0; i < count; ++i) {
    Genome g = base;
    const int rounds = int(rng.below(7));
    for (int r = 0; r < rounds; ++r) {
      begin_generation(h);
      PendingIds pending;
      if (rng.chance(0.3)) mutate_add_node(g, gc, rng, pending);
      else mutate_add_connection(g, gc, rng, pending);
      if (rng.chance(0.7)) mutate_parameters(g, gc, rng);
      resolve_pending(g, pending, h);
    }
    out.push_back(std::move(g));
  }
  return out;
}
}  // namespace

TEST_CASE("within_threshold decides exactly as the full distance, early exits included") {
  const uint64_t seed = testing::test_seed();
  MESSAGE("GANGLION_TEST_SEED=" << seed);
  GenomeConfig gc;
  gc.num_inputs = 2;  // what a run takes from its task (XOR)
  gc.num_outputs = 1;
  gc.num_inputs = 3;
  gc.num_outputs = 2;
  gc.weight.mutate_power = 2.5;
  Rng pick(seed + 7);
  size_t pairs = 0, apart = 0, within = 0;
  for (int family = 0; family < 12; ++family) {
    const std::vector<Genome> genomes = relatives(gc, seed + uint64_t(family), 24);
    for (int round = 0; round < 6; ++round) {
      SpeciationConfig sc;
      const double coefficients[] = {0.0, 0.5, 1.0, 2.0};
      sc.excess_coefficient = coefficients[pick.below(4)];
      sc.disjoint_coefficient = coefficients[pick.below(4)];
      const double weight_coefficients[] = {0.0, 0.4, 3.0};
      sc.weight_coefficient = weight_coefficients[pick.below(3)];
      sc.include_node_genes = pick.chance(0.5);
      sc.normalize_min_genes = pick.chance(0.5) ? 20 : 0;
      for (size_t i = 0; i < genomes.size(); ++i)
        for (size_t j = 0; j < genomes.size(); ++j) {
          const DistanceGenome a = distance_genome(genomes[i], sc), b = distance_genome(genomes[j], sc);
          const double d = compatibility_distance(genomes[i], genomes[j], sc);
          // Thresholds at the distance itself and one ulp either side are where a loose exit
          // would show; the others are the usual, far ones.
          for (double t : {d, std::nextafter(d, 0.0), std::nextafter(d, 1e300), 0.5 * d, 2.0 * d, 1.0, 3.0}) {
            if (!(t > 0.0)) continue;
            // With and without the table of limits (the speciation's way and the plain one).
            const DistanceBound bound = distance_bound(sc, t, (i + j) % 2 ? 64 : 0);
            INFO("family " << family << " round " << round << " pair " << i << "," << j << " d " << d << " t " << t);
            const bool expected = d < t;
            CHECK(within_threshold(a, b, sc, bound) == expected);
            if (provably_apart(a, b, bound)) {
              CHECK_FALSE(expected);
              ++apart;
            }
            within += expected;
            ++pairs;
          }
        }
    }
  }
  MESSAGE(pairs << " decisions, " << apart << " by signatures alone, " << within << " within");
  CHECK(apart > pairs / 200);  // the cheap test does decide some
  CHECK(within > pairs / 20);  // and plenty of pairs go all the way through the merge
}

TEST_CASE("screen_apart marks exactly the genomes provably_apart() does not, on every path") {
  // Random sizes and signatures, including the extremes of the 32-bit arithmetic (huge limits,
  // counts near the top), and block lengths that leave a tail after the four-wide steps.
  const uint64_t seed = testing::test_seed();
  MESSAGE("GANGLION_TEST_SEED=" << seed << std::string(screen_apart_has_avx2() ? " (AVX2 path)" : " (scalar path only)"));
  Rng rng(seed + 11);
  std::vector<Genome> owners(1);  // within_threshold is not asked here: one placeholder genome
  size_t marked = 0, total = 0;
  for (int round = 0; round < 400; ++round) {
    SpeciationConfig sc;
    sc.include_node_genes = rng.chance(0.5);
    sc.normalize_min_genes = rng.chance(0.5) ? 20 : 0;
    sc.excess_coefficient = rng.chance(0.2) ? 0.0 : 1.0;  // 0: no exits, every limit UINT32_MAX
    const DistanceBound bound = distance_bound(sc, rng.chance(0.5) ? 3.0 : 0.3 + rng.uniform(), 32);
    auto random_genome = [&]() {
      DistanceGenome d;
      d.genome = &owners[0];
      const bool big = rng.chance(0.05);
      d.connections = big ? uint32_t(rng.below(2000000000ull)) : uint32_t(rng.below(40));
      d.signature = rng.chance(0.5) ? rng.next() : (rng.next() & rng.next() & rng.next());
      const uint32_t bits = uint32_t(__builtin_popcountll(d.signature));
      d.collisions = d.connections > bits ? d.connections - bits : 0;
      d.counted_nodes = sc.include_node_genes ? uint32_t(rng.below(big ? 100000 : 12)) : 0;
      d.genes = d.connections + d.counted_nodes;
      return d;
    };
    DistanceColumns columns;
    const size_t n = 1 + rng.below(64);
    for (size_t k = 0; k < n; ++k) columns.push(random_genome(), bound);
    // A genome close to one of the columns now and then, so that some pass the screen.
    DistanceGenome g = rng.chance(0.5) ? columns.genome[rng.below(n)] : random_genome();
    const uint32_t g_limit = bound.apart_limit(g.genes);
    const size_t begin = rng.below(n), end = begin + rng.below(n - begin + 1);
    uint64_t expected = 0;
    for (size_t k = begin; k < end; ++k)
      if (!provably_apart(columns.genome[k], g, bound)) expected |= uint64_t(1) << (k - begin);
    INFO("round " << round << " columns " << n << " [" << begin << ", " << end << ")");
    CHECK(screen_apart_scalar(columns, begin, end, g, g_limit, sc.include_node_genes) == expected);
    CHECK(screen_apart(columns, begin, end, g, g_limit, sc.include_node_genes) == expected);
    marked += size_t(__builtin_popcountll(expected));
    total += end - begin;
  }
  MESSAGE(marked << " of " << total << " pass the screen");
  CHECK(marked > total / 50);
  CHECK(marked < total);
}
