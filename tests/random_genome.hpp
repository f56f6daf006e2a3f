// Random genomes for property tests (header-only; the CPU and GPU tests share it). Unlike the
// NEAT-like grower in core/genome/random_population.hpp, this one aims at the corners: arbitrary int32
// node ids, several bias nodes, duplicate and disabled edges, recurrent edges and self-loops,
// unreachable hidden nodes and outputs, every activation and aggregation.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/network/activation.hpp"
#include "core/genome/genome.hpp"
#include "core/rng.hpp"

namespace ganglion::testing {

struct RandomGenomeOptions {
  uint32_t num_inputs = 3;
  uint32_t num_outputs = 2;
  uint32_t num_bias = 1;
  uint32_t hidden = 10;
  double edge_density = 2.0;      // mean incoming enabled-or-not edges per hidden/output node
  bool recurrent = false;         // allow edges that close cycles (back edges, self-loops)
  double recurrent_share = 0.15;  // share of edges drawn backwards when recurrent
  double disabled_share = 0.1;
  bool duplicates = false;        // allow two connection genes with the same (source, target)
  bool arbitrary_ids = true;      // random int32 node ids instead of NEAT-python's -k..-1, 0..
  std::vector<Activation> activations = {Activation::Sigmoid};
  std::vector<Aggregation> aggregations = {Aggregation::Sum};
  double weight_range = 2.0;      // weights uniform in [-range, range]
  uint64_t seed = 1;
};

// Every activation / aggregation, and a set of well-conditioned activations (continuous, slope at
// most 1.25) under which rounding errors do not grow from level to level, so float evaluation can
// follow a double reference within 1e-5 through deep and recurrent networks (with weights in
// [-1, 1]). Steep or discontinuous functions (tanh(2.5x), sin(5x), step, inv, exp, ...) amplify
// the 1e-7 rounding of fp32 chaotically; use them with double-precision checks.
inline std::vector<Activation> all_activations() {
  std::vector<Activation> v;
  for (size_t i = 0; i < size_t(Activation::Count); ++i) v.push_back(Activation(i));
  return v;
}
inline std::vector<Aggregation> all_aggregations() {
  std::vector<Aggregation> v;
  for (size_t i = 0; i < size_t(Aggregation::Count); ++i) v.push_back(Aggregation(i));
  return v;
}
inline std::vector<Activation> smooth_activations() {
  return {Activation::Sigmoid, Activation::NeatSigmoid, Activation::PlainSigmoid, Activation::Identity,
          Activation::Clamped, Activation::Softplus, Activation::Hat, Activation::Relu, Activation::Abs,
          Activation::Elu, Activation::Lelu, Activation::Selu};
}

inline Genome random_genome(const RandomGenomeOptions& o, uint64_t genome_id = 0) {
  Rng rng(o.seed * 0x9E3779B97F4A7C15ull + genome_id + 1);
  const uint32_t total = o.num_inputs + o.num_bias + o.hidden + o.num_outputs;

  // Ids: unique, drawn from the whole int32 range or NEAT-python style.
  std::vector<int32_t> ids;
  if (o.arbitrary_ids) {
    std::set<int32_t> used;
    while (used.size() < total) {
      int32_t id = rng.chance(0.5) ? int32_t(int64_t(rng.next() % 4294967296ull) - 2147483648ll)
                                   : int32_t(rng.below(4 * uint64_t(total) + 8)) - int32_t(total);
      used.insert(id);
    }
    ids.assign(used.begin(), used.end());
    for (size_t i = ids.size(); i > 1; --i) std::swap(ids[i - 1], ids[rng.below(i)]);
  } else {
    for (uint32_t i = 0; i < o.num_inputs + o.num_bias; ++i) ids.push_back(-int32_t(i) - 1);
    for (uint32_t i = 0; i < o.num_outputs; ++i) ids.push_back(int32_t(i));
    for (uint32_t i = 0; i < o.hidden; ++i) ids.push_back(int32_t(o.num_outputs + i));
  }

  Genome g;
  g.id = genome_id;
  // Positions: [inputs][bias][outputs][hidden] in `ids`; a random topological order over
  // hidden and output nodes decides which edges are feed-forward.
  auto pick_act = [&] { return o.activations[rng.below(o.activations.size())]; };
  auto pick_agg = [&] { return o.aggregations[rng.below(o.aggregations.size())]; };
  for (uint32_t i = 0; i < total; ++i) {
    NodeGene n;
    n.id = ids[i];
    if (i < o.num_inputs) n.kind = NodeKind::Input;
    else if (i < o.num_inputs + o.num_bias) n.kind = NodeKind::Bias;
    else if (i < o.num_inputs + o.num_bias + o.num_outputs) n.kind = NodeKind::Output;
    else n.kind = NodeKind::Hidden;
    n.activation = pick_act();
    n.aggregation = pick_agg();
    n.bias = float(rng.uniform(-1.0, 1.0));
    n.response = float(rng.uniform(0.5, 1.5));
    g.nodes.push_back(n);
  }
  const uint32_t first = o.num_inputs + o.num_bias;  // first non-input position
  std::vector<uint32_t> order;  // topological order of non-input positions
  for (uint32_t i = first; i < total; ++i) order.push_back(i);
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);

  std::set<std::pair<uint32_t, uint32_t>> pairs;
  int64_t innovation = int64_t(rng.below(1000)) - 500;
  std::vector<ConnectionGene> conns;
  for (size_t p = 0; p < order.size(); ++p) {
    const uint32_t tgt = order[p];
    // Between 0 and 2 * density incoming edges, so some nodes get none.
    const uint32_t k = uint32_t(rng.below(uint64_t(2 * o.edge_density) + 1));
    for (uint32_t e = 0; e < k; ++e) {
      uint32_t src;
      if (o.recurrent && rng.chance(o.recurrent_share)) {
        src = order[p + rng.below(order.size() - p)];  // later in the order, or itself
      } else {
        uint64_t choices = first + p;  // inputs, bias nodes and earlier nodes
        if (choices == 0) continue;
        uint64_t c = rng.below(choices);
        src = c < first ? uint32_t(c) : order[c - first];
      }
      if (!o.duplicates && !pairs.insert({src, tgt}).second) continue;
      ConnectionGene cg;
      cg.source = ids[src];
      cg.target = ids[tgt];
      cg.weight = float(rng.uniform(-o.weight_range, o.weight_range));
      cg.enabled = !rng.chance(o.disabled_share);
      conns.push_back(cg);
    }
  }
  // Innovation numbers: increasing with gaps, assigned in a random order of the edges so that
  // innovation order and (source, target) order disagree.
  for (size_t i = conns.size(); i > 1; --i) std::swap(conns[i - 1], conns[rng.below(i)]);
  for (auto& c : conns) {
    innovation += 1 + int64_t(rng.below(3));
    c.innovation = innovation;
  }
  g.connections = std::move(conns);
  g.sort();
  return g;
}

// The seed of a random test: GANGLION_TEST_SEED when set (to replay a failure), else fresh.
inline uint64_t test_seed() {
  if (const char* s = std::getenv("GANGLION_TEST_SEED")) return std::strtoull(s, nullptr, 10);
  std::random_device rd;
  return (uint64_t(rd()) << 32) ^ rd();
}

}  // namespace ganglion::testing
