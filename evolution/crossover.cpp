#include "evolution/crossover.hpp"

#include <algorithm>
#include <vector>

#include "evolution/mutation.hpp"

namespace ganglion {

Genome crossover(const Genome& fitter, const Genome& other, bool equal, double disabled_inherit_prob,
                 bool feed_forward, Rng& rng, uint64_t child_id) {
  Genome child;
  child.id = child_id;
  const auto& A = fitter.connections;
  const auto& B = other.connections;
  std::vector<const ConnectionGene*> from_other;  // disjoint/excess genes of `other` (equal fitness)
  size_t i = 0, j = 0;
  child.connections.reserve(A.size() + 4);  // room for this child's mutations
  while (i < A.size() || j < B.size()) {
    if (j >= B.size() || (i < A.size() && A[i].innovation < B[j].innovation)) {
      child.connections.push_back(A[i++]);
    } else if (i >= A.size() || B[j].innovation < A[i].innovation) {
      if (equal) from_other.push_back(&B[j]);
      ++j;
    } else {
      const ConnectionGene& a = A[i++];
      const ConnectionGene& b = B[j++];
      ConnectionGene gene = rng.chance(0.5) ? a : b;
      if (!a.enabled || !b.enabled) gene.enabled = !rng.chance(disabled_inherit_prob);
      child.connections.push_back(gene);
    }
  }

  // Nodes of the fitter parent; a node both parents hold comes from either at random.
  child.nodes.reserve(fitter.nodes.size() + 2);
  size_t k = 0;
  for (const auto& n : fitter.nodes) {
    while (k < other.nodes.size() && other.nodes[k].id < n.id) ++k;
    if (k < other.nodes.size() && other.nodes[k].id == n.id && (n.kind == NodeKind::Hidden || n.kind == NodeKind::Output))
      child.nodes.push_back(rng.chance(0.5) ? n : other.nodes[k]);
    else
      child.nodes.push_back(n);
  }

  if (!from_other.empty()) {
    bool added = false;
    for (const ConnectionGene* g : from_other) {
      bool duplicate = false;
      for (const auto& c : child.connections)
        if (c.source == g->source && c.target == g->target) { duplicate = true; break; }
      if (duplicate) continue;
      if (feed_forward && creates_cycle(child, g->source, g->target)) continue;
      child.connections.push_back(*g);
      for (int32_t id : {g->source, g->target}) {
        if (child.find_node(id)) continue;
        if (const NodeGene* n = other.find_node(id)) {
          child.nodes.push_back(*n);
          std::sort(child.nodes.begin(), child.nodes.end(),
                    [](const NodeGene& x, const NodeGene& y) { return x.id < y.id; });
        }
      }
      added = true;
    }
    if (added) child.sort();
  }
  return child;
}

}  // namespace ganglion
