// Compatibility distance: zero for a genome and itself, symmetric, and the paper's formula on a
// hand-made example.
#include <doctest/doctest.h>

#include "evolution/distance.hpp"
#include "tests/evolution_fixtures.hpp"

using namespace ganglion;

TEST_CASE("distance is zero to itself and symmetric") {
  const uint64_t seed = testing::test_seed();
  MESSAGE("GANGLION_TEST_SEED=" << seed);
  GenomeConfig gc;
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
