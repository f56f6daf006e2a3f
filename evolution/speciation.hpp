// Speciation (Stanley & Miikkulainen 2002, sec. 3.3): each genome joins the first species (in id
// order) whose representative is within the compatibility threshold, else it founds a new species
// and represents it. Representatives are random members of the previous generation's species.
//
// Parallel yet deterministic: chunk by chunk of the population, the chunk's genomes are compared in
// parallel with every representative known when the chunk began, then its unmatched genomes, in
// order, with the species founded inside it; this gives exactly the sequential, population-order
// result. "Within the threshold" is decided by within_threshold() (evolution/distance.hpp), whose
// early exits give the full distance's answer for every pair.
#pragma once

#include "core/config/config.hpp"
#include "core/parallel.hpp"
#include "evolution/state.hpp"

namespace ganglion {

// Replaces each species' representative by a random member of the current population, drawn
// from Rng::derive(seed, Purpose::Speciate, generation, species id). Call before the population
// is replaced by its children.
void choose_representatives(EvolutionState& state, const Config& config);

// Assigns every genome of state.genomes to a species (filling `members`), founds new species,
// drops species left without members and, with speciation.dynamic_threshold, moves the threshold
// one step towards target_species.
void speciate(EvolutionState& state, const Config& config, ThreadPool& pool);

}  // namespace ganglion
