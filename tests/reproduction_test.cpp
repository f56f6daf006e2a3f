// Reproduction: offspring allocation sums to the population size, children are valid, the next
// generation is identical for 1 and 4 threads, stagnant species go, champions are copied.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <numeric>
#include <set>

#include "core/network/compiler.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/rng.hpp"
#include "evolution/reproduction.hpp"
#include "tests/evolution_fixtures.hpp"

using namespace ganglion;

namespace {
// A population with made-up fitness: bigger genomes score higher, so structure accumulates.
EvolutionState evaluated(const Config& c, ThreadPool& pool) {
  EvolutionState st;
  st.compatibility_threshold = c.speciation.compatibility_threshold;
  initialise_population(st, c, pool);
  return st;
}
void fake_evaluate(EvolutionState& st, const Config& c) {
  for (auto& g : st.genomes) {
    double w = 0;
    for (const auto& x : g.connections) w += x.weight;
    g.fitness = double(g.connections.size()) + 0.1 * w;
    g.evaluated = true;
  }
  update_species_fitness(st, c);
}
std::string dump(const EvolutionState& st) {
  std::string s;
  for (const auto& g : st.genomes) s += genome_to_json(g, -1) + "\n";
  for (const auto& sp : st.species) {
    s += std::to_string(sp.id) + ":";
    for (auto m : sp.members) s += " " + std::to_string(m);
    s += "\n";
  }
  return s;
}
}  // namespace

TEST_CASE("allocate_offspring sums to the total and follows the shares") {
  auto a = allocate_offspring({1.0, 1.0, 2.0}, 150, 2);
  CHECK(std::accumulate(a.begin(), a.end(), 0u) == 150);
  CHECK(a[2] > a[0]);
  auto z = allocate_offspring({0.0, 0.0, 0.0}, 10, 2);
  CHECK(std::accumulate(z.begin(), z.end(), 0u) == 10);
  auto m = allocate_offspring({0.0, 100.0}, 20, 2);
  CHECK(m[0] == 2);
  CHECK(m[1] == 18);
  auto tiny = allocate_offspring(std::vector<double>(10, 1.0), 5, 2);  // more species than children
  CHECK(std::accumulate(tiny.begin(), tiny.end(), 0u) == 5);
}

TEST_CASE("reproduction is identical on 1 and 4 threads and keeps the population valid") {
  const uint64_t seed = testing::test_seed();
  MESSAGE("GANGLION_TEST_SEED=" << seed);
  Config c = testing::xor_config(seed);
  c.genome.node_add_prob = 0.2;
  c.genome.conn_add_prob = 0.3;
  c.reproduction.interspecies_rate = 0.05;
  c.genome.num_inputs = 4;
  ThreadPool one(1), four(4);
  EvolutionState a = evaluated(c, one), b = a;
  for (int gen = 0; gen < 15; ++gen) {
    fake_evaluate(a, c);
    fake_evaluate(b, c);
    reproduce(a, c, one);
    reproduce(b, c, four);
    REQUIRE(dump(a) == dump(b));
    CHECK(a.genomes.size() == c.population_size);
    std::set<uint64_t> ids;
    for (const auto& g : a.genomes) {
      validate_genome(g, "child");
      CHECK_NOTHROW(compile(g, CompileOptions{true}));
      CHECK(ids.insert(g.id).second);
    }
  }
  CHECK(a.generation == 15);
  CHECK(a.innovations.next_node_id > 7);
}

