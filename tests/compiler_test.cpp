// The network compiler: hand-built corner cases (pruning, unreachable outputs, ordering, cycles,
// bad genomes) and property tests over thousands of random genomes: the CSR holds exactly the
// enabled useful connections, recurrent exactly where the reference DFS says, every node's level
// is 1 + the highest level of its feed-forward sources, and the local numbering follows the rules.
#include <doctest/doctest.h>

#include <algorithm>
#include <climits>
#include <map>
#include <tuple>

#include "core/network/compiler.hpp"
#include "core/error.hpp"
#include "tests/random_genome.hpp"
#include "tests/reference_network.hpp"

using namespace ganglion;
using namespace ganglion::testing;

namespace {

NodeGene node(int32_t id, NodeKind kind, Activation a = Activation::Identity, float bias = 0.0f) {
  NodeGene n;
  n.id = id;
  n.kind = kind;
  n.activation = a;
  n.bias = bias;
  return n;
}

ConnectionGene edge(int64_t innovation, int32_t s, int32_t t, float w = 1.0f, bool enabled = true) {
  ConnectionGene c;
  c.innovation = innovation;
  c.source = s;
  c.target = t;
  c.weight = w;
  c.enabled = enabled;
  return c;
}

uint32_t level_of(const CompiledNetwork& net, uint32_t j) {
  auto it = std::upper_bound(net.level_start.begin(), net.level_start.end(), j);
  return uint32_t(it - net.level_start.begin()) - 1;
}

std::string error_of(const Genome& g, bool feed_forward = true) {
  CompileOptions o;
  o.feed_forward = feed_forward;
  try {
    compile(g, o);
  } catch (const GenomeError& e) {
    return e.what();
  }
  return "";
}

// Checks every structural property of `net` against the genome and the reference; returns the
// through doctest.
void check_structure(const Genome& g, const CompiledNetwork& net, bool feed_forward) {
  INFO("genome " << g.id);
  ReferenceNetwork ref(g, feed_forward);
  // Numbering: inputs by id, then bias by id, then (level, gene id).
  std::vector<int32_t> inputs, bias, outputs;
  for (const auto& n : g.nodes) {
    if (n.kind == NodeKind::Input) inputs.push_back(n.id);
    if (n.kind == NodeKind::Bias) bias.push_back(n.id);
    if (n.kind == NodeKind::Output) outputs.push_back(n.id);
  }
  REQUIRE(net.num_inputs == inputs.size());
  REQUIRE(net.num_bias == bias.size());
  REQUIRE(net.num_outputs == outputs.size());
  REQUIRE(net.gene_id.size() == net.num_nodes);
  REQUIRE(net.row_offset.size() == net.num_nodes + 1);
  REQUIRE(net.rec_row_offset.size() == net.num_nodes + 1);
  REQUIRE(net.level_start.size() >= 2);
  CHECK(net.level_start.front() == 0);
  CHECK(net.level_start[1] == net.num_inputs + net.num_bias);
  CHECK(net.level_start.back() == net.num_nodes);
  for (size_t k = 1; k + 1 < net.level_start.size(); ++k) CHECK(net.level_start[k] < net.level_start[k + 1]);
  for (uint32_t i = 0; i < net.num_inputs; ++i) CHECK(net.gene_id[i] == inputs[i]);
  for (uint32_t i = 0; i < net.num_bias; ++i) CHECK(net.gene_id[net.num_inputs + i] == bias[i]);
  for (uint32_t j = net.level_start[1]; j + 1 < net.num_nodes; ++j) {
    auto a = std::make_pair(level_of(net, j), net.gene_id[j]);
    auto b = std::make_pair(level_of(net, j + 1), net.gene_id[j + 1]);
    CHECK(a < b);
  }
  for (uint32_t k = 0; k < net.num_outputs; ++k) CHECK(net.gene_id[net.output_node[k]] == outputs[k]);
  // Kept nodes: inputs, bias, and the useful nodes.
  size_t useful_non_input = 0;
  for (const auto& n : g.nodes)
    if (n.kind != NodeKind::Input && n.kind != NodeKind::Bias && ref.useful(n.id)) ++useful_non_input;
  CHECK(net.num_nodes == inputs.size() + bias.size() + useful_non_input);
  // Node genes copied.
  for (uint32_t j = 0; j < net.num_nodes; ++j) {
    const NodeGene* gene = g.find_node(net.gene_id[j]);
    REQUIRE(gene != nullptr);
    CHECK(net.activation[j] == gene->activation);
    CHECK(net.aggregation[j] == gene->aggregation);
    CHECK(net.bias[j] == gene->bias);
    CHECK(net.response[j] == gene->response);
  }
  // Edges: the CSR (ff + rec) is exactly the reference's useful enabled edges, with the same
  // recurrent flags; rows are sorted by (source, innovation order), which for equal sources shows as
  // the reference's innovation order of the weights.
  using E = std::tuple<int32_t, int32_t, float, bool>;
  std::vector<E> got, want;
  for (const auto& e : ref.edges()) want.emplace_back(e.source, e.target, float(e.weight), e.recurrent);
  for (uint32_t j = 0; j < net.num_nodes; ++j) {
    for (uint32_t i = net.row_offset[j]; i < net.row_offset[j + 1]; ++i) {
      got.emplace_back(net.gene_id[net.src[i]], net.gene_id[j], net.weight[i], false);
      if (i > net.row_offset[j]) CHECK(net.src[i - 1] <= net.src[i]);
      CHECK(level_of(net, net.src[i]) < level_of(net, j));
    }
    for (uint32_t i = net.rec_row_offset[j]; i < net.rec_row_offset[j + 1]; ++i) {
      got.emplace_back(net.gene_id[net.rec_src[i]], net.gene_id[j], net.rec_weight[i], true);
      if (i > net.rec_row_offset[j]) CHECK(net.rec_src[i - 1] <= net.rec_src[i]);
    }
  }
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  CHECK(got == want);
  // Levels: 0 for inputs and bias, else 1 + max level of feed-forward sources (1 without any).
  for (uint32_t j = 0; j < net.num_nodes; ++j) {
    uint32_t expect = 0;
    if (j >= net.num_inputs + net.num_bias) {
      expect = 1;
      for (uint32_t i = net.row_offset[j]; i < net.row_offset[j + 1]; ++i)
        expect = std::max(expect, level_of(net, net.src[i]) + 1);
    }
    CHECK(level_of(net, j) == expect);
  }
  if (feed_forward) CHECK(net.rec_src.empty());
}

}  // namespace

