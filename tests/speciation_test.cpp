// Speciation: every genome in exactly one species, within threshold of its representative when it
// joined an existing one; the same result on 1 and 4 threads; the dynamic threshold moves.
#include <doctest/doctest.h>

#include "evolution/distance.hpp"
#include "evolution/speciation.hpp"
#include "tests/evolution_fixtures.hpp"

using namespace ganglion;

namespace {
EvolutionState population(const Config& c, uint64_t seed, size_t n) {
  EvolutionState st;
  st.compatibility_threshold = c.speciation.compatibility_threshold;
  for (size_t i = 0; i < n; ++i)
    st.genomes.push_back(testing::grown_genome(c.genome, seed + i, int(i % 12), st.innovations, i));
  return st;
}
}  // namespace

TEST_CASE("every genome lands in exactly one species; identical genomes in one") {
  const uint64_t seed = testing::test_seed();
  MESSAGE("GANGLION_TEST_SEED=" << seed);
  Config c = testing::xor_config();
  c.speciation.compatibility_threshold = 1.0;
  EvolutionState st = population(c, seed, 120);
  ThreadPool pool(2);
  speciate(st, c, pool);
  std::vector<int> seen(st.genomes.size(), 0);
  for (const auto& s : st.species)
    for (uint32_t m : s.members) seen[m]++;
  for (int v : seen) CHECK(v == 1);
  CHECK(st.species.size() > 1);
  for (size_t k = 1; k < st.species.size(); ++k) CHECK(st.species[k - 1].id < st.species[k].id);

  EvolutionState same;
  same.compatibility_threshold = 3.0;
  same.genomes.assign(10, st.genomes[0]);
  speciate(same, c, pool);
  CHECK(same.species.size() == 1);
  CHECK(same.species[0].members.size() == 10);
}

TEST_CASE("speciation is identical on 1 and 4 threads") {
  const uint64_t seed = testing::test_seed();
  MESSAGE("GANGLION_TEST_SEED=" << seed);
  Config c = testing::xor_config(seed);
  c.speciation.compatibility_threshold = 0.8;
  EvolutionState a = population(c, seed, 300), b = a;
  ThreadPool one(1), four(4);
  speciate(a, c, one);
  speciate(b, c, four);
  REQUIRE(a.species.size() == b.species.size());
  for (size_t k = 0; k < a.species.size(); ++k) {
    CHECK(a.species[k].id == b.species[k].id);
    CHECK(a.species[k].members == b.species[k].members);
  }
  // Second round against the representatives chosen from the first.
  choose_representatives(a, c);
  choose_representatives(b, c);
  speciate(a, c, one);
  speciate(b, c, four);
  REQUIRE(a.species.size() == b.species.size());
  for (size_t k = 0; k < a.species.size(); ++k) CHECK(a.species[k].members == b.species[k].members);
}

TEST_CASE("speciation equals the plain sequential algorithm on the full distance") {
  // The definition, written out: in population order, each genome joins the first species (those
  // of before in id order, then the ones founded now) whose representative is within the
  // threshold by compatibility_distance, else founds one. The library's chunked, parallel,
  // early-exit version must give the same members.
  const uint64_t seed = testing::test_seed();
  MESSAGE("GANGLION_TEST_SEED=" << seed);
  for (double threshold : {0.6, 1.5, 3.0}) {
    Config c = testing::xor_config(seed);
    c.speciation.compatibility_threshold = threshold;
    c.speciation.include_node_genes = threshold > 1.0;
    EvolutionState st = population(c, seed, 400);
    ThreadPool pool(3);
    speciate(st, c, pool);  // species to start the second round from
    choose_representatives(st, c);
    std::vector<const Genome*> reps;
    for (const auto& s : st.species) reps.push_back(&s.representative);
    const size_t before = st.species.size();
    std::vector<std::vector<uint32_t>> expected(reps.size());
    for (size_t i = 0; i < st.genomes.size(); ++i) {
      size_t k = 0;
      while (k < reps.size() && !(compatibility_distance(*reps[k], st.genomes[i], c.speciation) < threshold)) ++k;
      if (k == reps.size()) {
        reps.push_back(&st.genomes[i]);
        expected.emplace_back();
      }
      expected[k].push_back(uint32_t(i));
    }
    std::vector<std::vector<uint32_t>> nonempty;
    for (auto& e : expected)
      if (!e.empty()) nonempty.push_back(e);
    speciate(st, c, pool);
    INFO("threshold " << threshold << ", " << before << " species before");
    REQUIRE(st.species.size() == nonempty.size());
    for (size_t k = 0; k < nonempty.size(); ++k) CHECK(st.species[k].members == nonempty[k]);
  }
}

TEST_CASE("the dynamic threshold steps towards the target species count") {
  Config c = testing::xor_config();
  c.speciation.dynamic_threshold = true;
  c.speciation.target_species = 50;
  c.speciation.threshold_step = 0.25;
  EvolutionState st = population(c, 5, 40);
  ThreadPool pool(1);
  const double before = st.compatibility_threshold;
  speciate(st, c, pool);
  CHECK(st.compatibility_threshold == doctest::Approx(before - 0.25));
}
