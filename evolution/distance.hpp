// The compatibility distance of NEAT (Stanley & Miikkulainen 2002, eq. 1):
//   delta = c1 * E / N + c2 * D / N + c3 * W
// E excess and D disjoint connection genes, W the mean absolute weight difference of matching
// genes (disabled ones included), N the gene count of the larger genome, or 1 when both have
// fewer than normalize_min_genes genes (the paper's rule for small genomes).
// With include_node_genes, hidden and output node genes count too: a node only one genome has is
// disjoint, and a matching node adds |bias difference| + |response difference| (+1 for a
// different activation, +1 for a different aggregation) to W's sum.
#pragma once

#include <algorithm>
#include <cstdint>

#include "core/config/config.hpp"
#include "core/genome/genome.hpp"

namespace ganglion {

double compatibility_distance(const Genome& a, const Genome& b, const SpeciationConfig& config);

// What within_threshold() needs of a genome, computed once per speciation rather than once per
// comparison: its sizes and a 64-bit signature of its innovation numbers.
struct DistanceGenome {
  const Genome* genome = nullptr;
  uint64_t signature = 0;      // bit (innovation mod 64) set for every connection gene
  uint32_t connections = 0;    // genome->connections.size()
  uint32_t collisions = 0;     // connections - popcount(signature): genes sharing a bit with another
  uint32_t counted_nodes = 0;  // hidden + output nodes
  uint32_t genes = 0;          // what N counts: connections, plus counted_nodes with include_node_genes
};
DistanceGenome distance_genome(const Genome& g, const SpeciationConfig& config);

// The part of the distance that non-matching genes alone provably reach, for one threshold:
// each non-matching gene costs at least min(c1, c2) / N, every other term is non-negative.
struct DistanceBound {
  double limit_per_gene = 0.0;  // non-matching genes per unit of N that reach the threshold (inf: none)
  double threshold = 0.0;
  bool include_node_genes = false;
  uint32_t normalize_min_genes = 0;
};
DistanceBound distance_bound(const SpeciationConfig& config, double threshold);

// N of the formula for a pair.
inline double distance_normaliser(const DistanceGenome& a, const DistanceGenome& b, const DistanceBound& bound) {
  const uint32_t genes = std::max(a.genes, b.genes);
  return genes < bound.normalize_min_genes ? 1.0 : double(genes);
}

// True only when compatibility_distance(a, b) >= threshold, decided from the sizes and signatures
// alone (a few instructions): matching genes share their signature bit, so at most
// popcount(a & b) + min(collisions) genes match, and the rest cannot.
inline bool provably_apart(const DistanceGenome& a, const DistanceGenome& b, const DistanceBound& bound) {
  const uint32_t shared = uint32_t(__builtin_popcountll(a.signature & b.signature)) +
                          std::min(a.collisions, b.collisions);
  const uint32_t matching = std::min(shared, std::min(a.connections, b.connections));
  uint32_t apart = a.connections + b.connections - 2 * matching;
  if (bound.include_node_genes)
    apart += a.counted_nodes > b.counted_nodes ? a.counted_nodes - b.counted_nodes : b.counted_nodes - a.counted_nodes;
  return double(apart) >= bound.limit_per_gene * distance_normaliser(a, b, bound);
}

// compatibility_distance(a, b, config) < bound.threshold, the same answer for every pair, usually
// decided early: provably_apart() first, then the merge of the two gene lists stops as soon as the
// genes seen (non-matching ones, plus the gap between what is left of each list; the weight
// differences so far over the most matches still possible) put the distance above the threshold.
// Every exit fires only with a relative margin of 1e-9 above the threshold, far beyond the rounding
// of the formula, which computes every other pair exactly as compatibility_distance does.
// within_threshold_merged() is the second step alone, for a pair provably_apart() let through.
bool within_threshold_merged(const DistanceGenome& a, const DistanceGenome& b, const SpeciationConfig& config,
                             const DistanceBound& bound);
inline bool within_threshold(const DistanceGenome& a, const DistanceGenome& b, const SpeciationConfig& config,
                             const DistanceBound& bound) {
  return !provably_apart(a, b, bound) && within_threshold_merged(a, b, config, bound);
}

}  // namespace ganglion