TEST_CASE("compiler: pruning, unreachable outputs and numbering") {
  Genome g;
  g.id = 42;
  g.nodes = {node(-2, NodeKind::Input), node(-1, NodeKind::Input), node(0, NodeKind::Output),
             node(1, NodeKind::Output, Activation::Identity, 0.25f), node(5, NodeKind::Hidden),
             node(6, NodeKind::Hidden), node(7, NodeKind::Hidden), node(9, NodeKind::Bias)};
  g.connections = {
      edge(1, -1, 5, 0.5f),         // useful
      edge(2, 5, 0, 2.0f),          // useful
      edge(3, -2, 6, 1.0f),         // 6 reaches nothing: pruned
      edge(4, 6, 7, 1.0f),          // pruned
      edge(5, -2, 0, 3.0f, false),  // disabled
      edge(6, 9, 5, -1.0f),         // bias into a useful node
  };
  g.sort();
  CompiledNetwork net = compile(g);
  check_structure(g, net, true);
  CHECK(net.num_inputs == 2);
  CHECK(net.num_bias == 1);
  CHECK(net.num_nodes == 6);  // -2, -1, 9, then output 1 and 5 (level 1), output 0 (level 2)
  CHECK(net.gene_id == std::vector<int32_t>{-2, -1, 9, 1, 5, 0});
  CHECK(net.num_levels() == 3);
  CHECK(net.output_node == std::vector<uint32_t>{5, 3});
  CHECK(net.num_edges() == 3);
}

