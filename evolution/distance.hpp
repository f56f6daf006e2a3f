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
#include <vector>

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
  uint32_t counted_nodes = 0;  // hidden + output nodes, counted only with include_node_genes (else 0)
  uint32_t genes = 0;          // what N counts: connections + counted_nodes
};
DistanceGenome distance_genome(const Genome& g, const SpeciationConfig& config);

// The part of the distance that non-matching genes alone provably reach, for one threshold:
// each non-matching gene costs at least min(c1, c2) / N, every other term is non-negative.
struct DistanceBound {
  double limit_per_gene = 0.0;  // non-matching genes per unit of N that reach the threshold (inf: none)
  double threshold = 0.0;
  bool include_node_genes = false;
  uint32_t normalize_min_genes = 0;
  // apart_limits[genes]: the fewest non-matching genes that reach the threshold when the larger
  // genome of a pair counts `genes` genes (ceil(limit_per_gene * N); UINT32_MAX: never), for the
  // sizes distance_bound() was told of; apart_limit() computes the others.
  std::vector<uint32_t> apart_limits;

  uint32_t compute_apart_limit(uint32_t genes) const;
  uint32_t apart_limit(uint32_t genes) const {
    return genes < apart_limits.size() ? apart_limits[genes] : compute_apart_limit(genes);
  }
};
// `max_genes`: the largest DistanceGenome::genes the bound will meet often (a table up to it).
DistanceBound distance_bound(const SpeciationConfig& config, double threshold, uint32_t max_genes = 0);

// N of the formula for a pair.
inline double distance_normaliser(const DistanceGenome& a, const DistanceGenome& b, const DistanceBound& bound) {
  const uint32_t genes = std::max(a.genes, b.genes);
  return genes < bound.normalize_min_genes ? 1.0 : double(genes);
}

// True only when compatibility_distance(a, b) >= threshold, decided from the sizes and signatures
// alone (a few integer instructions): matching genes share their signature bit, so at most
// popcount(a & b) + min(collisions) connection genes match, and the rest cannot; node genes
// (with include_node_genes) miss at least the difference of the node counts.
// least_apart() is that count of genes that cannot match; provably_apart() compares it with the
// bound's limit for the pair's size.
// `with_nodes`: the bound's include_node_genes (a parameter so that scans can fix it at compile time).
inline uint32_t least_apart(const DistanceGenome& a, const DistanceGenome& b, bool with_nodes) {
  const uint32_t shared = uint32_t(__builtin_popcountll(a.signature & b.signature)) +
                          std::min(a.collisions, b.collisions);
  const uint32_t matching = std::min(shared, std::min(a.connections, b.connections));
  uint32_t apart = a.connections + b.connections - 2 * matching;
  if (with_nodes)
    apart += a.counted_nodes > b.counted_nodes ? a.counted_nodes - b.counted_nodes : b.counted_nodes - a.counted_nodes;
  return apart;
}
inline bool provably_apart(const DistanceGenome& a, const DistanceGenome& b, const DistanceBound& bound) {
  return least_apart(a, b, bound.include_node_genes) >= bound.apart_limit(std::max(a.genes, b.genes));
}

// Genomes to compare against, column by column (speciation's representatives): a scan reads each
// column in order. `limit` is each genome's own apart_limit: the limit only grows with the gene
// count (a non-negative factor times N, N non-decreasing in the genes), so that of a pair, the
// larger genome's, is the larger of the two genomes' own.
struct DistanceColumns {
  std::vector<DistanceGenome> genome;
  std::vector<uint64_t> signature;
  std::vector<uint32_t> connections, collisions, counted_nodes, limit;

  void reserve(size_t n);
  void push(const DistanceGenome& d, const DistanceBound& bound);
  size_t size() const { return genome.size(); }
};

// Bit k set when columns[begin + k] is *not* provably_apart() from g, for k < end - begin <= 64;
// `g_limit` is bound.apart_limit(g.genes), `with_nodes` the bound's include_node_genes. Uses
// AVX2 where the CPU has it (four genomes per step); screen_apart_scalar() is the same test one
// genome at a time, which every result equals bit for bit (same unsigned 32-bit arithmetic).
uint64_t screen_apart(const DistanceColumns& columns, size_t begin, size_t end, const DistanceGenome& g,
                      uint32_t g_limit, bool with_nodes);
uint64_t screen_apart_scalar(const DistanceColumns& columns, size_t begin, size_t end, const DistanceGenome& g,
                             uint32_t g_limit, bool with_nodes);
bool screen_apart_has_avx2();  // whether screen_apart() takes the AVX2 path on this CPU

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
