// Crossover aligned by innovation number (Stanley & Miikkulainen 2002, sec. 3.2): matching genes
// are inherited from either parent at random, disjoint and excess genes from the fitter parent
// (from both when fitness is equal), and a gene disabled in either parent is disabled in the
// child with probability `disabled_inherit_prob`.
#pragma once

#include <cstdint>

#include "core/genome/genome.hpp"
#include "core/rng.hpp"

namespace ganglion {

// `fitter` is the parent whose disjoint and excess genes are kept; with `equal` those of `other`
// are kept too, except a gene that would duplicate a source->target pair already in the child or
// (with feed_forward) close a cycle. Node genes follow the connections: every node of `fitter`,
// plus the nodes of `other` that its inherited genes need; a node both parents hold comes from
// either at random. The child gets id `child_id`, fitness 0 and is not evaluated.
Genome crossover(const Genome& fitter, const Genome& other, bool equal, double disabled_inherit_prob,
                 bool feed_forward, Rng& rng, uint64_t child_id);

}  // namespace ganglion