TEST_CASE("compiler: rows are sorted by (source, innovation), duplicates kept") {
  Genome g;
  g.nodes = {node(-1, NodeKind::Input), node(-2, NodeKind::Input), node(0, NodeKind::Output)};
  g.connections = {edge(10, -1, 0, 1.0f), edge(11, -2, 0, 2.0f), edge(12, -1, 0, 3.0f), edge(3, -1, 0, 4.0f)};
  g.sort();
  CompiledNetwork net = compile(g);
  // Local: -2 -> 0, -1 -> 1. Row of the output: source 0 (w 2), then source 1 by innovation 3, 10, 12.
  CHECK(net.src == std::vector<uint32_t>{0, 1, 1, 1});
  CHECK(net.weight == std::vector<float>{2.0f, 4.0f, 1.0f, 3.0f});
}

TEST_CASE("compiler: arbitrary int32 ids and unsorted genomes") {
  Genome g;
  g.id = 3;
  g.nodes = {node(INT32_MAX, NodeKind::Output), node(INT32_MIN, NodeKind::Input), node(0, NodeKind::Hidden),
             node(-7, NodeKind::Input), node(123456789, NodeKind::Hidden)};
  g.connections = {edge(9, INT32_MIN, 0, 1.0f), edge(2, 0, 123456789, 1.0f), edge(5, 123456789, INT32_MAX, 1.0f),
                   edge(1, -7, INT32_MAX, 1.0f)};
  CompiledNetwork unsorted = compile(g);
  Genome s = g;
  s.sort();
  CompiledNetwork sorted = compile(s);
  check_structure(s, sorted, true);
  CHECK(unsorted.gene_id == sorted.gene_id);
  CHECK(unsorted.src == sorted.src);
  CHECK(unsorted.weight == sorted.weight);
  CHECK(sorted.gene_id == std::vector<int32_t>{INT32_MIN, -7, 0, 123456789, INT32_MAX});
}

TEST_CASE("compiler: a cycle in a feed-forward genome names the genome and the nodes") {
  Genome g;
  g.id = 77;
  g.nodes = {node(-1, NodeKind::Input), node(0, NodeKind::Output), node(4, NodeKind::Hidden),
             node(5, NodeKind::Hidden), node(6, NodeKind::Hidden)};
  g.connections = {edge(1, -1, 4), edge(2, 4, 5), edge(3, 5, 6), edge(4, 6, 4), edge(5, 6, 0)};
  std::string msg = error_of(g);
  CHECK(msg.find("genome 77") != std::string::npos);
  CHECK(msg.find("cycle") != std::string::npos);
  CHECK(msg.find("4 -> 5 -> 6 -> 4") != std::string::npos);
  // Recurrent mode: 6 -> 4 closes the cycle.
  CompileOptions rec;
  rec.feed_forward = false;
  CompiledNetwork net = compile(g, rec);
  check_structure(g, net, false);
  REQUIRE(net.num_rec_edges() == 1);
  CHECK(net.gene_id[net.rec_src[0]] == 6);

  Genome self;
  self.id = 78;
  self.nodes = {node(-1, NodeKind::Input), node(0, NodeKind::Output)};
  self.connections = {edge(1, -1, 0), edge(2, 0, 0)};
  msg = error_of(self);
  CHECK(msg.find("genome 78") != std::string::npos);
  CHECK(msg.find("0 -> 0") != std::string::npos);
  CompiledNetwork loop = compile(self, rec);
  CHECK(loop.num_rec_edges() == 1);
  CHECK(loop.num_edges() == 1);
}

