// Crossover: identical parents give the parent; genes align by innovation; disjoint and excess
// genes come from the fitter parent (from both when equal, without duplicates or cycles).
#include <doctest/doctest.h>

#include <set>

#include "core/network/compiler.hpp"
#include "evolution/crossover.hpp"
#include "tests/evolution_fixtures.hpp"

using namespace ganglion;

TEST_CASE("crossover of identical parents gives the parent") {
  const uint64_t seed = testing::test_seed();
  MESSAGE("GANGLION_TEST_SEED=" << seed);
  GenomeConfig gc;
  gc.num_inputs = 2;  // what a run takes from its task (XOR)
  gc.num_outputs = 1;
  InnovationHistory h;
  Genome p = testing::grown_genome(gc, seed, 25, h, 42);
  Rng rng(seed);
  for (bool equal : {true, false}) {
    // A gene disabled in both parents stays disabled with probability 1 here.
    Genome child = crossover(p, p, equal, 1.0, true, rng, 42);
    CHECK(child == p);
  }
}

TEST_CASE("unequal parents: the child's genes are exactly the fitter parent's innovations") {
  const uint64_t seed = testing::test_seed();
  MESSAGE("GANGLION_TEST_SEED=" << seed);
  GenomeConfig gc;
  gc.num_inputs = 2;  // what a run takes from its task (XOR)
  gc.num_outputs = 1;
  InnovationHistory h;
  Genome a = testing::grown_genome(gc, seed, 20, h, 1);
  Genome b = testing::grown_genome(gc, seed + 1, 20, h, 2);
  Rng rng(seed);
  Genome child = crossover(a, b, false, 0.75, true, rng, 3);
  REQUIRE(child.connections.size() == a.connections.size());
  for (size_t i = 0; i < a.connections.size(); ++i) {
    CHECK(child.connections[i].innovation == a.connections[i].innovation);
    CHECK(child.connections[i].source == a.connections[i].source);
  }
  CHECK(child.nodes.size() == a.nodes.size());
  validate_genome(child, "child");
}

TEST_CASE("equal parents: union of genes without duplicate pairs or cycles") {
  const uint64_t seed = testing::test_seed();
  MESSAGE("GANGLION_TEST_SEED=" << seed);
  GenomeConfig gc;
  gc.num_inputs = 2;  // what a run takes from its task (XOR)
  gc.num_outputs = 1;
  for (int k = 0; k < 20; ++k) {
    InnovationHistory h;
    Genome a = testing::grown_genome(gc, seed + 2 * k, 15, h, 1);
    Genome b = testing::grown_genome(gc, seed + 2 * k + 1, 15, h, 2);
    Rng rng(seed + k);
    Genome child = crossover(a, b, true, 0.75, true, rng, 3);
    validate_genome(child, "child");
    CHECK_NOTHROW(compile(child, CompileOptions{true}));
    std::set<std::pair<int32_t, int32_t>> pairs;
    for (const auto& c : child.connections) CHECK(pairs.insert({c.source, c.target}).second);
    std::set<int64_t> parent_innovations;
    for (const auto& c : a.connections) parent_innovations.insert(c.innovation);
    for (const auto& c : b.connections) parent_innovations.insert(c.innovation);
    for (const auto& c : child.connections) CHECK(parent_innovations.count(c.innovation) == 1);
    CHECK(child.connections.size() >= a.connections.size());
  }
}

TEST_CASE("a gene disabled in one parent is disabled in about 75% of children") {
  Genome a, b;
  a.nodes = {NodeGene{0, NodeKind::Input}, NodeGene{1, NodeKind::Output}};
  b.nodes = a.nodes;
  a.connections = {{0, 0, 1, 1.0f, true}};
  b.connections = {{0, 0, 1, 2.0f, false}};
  Rng rng(123);
  int disabled = 0, from_a = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    Genome c = crossover(a, b, false, 0.75, true, rng, 9);
    disabled += !c.connections[0].enabled;
    from_a += c.connections[0].weight == 1.0f;
  }
  CHECK(double(disabled) / n == doctest::Approx(0.75).epsilon(0.03));
  CHECK(double(from_a) / n == doctest::Approx(0.5).epsilon(0.05));
}
