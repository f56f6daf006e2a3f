// The compatibility distance of NEAT (Stanley & Miikkulainen 2002, eq. 1):
//   delta = c1 * E / N + c2 * D / N + c3 * W
// E excess and D disjoint connection genes, W the mean absolute weight difference of matching
// genes (disabled ones included), N the gene count of the larger genome, or 1 when both have
// fewer than normalize_min_genes genes (the paper's rule for small genomes).
// With include_node_genes, hidden and output node genes count too: a node only one genome has is
// disjoint, and a matching node adds |bias difference| + |response difference| (+1 for a
// different activation, +1 for a different aggregation) to W's sum.
#pragma once

#include "core/config/config.hpp"
#include "core/genome/genome.hpp"

namespace ganglion {

double compatibility_distance(const Genome& a, const Genome& b, const SpeciationConfig& config);

}  // namespace ganglion