TEST_CASE("compiler: a cycle that cannot reach an output is pruned, not an error") {
  Genome g;
  g.nodes = {node(-1, NodeKind::Input), node(0, NodeKind::Output), node(4, NodeKind::Hidden), node(5, NodeKind::Hidden)};
  g.connections = {edge(1, -1, 0), edge(2, -1, 4), edge(3, 4, 5), edge(4, 5, 4)};
  CompiledNetwork net = compile(g);
  CHECK(net.num_nodes == 2);
  // A disabled edge never closes a cycle.
  g.connections = {edge(1, -1, 4), edge(2, 4, 0), edge(3, 0, 4, 1.0f, false)};
  CHECK(compile(g).num_nodes == 3);
}

TEST_CASE("compiler: bad genomes are errors naming the genome and the gene") {
  Genome g;
  g.id = 5;
  g.nodes = {node(-1, NodeKind::Input), node(0, NodeKind::Output)};
  g.connections = {edge(17, -1, 3)};
  std::string msg = error_of(g);
  CHECK(msg.find("genome 5") != std::string::npos);
  CHECK(msg.find("connection 17") != std::string::npos);
  CHECK(msg.find("target node 3 does not exist") != std::string::npos);

  g.connections = {edge(18, 12, 0)};
  msg = error_of(g);
  CHECK(msg.find("source node 12 does not exist") != std::string::npos);

  g.connections = {edge(19, 0, -1)};
  msg = error_of(g, false);
  CHECK(msg.find("connection 19") != std::string::npos);
  CHECK(msg.find("input node") != std::string::npos);

  g.connections = {};
  g.nodes.push_back(node(0, NodeKind::Hidden));
  msg = error_of(g);
  CHECK(msg.find("duplicate node id 0") != std::string::npos);

  // Disabled edges to missing nodes are ignored by the compiler (validate_genome reports them).
  g.nodes.pop_back();
  g.connections = {edge(20, -1, 99, 1.0f, false)};
  CHECK(error_of(g).empty());
}

TEST_CASE("compiler: degenerate genomes") {
  Genome empty;
  CompiledNetwork net = compile(empty);
  CHECK(net.num_nodes == 0);
  CHECK(net.level_start == std::vector<uint32_t>{0, 0});
  CHECK(net.row_offset == std::vector<uint32_t>{0});

  Genome only_outputs;
  only_outputs.nodes = {node(0, NodeKind::Output), node(1, NodeKind::Output)};
  net = compile(only_outputs);
  CHECK(net.num_nodes == 2);
  CHECK(net.num_levels() == 2);
  CHECK(net.output_node == std::vector<uint32_t>{0, 1});
}

TEST_CASE("compiler: property tests over random genomes") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed << " (replay with GANGLION_TEST_SEED=" << seed << ")");
  Rng pick(seed);
  for (int i = 0; i < 3000; ++i) {
    RandomGenomeOptions o;
    o.seed = seed;
    o.num_inputs = uint32_t(pick.below(5));
    o.num_outputs = uint32_t(1 + pick.below(4));
    o.num_bias = uint32_t(pick.below(3));
    o.hidden = uint32_t(pick.below(pick.chance(0.05) ? 400 : 30));
    o.edge_density = pick.uniform(0.0, 5.0);
    o.recurrent = pick.chance(0.5);
    o.recurrent_share = pick.uniform(0.0, 0.5);
    o.disabled_share = pick.uniform(0.0, 0.5);
    o.duplicates = pick.chance(0.2);
    o.arbitrary_ids = pick.chance(0.5);
    o.aggregations = all_aggregations();
    o.activations = all_activations();
    Genome g = random_genome(o, uint64_t(i));
    CompileOptions opt;
    opt.feed_forward = !o.recurrent;
    CompiledNetwork net = compile(g, opt);
    check_structure(g, net, opt.feed_forward);
    if (o.recurrent && pick.chance(0.3)) {
      // The same genome marked feed-forward: an error exactly when the recurrent compile found a cycle.
      std::string msg = error_of(g, true);
      CHECK(msg.empty() == !net.recurrent());
      if (!msg.empty()) CHECK(msg.find("genome " + std::to_string(g.id)) != std::string::npos);
    }
  }
}
