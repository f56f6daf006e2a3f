// Speciation (Stanley & Miikkulainen 2002, sec. 3.3): each genome joins the first species (in id
// order) whose representative is within the compatibility threshold, else it founds a new species
// and represents it. Representatives are random members of the previous generation's species.
//
// Parallel yet deterministic: the comparison with existing representatives runs for all genomes
// at once; genomes that matched none are then placed among the species founded in this pass, one
// new species at a time (all remaining genomes compared with it in parallel), which gives exactly
// the sequential, population-order result.
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
