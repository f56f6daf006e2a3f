#include "evolution/distance.hpp"

#include <algorithm>
#include <cmath>

namespace ganglion {

double compatibility_distance(const Genome& a, const Genome& b, const SpeciationConfig& config) {
  const auto& A = a.connections;
  const auto& B = b.connections;
  size_t i = 0, j = 0, matching = 0, disjoint = 0, excess = 0;
  double weight_diff = 0.0;
  while (i < A.size() && j < B.size()) {
    if (A[i].innovation == B[j].innovation) {
      weight_diff += std::fabs(double(A[i].weight) - double(B[j].weight));
      ++matching;
      ++i;
      ++j;
    } else if (A[i].innovation < B[j].innovation) {
      ++disjoint;
      ++i;
    } else {
      ++disjoint;
      ++j;
    }
  }
  excess = (A.size() - i) + (B.size() - j);
  size_t genes = std::max(A.size(), B.size());

  if (config.include_node_genes) {
    auto counted = [](const NodeGene& n) { return n.kind == NodeKind::Hidden || n.kind == NodeKind::Output; };
    size_t na = 0, nb = 0;
    for (const auto& n : a.nodes) na += counted(n);
    for (const auto& n : b.nodes) nb += counted(n);
    size_t p = 0, q = 0;
    while (p < a.nodes.size() || q < b.nodes.size()) {
      if (p < a.nodes.size() && !counted(a.nodes[p])) { ++p; continue; }
      if (q < b.nodes.size() && !counted(b.nodes[q])) { ++q; continue; }
      if (q >= b.nodes.size() || (p < a.nodes.size() && a.nodes[p].id < b.nodes[q].id)) {
        ++disjoint;
        ++p;
      } else if (p >= a.nodes.size() || b.nodes[q].id < a.nodes[p].id) {
        ++disjoint;
        ++q;
      } else {
        const NodeGene& x = a.nodes[p++];
        const NodeGene& y = b.nodes[q++];
        weight_diff += std::fabs(double(x.bias) - double(y.bias)) + std::fabs(double(x.response) - double(y.response));
        if (x.activation != y.activation) weight_diff += 1.0;
        if (x.aggregation != y.aggregation) weight_diff += 1.0;
        ++matching;
      }
    }
    genes = std::max(A.size() + na, B.size() + nb);
  }

  const double n = genes < config.normalize_min_genes ? 1.0 : double(genes);
  const double w = matching ? weight_diff / double(matching) : 0.0;
  return config.excess_coefficient * double(excess) / n + config.disjoint_coefficient * double(disjoint) / n +
         config.weight_coefficient * w;
}

}  // namespace ganglion