TEST_CASE("parallel_sort gives std::sort's order for a total order, any part count") {
  const uint64_t seed = testing::test_seed();
  MESSAGE("GANGLION_TEST_SEED=" << seed);
  Rng rng(seed);
  ThreadPool three(3), eight(8);
  for (size_t n : {size_t(0), size_t(1), size_t(4095), size_t(8192), size_t(12289), size_t(40001)}) {
    std::vector<std::pair<uint32_t, uint32_t>> v(n);  // many equal firsts, unique seconds
    for (size_t i = 0; i < n; ++i) v[i] = {uint32_t(rng.below(50)), uint32_t(i)};
    for (size_t i = n; i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
    auto expected = v;
    std::sort(expected.begin(), expected.end());
    for (ThreadPool* pool : {&three, &eight})
      for (size_t min_part : {size_t(1000), size_t(4096)}) {
        auto got = v;
        parallel_sort(*pool, got, std::less<>(), min_part);
        INFO("n " << n << " threads " << pool->size() << " min_part " << min_part);
        CHECK(got == expected);
      }
  }
}

TEST_CASE("a species too large for one thread is ranked in parallel, with the same next generation") {
  // The first generation is one species of every genome, far above the parallel ranking's size.
  const uint64_t seed = testing::test_seed();
  MESSAGE("GANGLION_TEST_SEED=" << seed);
  Config c = testing::xor_config(seed);
  c.population_size = 40000;
  ThreadPool one(1), four(4);
  EvolutionState a = evaluated(c, one), b = a;
  REQUIRE(a.species.size() == 1);
  for (int gen = 0; gen < 2; ++gen) {
    fake_evaluate(a, c);
    fake_evaluate(b, c);
    reproduce(a, c, one);
    reproduce(b, c, four);
    REQUIRE(dump(a) == dump(b));
  }
}

TEST_CASE("species champions of species above the minimum size are copied unchanged") {
  Config c = testing::xor_config(3);
  ThreadPool pool(2);
  EvolutionState st = evaluated(c, pool);
  fake_evaluate(st, c);
  std::vector<Genome> champions;
  for (const auto& s : st.species) {
    if (s.members.size() <= c.reproduction.species_elitism_min_size) continue;
    uint32_t best = s.members[0];
    for (uint32_t m : s.members)
      if (st.genomes[m].fitness > st.genomes[best].fitness ||
          (st.genomes[m].fitness == st.genomes[best].fitness && st.genomes[m].id < st.genomes[best].id))
        best = m;
    champions.push_back(st.genomes[best]);
  }
  REQUIRE(!champions.empty());
  reproduce(st, c, pool);
  for (const auto& champ : champions) {
    bool found = false;
    for (const auto& g : st.genomes) found = found || g == champ;
    CHECK(found);
  }
}

TEST_CASE("stagnant species are removed, except the best species_elitism ones") {
  Config c = testing::xor_config(4);
  c.stagnation.max_stagnation = 3;
  c.stagnation.species_elitism = 1;
  c.speciation.compatibility_threshold = 0.5;  // many species
  ThreadPool pool(1);
  EvolutionState st = evaluated(c, pool);
  REQUIRE(st.species.size() > 2);
  for (auto& g : st.genomes) g.fitness = 1.0;
  update_species_fitness(st, c);
  for (auto& s : st.species) s.last_improved = 0;
  st.generation = 3;  // every species has stagnated for 3 generations
  reproduce(st, c, pool);
  // Only the species kept for elitism survives (new ones may be founded by its children).
  CHECK(st.genomes.size() == c.population_size);
  size_t old = 0;
  for (const auto& s : st.species) old += s.created == 0;
  CHECK(old <= 1);
}

TEST_CASE("extinction restarts or stops with a message, as configured") {
  Config c = testing::xor_config(5);
  c.stagnation.max_stagnation = 1;
  c.stagnation.species_elitism = 0;
  ThreadPool pool(1);
  EvolutionState st = evaluated(c, pool);
  fake_evaluate(st, c);
  st.generation = 5;
  EvolutionState copy = st;
  CHECK(reproduce(st, c, pool));
  CHECK(st.restarts == 1);
  CHECK(st.genomes.size() == c.population_size);
  c.reproduction.reset_on_extinction = false;
  CHECK_THROWS_WITH_AS(reproduce(copy, c, pool), doctest::Contains("reset_on_extinction"), Error);
}
