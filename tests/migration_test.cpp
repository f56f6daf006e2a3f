// Migration between islands (evolution/migration.hpp, distributed/island_exchange.hpp's plain
// parts): which genomes leave, how an immigrant is renumbered into its new island (the same
// network, fresh hidden ids and innovation numbers), which children it replaces, and where each
// island sends.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "evolution/migration.hpp"
#include "evolution/reproduction.hpp"
#include "tests/evolution_fixtures.hpp"
#include "tests/random_genome.hpp"
#include "tests/reference_network.hpp"

using namespace ganglion;

TEST_CASE("best_genomes: the best first, ties by the lower id, minimising too") {
  Config c = testing::xor_config(1);
  EvolutionState st;
  for (uint64_t id : {5, 3, 9, 4}) {
    Genome g;
    g.id = id;
    st.genomes.push_back(g);
  }
  st.genomes[0].fitness = 2.0;
  st.genomes[1].fitness = 7.0;
  st.genomes[2].fitness = 2.0;
  st.genomes[3].fitness = 1.0;
  CHECK(best_genomes(st, c, 3) == std::vector<uint32_t>{1, 0, 2});
  CHECK(best_genomes(st, c, 10).size() == 4);
  c.run.fitness_criterion = FitnessCriterion::Min;
  CHECK(best_genomes(st, c, 2) == std::vector<uint32_t>{3, 0});
}

TEST_CASE("an immigrant keeps its network, gets fresh ids from the new island, and its genes stay sorted") {
  const uint64_t seed = testing::test_seed();
  MESSAGE("GANGLION_TEST_SEED=" << seed);
  Config c = testing::xor_config(seed);
  InnovationHistory there;
  const Genome sent = testing::grown_genome(c.genome, seed, 12, there);
  REQUIRE(sent.count(NodeKind::Hidden) > 0);
  InnovationHistory here;
  here.next_node_id = 1000;
  here.next_innovation = 5000;
  const Genome got = naturalise(sent, here);
  CHECK(here.next_node_id == 1000 + int32_t(sent.count(NodeKind::Hidden)));
  CHECK(here.next_innovation == 5000 + int64_t(sent.connections.size()));
  REQUIRE(got.nodes.size() == sent.nodes.size());
  REQUIRE(got.connections.size() == sent.connections.size());
  for (size_t i = 0; i < got.nodes.size(); ++i) {
    CHECK(got.nodes[i].kind == sent.nodes[i].kind);
    CHECK(got.nodes[i].bias == sent.nodes[i].bias);
    if (sent.nodes[i].kind != NodeKind::Hidden) CHECK(got.nodes[i].id == sent.nodes[i].id);
    else CHECK(got.nodes[i].id >= 1000);
  }
  for (size_t i = 0; i < got.connections.size(); ++i) {
    CHECK(got.connections[i].innovation == 5000 + int64_t(i));
    CHECK(got.connections[i].weight == sent.connections[i].weight);
    CHECK(got.connections[i].enabled == sent.connections[i].enabled);
  }
  CHECK_NOTHROW(validate_genome(got, "immigrant"));
  // The same outputs, bit for bit, on random inputs.
  testing::ReferenceNetwork a(sent), b(got);
  Rng rng(seed);
  for (int k = 0; k < 20; ++k) {
    std::vector<double> in(c.genome.num_inputs);
    for (double& v : in) v = rng.uniform() * 2.0 - 1.0;
    CHECK(a.step(in) == b.step(in));
  }
}

TEST_CASE("take_in replaces the last children that are not elite copies, keeping their ids") {
  Config c = testing::xor_config(3);
  InnovationHistory history;
  std::vector<Genome> children;
  for (uint64_t i = 0; i < 6; ++i) children.push_back(testing::grown_genome(c.genome, 10 + i, 3, history, 100 + i));
  const std::vector<uint8_t> elite = {1, 0, 0, 1, 0, 1};  // children 5 and 3 are copies
  std::vector<Genome> immigrants = {testing::grown_genome(c.genome, 50, 5, history, 7),
                                    testing::grown_genome(c.genome, 51, 5, history, 8)};
  const std::vector<Genome> before = children;
  const auto places = take_in(children, elite, immigrants, history);
  CHECK(places == std::vector<uint32_t>{4, 2});
  CHECK(children[4].id == 104);
  CHECK(children[2].id == 102);
  CHECK(!children[4].evaluated);
  CHECK(children[4].connections.size() == immigrants[0].connections.size());
  CHECK(children[2].connections.size() == immigrants[1].connections.size());
  for (size_t i : {0, 1, 3, 5}) CHECK(children[i] == before[i]);
  // More immigrants than places: only the first ones are taken.
  std::vector<Genome> many(8, immigrants[0]);
  auto copy = before;
  CHECK(take_in(copy, elite, many, history).size() == 3);
}

TEST_CASE("reproduce's children hook sees the parents and the elite copies, and its changes are speciated") {
  const uint64_t seed = testing::test_seed();
  Config c = testing::xor_config(seed);
  ThreadPool pool(2);
  EvolutionState st;
  st.compatibility_threshold = c.speciation.compatibility_threshold;
  initialise_population(st, c, pool);
  for (auto& g : st.genomes) {
    g.fitness = double(g.id % 7);
    g.evaluated = true;
  }
  update_species_fitness(st, c);
  Genome stranger = testing::grown_genome(c.genome, seed + 1, 20, st.innovations, 0);
  uint32_t parents = 0, elites = 0;
  ChildrenHook hook = [&](EvolutionState& s, std::vector<Genome>& children, const std::vector<uint8_t>& elite) {
    parents = uint32_t(std::count_if(s.genomes.begin(), s.genomes.end(), [](const Genome& g) { return g.evaluated; }));
    elites = uint32_t(std::count(elite.begin(), elite.end(), uint8_t(1)));
    take_in(children, elite, {stranger}, s.innovations);
  };
  reproduce(st, c, pool, nullptr, &hook);
  CHECK(parents == c.population_size);
  CHECK(elites > 0);
  uint32_t members = 0;
  for (const auto& sp : st.species) members += uint32_t(sp.members.size());
  CHECK(members == c.population_size);
  CHECK(st.genomes.back().connections.size() == stranger.connections.size());
}

TEST_CASE("migration destinations: a ring, or a derangement drawn from the seed and the generation") {
  CHECK(migration_destinations(IslandTopology::Ring, 1, 0, 3) == std::vector<int>{1, 2, 0});
  CHECK(migration_destinations(IslandTopology::Ring, 1, 0, 1) == std::vector<int>{0});
  bool varies = false;
  for (int k = 2; k <= 8; ++k)
    for (uint32_t g = 0; g < 30; ++g) {
      const auto d = migration_destinations(IslandTopology::Random, 42, g, k);
      CHECK(d == migration_destinations(IslandTopology::Random, 42, g, k));
      std::set<int> to(d.begin(), d.end());
      CHECK(to.size() == size_t(k));
      for (int r = 0; r < k; ++r) CHECK(d[size_t(r)] != r);
      varies = varies || d != migration_destinations(IslandTopology::Random, 42, g + 1, k);
    }
  CHECK(varies);
  DistributedConfig dc;
  dc.interval = 5;
  dc.migrants = 2;
  CHECK(!migrates_after(dc, 3, 4));
  CHECK(migrates_after(dc, 4, 4));
  CHECK(!migrates_after(dc, 4, 1));
  dc.migrants = 0;
  CHECK(!migrates_after(dc, 4, 4));
  CHECK(island_seed(7, 0) == 7);
  CHECK(island_seed(7, 1) != island_seed(7, 2));
}
