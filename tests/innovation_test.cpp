// Innovation numbers: shared within a generation, fresh in the next, independent of which thread
// made which child (the resolution pass runs in child order).
#include <doctest/doctest.h>

#include <algorithm>

#include "evolution/innovation.hpp"
#include "evolution/initial_population.hpp"
#include "evolution/mutation.hpp"
#include "tests/evolution_fixtures.hpp"

using namespace ganglion;

namespace {
Genome base_genome(InnovationHistory& h) {
  GenomeConfig gc;
  gc.num_inputs = 2;  // what a run takes from its task (XOR)
  gc.num_outputs = 1;
  reserve_initial_ids(gc, h);
  Rng rng(7);
  return make_initial_genome(gc, 1, rng);
}
// Splits connection `index` of g with pending ids, as a child would.
PendingIds split(Genome& g, size_t index) {
  PendingIds p;
  ConnectionGene& c = g.connections[index];
  c.enabled = false;
  StructuralProposal s;
  s.kind = StructuralProposal::Kind::AddNode;
  s.source = c.source;
  s.target = c.target;
  s.innovation = c.innovation;
  s.node = p.node();
  s.in_innovation = p.innovation();
  s.out_innovation = p.innovation();
  p.proposals.push_back(s);
  NodeGene n;
  n.id = s.node;
  g.nodes.push_back(n);
  const float w = c.weight;
  g.connections.push_back(ConnectionGene{s.in_innovation, s.source, s.node, 1.0f, true});
  g.connections.push_back(ConnectionGene{s.out_innovation, s.node, s.target, w, true});
  return p;
}
}  // namespace

TEST_CASE("the same split in two genomes of one generation gets the same node id and innovations") {
  InnovationHistory h;
  Genome a = base_genome(h), b = base_genome(h);
  begin_generation(h);
  PendingIds pa = split(a, 1), pb = split(b, 1);
  resolve_pending(a, pa, h);
  resolve_pending(b, pb, h);
  CHECK(a.nodes.back().id == b.nodes.back().id);
  CHECK(a.connections == b.connections);
  CHECK(a.nodes.back().id == 4);  // 2 inputs, bias, output: the first new id is 4
  for (const auto& c : a.connections) CHECK(!is_pending_innovation(c.innovation));

  // A different split in the same generation: new ids.
  Genome c = base_genome(h);
  PendingIds pc = split(c, 0);
  resolve_pending(c, pc, h);
  CHECK(c.nodes.back().id == 5);

  // The same split in the next generation: new ids too.
  begin_generation(h);
  Genome d = base_genome(h);
  PendingIds pd = split(d, 1);
  resolve_pending(d, pd, h);
  CHECK(d.nodes.back().id == 6);
}

TEST_CASE("the same new connection in two genomes of one generation gets the same innovation") {
  InnovationHistory h;
  Genome a = base_genome(h);
  begin_generation(h);
  PendingIds pa = split(a, 0);
  resolve_pending(a, pa, h);
  Genome b = a;  // both hold hidden node 4 now; next generation each adds 1 -> 4
  begin_generation(h);
  int64_t ids[2];
  Genome* gs[2] = {&a, &b};
  for (int k = 0; k < 2; ++k) {
    PendingIds p;
    StructuralProposal s;
    s.kind = StructuralProposal::Kind::AddConnection;
    s.source = 1;
    s.target = 4;
    s.innovation = p.innovation();
    p.proposals.push_back(s);
    gs[k]->connections.push_back(ConnectionGene{s.innovation, 1, 4, 0.5f, true});
    resolve_pending(*gs[k], p, h);
    ids[k] = gs[k]->connections.back().innovation;
  }
  CHECK(ids[0] == ids[1]);
  CHECK(a.connections.back().source == 1);
}

TEST_CASE("splitting one connection twice in one child gives two distinct nodes") {
  InnovationHistory h;
  Genome a = base_genome(h);
  a.connections.resize(1);  // only 0 -> 3 (innovation 0)
  GenomeConfig gc;
  gc.num_inputs = 2;  // what a run takes from its task (XOR)
  gc.num_outputs = 1;
  Rng rng(3);
  begin_generation(h);
  PendingIds p;
  REQUIRE(mutate_add_node(a, gc, rng, p));
  for (auto& c : a.connections) c.enabled = c.innovation == 0;  // re-enable the split one only
  REQUIRE(mutate_add_node(a, gc, rng, p));
  resolve_pending(a, p, h);
  std::vector<int32_t> ids;
  for (const auto& n : a.nodes) ids.push_back(n.id);
  CHECK(ids == std::vector<int32_t>{0, 1, 2, 3, 4, 5});
  CHECK(a.connections.size() == 5);
  validate_genome(a, "test");
}

TEST_CASE("mutations then resolution give a valid genome with no pending ids") {
  const uint64_t seed = testing::test_seed();
  MESSAGE("GANGLION_TEST_SEED=" << seed);
  InnovationHistory h;
  GenomeConfig gc;
  gc.num_inputs = 2;  // what a run takes from its task (XOR)
  gc.num_outputs = 1;
  Genome g = testing::grown_genome(gc, seed, 40, h);
  validate_genome(g, "grown");
  for (const auto& n : g.nodes) CHECK(!is_pending_node(n.id));
  for (const auto& c : g.connections) CHECK(!is_pending_innovation(c.innovation));
  CHECK(std::is_sorted(g.connections.begin(), g.connections.end(),
                       [](const auto& x, const auto& y) { return x.innovation < y.innovation; }));
}
