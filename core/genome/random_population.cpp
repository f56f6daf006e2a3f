// The NEAT-like grower (see core/genome/random_population.hpp). Feed-forward growth keeps a position in
// [0, 1] per node (inputs 0, outputs 1, a split node halfway between its ends) and only adds an
// edge from a lower to a higher position, so genomes stay acyclic without any graph search.
#include "core/genome/random_population.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/parallel.hpp"

namespace ganglion {

Genome grow_genome(const GrowOptions& o, uint64_t seed, uint64_t genome_id) {
  if (o.num_outputs == 0) throw Error("grow_genome: num_outputs must be at least 1");
  if (o.activations.empty()) throw Error("grow_genome: the activation list must not be empty");
  Rng rng = Rng::derive(seed, Purpose::Bench, genome_id);
  const uint32_t ni = o.num_inputs, nb = o.bias_node ? 1 : 0, no = o.num_outputs;
  const uint32_t first = ni + nb;  // dense index of the first output; hidden nodes follow outputs

  Genome g;
  g.id = genome_id;
  std::vector<double> pos;
  std::vector<std::vector<uint32_t>> incoming;  // sources per dense node, for duplicate checks
  std::vector<uint32_t> enabled;                // indices of enabled connections
  auto add_node = [&](NodeKind kind, int32_t id, double p) {
    NodeGene n;
    n.id = id;
    n.kind = kind;
    if (kind == NodeKind::Hidden || kind == NodeKind::Output) {
      n.activation = o.activations[rng.below(o.activations.size())];
      n.bias = float(rng.normal(0.0, 0.5));
    }
    g.nodes.push_back(n);
    pos.push_back(p);
    incoming.emplace_back();
    return uint32_t(g.nodes.size() - 1);
  };
  auto add_edge = [&](uint32_t s, uint32_t t, float w) {
    ConnectionGene c;
    c.innovation = int64_t(g.connections.size());
    c.source = g.nodes[s].id;
    c.target = g.nodes[t].id;
    c.weight = w;
    enabled.push_back(uint32_t(g.connections.size()));
    g.connections.push_back(c);
    incoming[t].push_back(s);
  };
  std::vector<uint32_t> dense_of_edge_src, dense_of_edge_tgt;  // dense ends of each connection
  auto connect = [&](uint32_t s, uint32_t t, float w) {
    add_edge(s, t, w);
    dense_of_edge_src.push_back(s);
    dense_of_edge_tgt.push_back(t);
  };

  for (uint32_t i = 0; i < ni; ++i) add_node(NodeKind::Input, -int32_t(i) - 1, 0.0);
  if (nb) add_node(NodeKind::Bias, -int32_t(ni) - 1, 0.0);
  for (uint32_t k = 0; k < no; ++k) add_node(NodeKind::Output, int32_t(k), 1.0);
  for (uint32_t t = first; t < first + no; ++t)
    for (uint32_t s = 0; s < first; ++s) connect(s, t, float(rng.normal()));

  auto renormalise = [&] {
    std::vector<uint32_t> hidden;
    for (uint32_t d = first + no; d < pos.size(); ++d) hidden.push_back(d);
    std::sort(hidden.begin(), hidden.end(), [&](uint32_t a, uint32_t b) { return pos[a] < pos[b]; });
    for (size_t r = 0; r < hidden.size(); ++r) pos[hidden[r]] = double(r + 1) / double(hidden.size() + 1);
  };

  const uint32_t target = std::max(o.target_nodes, first + no);
  for (uint32_t guard = 0; guard < 64u * target + 1024u; ++guard) {
    const uint32_t nodes = uint32_t(g.nodes.size());
    const double want_edges = o.edges_per_node * double(nodes - first);
    const bool need_nodes = nodes < target;
    const bool need_edges = double(enabled.size()) < want_edges;
    if (!need_nodes && !need_edges) break;
    if (need_nodes && (!need_edges || rng.chance(0.5)) && !enabled.empty()) {
      // Add node: split a random enabled connection a -> b into a -> c -> b.
      size_t k = rng.below(enabled.size());
      uint32_t ci = enabled[k];
      enabled[k] = enabled.back();
      enabled.pop_back();
      g.connections[ci].enabled = false;
      uint32_t a = dense_of_edge_src[ci], b = dense_of_edge_tgt[ci];
      double p = 0.5 * (pos[a] + pos[b]);
      if (!o.recurrent && !(p > pos[a] && p < pos[b])) {
        renormalise();
        p = 0.5 * (pos[a] + pos[b]);
      }
      uint32_t c = add_node(NodeKind::Hidden, int32_t(no + (nodes - first - no)), p);
      connect(a, c, 1.0f);
      connect(c, b, g.connections[ci].weight);
    } else {
      // Add connection: a random target and a source below it (any source when recurrent).
      bool added = false;
      for (int tries = 0; tries < 32 && !added; ++tries) {
        uint32_t t = first + uint32_t(rng.below(nodes - first));
        uint32_t s = uint32_t(rng.below(nodes));
        if (s >= first && s < first + no && !o.recurrent) continue;  // outputs feed nothing
        if (!o.recurrent && !(pos[s] < pos[t])) continue;
        if (std::find(incoming[t].begin(), incoming[t].end(), s) != incoming[t].end()) continue;
        connect(s, t, float(rng.normal()));
        added = true;
      }
      if (!added && !need_nodes) break;  // saturated: no more room for edges
    }
  }
  g.sort();
  return g;
}

std::vector<Genome> grow_population(const GrowOptions& options, size_t count, uint64_t seed, unsigned threads) {
  std::vector<Genome> out(count);
  ThreadPool pool(threads);
  pool.for_each(count, [&](size_t i) { out[i] = grow_genome(options, seed, uint64_t(i)); }, 8);
  return out;
}

}  // namespace ganglion
