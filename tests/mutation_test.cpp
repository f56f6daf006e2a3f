// Mutation operators: add node keeps the network's function (identity activations), add
// connection never duplicates or (feed-forward) closes a cycle, deletions keep the genome valid,
// attributes stay inside their bounds.
#include <doctest/doctest.h>

#include <cmath>
#include <set>

#include "core/network/compiler.hpp"
#include "core/network/cpu_evaluator.hpp"
#include "core/network/layout.hpp"
#include "evolution/mutation.hpp"
#include "tests/evolution_fixtures.hpp"

using namespace ganglion;

namespace {
std::vector<double> outputs_of(const Genome& g, const std::vector<double>& rows, uint32_t inputs) {
  PopulationLayout layout = compile_population({g}, CompileOptions{}, 1);
  CpuEvaluator ev(1);
  ev.load(layout);
  const size_t n = rows.size() / inputs;
  std::vector<double> out(n * layout.num_outputs);
  ev.activate_double(rows.data(), n, InputMode::Shared, out.data());
  return out;
}
}  // namespace

TEST_CASE("add node keeps the function of an identity network at the moment of the split") {
  const uint64_t seed = testing::test_seed();
  MESSAGE("GANGLION_TEST_SEED=" << seed);
  GenomeConfig gc;
  gc.num_inputs = 2;  // what a run takes from its task (XOR)
  gc.num_outputs = 1;
  gc.num_inputs = 3;
  gc.num_outputs = 2;
  gc.activation_default = Activation::Identity;
  gc.bias.init_stdev = 0.0;
  gc.response.init_stdev = 0.0;
  InnovationHistory h;
  Genome g = testing::grown_genome(gc, seed, 30, h);
  Rng rng(seed ^ 0x55);
  const std::vector<double> rows = {0.5, -1.0, 2.0, 1.5, 0.25, -0.75, 0.0, 0.0, 1.0};
  for (int k = 0; k < 20; ++k) {
    auto before = outputs_of(g, rows, 3);
    begin_generation(h);
    PendingIds p;
    REQUIRE(mutate_add_node(g, gc, rng, p));
    resolve_pending(g, p, h);
    auto after = outputs_of(g, rows, 3);
    REQUIRE(before.size() == after.size());
    for (size_t i = 0; i < before.size(); ++i) CHECK(after[i] == doctest::Approx(before[i]).epsilon(1e-9));
  }
}

TEST_CASE("add connection: no duplicates, no cycles when feed-forward, recurrent allowed otherwise") {
  const uint64_t seed = testing::test_seed();
  MESSAGE("GANGLION_TEST_SEED=" << seed);
  for (bool ff : {true, false}) {
    GenomeConfig gc;
    gc.num_inputs = 2;  // what a run takes from its task (XOR)
    gc.num_outputs = 1;
    gc.feed_forward = ff;
    InnovationHistory h;
    Genome g = testing::grown_genome(gc, seed, 10, h);
    Rng rng(seed + 1);
    for (int k = 0; k < 60; ++k) {
      begin_generation(h);
      PendingIds p;
      if (k % 3 == 0) mutate_add_node(g, gc, rng, p);
      else mutate_add_connection(g, gc, rng, p);
      resolve_pending(g, p, h);
    }
    std::set<std::pair<int32_t, int32_t>> pairs;
    for (const auto& c : g.connections) CHECK(pairs.insert({c.source, c.target}).second);
    validate_genome(g, "grown");
    if (ff) {
      CHECK_NOTHROW(compile(g, CompileOptions{true}));
      for (const auto& c : g.connections) {
        Genome without = g;
        without.connections.erase(std::find(without.connections.begin(), without.connections.end(), c));
        CHECK(!creates_cycle(without, c.source, c.target));
      }
    }
  }
}

TEST_CASE("creates_cycle") {
  Genome g;
  for (int i = 0; i < 4; ++i) g.nodes.push_back(NodeGene{i, NodeKind::Hidden});
  g.connections = {{0, 0, 1, 1.f, true}, {1, 1, 2, 1.f, false}};
  CHECK(creates_cycle(g, 2, 0));  // through a disabled connection too
  CHECK(creates_cycle(g, 3, 3));
  CHECK(!creates_cycle(g, 0, 2));
  CHECK(!creates_cycle(g, 3, 0));
}

TEST_CASE("delete node removes its connections; delete connection removes one") {
  GenomeConfig gc;
  gc.num_inputs = 2;  // what a run takes from its task (XOR)
  gc.num_outputs = 1;
  InnovationHistory h;
  Genome g = testing::grown_genome(gc, 99, 20, h);
  Rng rng(5);
  const size_t hidden = g.count(NodeKind::Hidden);
  REQUIRE(hidden > 0);
  CHECK(mutate_delete_node(g, rng));
  CHECK(g.count(NodeKind::Hidden) == hidden - 1);
  validate_genome(g, "after delete node");
  const size_t conns = g.connections.size();
  CHECK(mutate_delete_connection(g, rng));
  CHECK(g.connections.size() == conns - 1);
}

TEST_CASE("weight mutation respects bounds and rates") {
  const uint64_t seed = testing::test_seed();
  MESSAGE("GANGLION_TEST_SEED=" << seed);
  GenomeConfig gc;
  gc.num_inputs = 2;  // what a run takes from its task (XOR)
  gc.num_outputs = 1;
  gc.weight.min_value = -1.0;
  gc.weight.max_value = 1.0;
  gc.weight.mutate_power = 5.0;
  gc.num_inputs = 20;
  InnovationHistory h;
  Rng rng(seed);
  reserve_initial_ids(gc, h);
  Genome g = make_initial_genome(gc, 0, rng);
  for (int k = 0; k < 50; ++k) mutate_parameters(g, gc, rng);
  for (const auto& c : g.connections) {
    CHECK(c.weight >= -1.0f);
    CHECK(c.weight <= 1.0f);
  }
  // weight_mutate_genome_rate 0 leaves the weights alone.
  gc.weight_mutate_genome_rate = 0.0;
  Genome copy = g;
  mutate_parameters(g, gc, rng);
  CHECK(g == copy);
}

TEST_CASE("single structural mutation makes at most one") {
  GenomeConfig gc;
  gc.num_inputs = 2;  // what a run takes from its task (XOR)
  gc.num_outputs = 1;
  gc.single_structural_mutation = true;
  gc.node_add_prob = 0.5;
  gc.conn_add_prob = 0.5;
  InnovationHistory h;
  Rng rng(11);
  reserve_initial_ids(gc, h);
  for (int k = 0; k < 50; ++k) {
    Genome g = testing::grown_genome(gc, 1000 + k, 3, h);
    PendingIds p;
    mutate(g, gc, rng, p);
    CHECK(p.proposals.size() <= 1);
  }
}
