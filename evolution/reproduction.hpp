// Reproduction (Stanley & Miikkulainen 2002, sec. 3.3): removal of stagnant species, explicit
// fitness sharing, offspring per species in proportion to its adjusted fitness, then per species
// the champion copied (species elitism), parents from the best `survival_threshold` share, children
// by mutation alone or by crossover (rarely with another species) followed by mutation.
//
// Determinism: the plan (which child belongs to which species, which are copies) has no
// randomness; child i of generation g then draws only from Rng::derive(seed, Reproduce, g, i), and
// its structural innovations get real ids in a sequential pass in child order. Results are thus
// identical for any number of threads.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/config/config.hpp"
#include "core/parallel.hpp"
#include "evolution/state.hpp"

namespace ganglion {

// A genome's score: its fitness, negated when the config minimises, so larger is always better.
inline double score_of(double fitness, const Config& config) {
  return config.run.fitness_criterion == FitnessCriterion::Min ? -fitness : fitness;
}

// Updates each species' best score and last_improved from its members' (evaluated) fitness.
void update_species_fitness(EvolutionState& state, const Config& config);

// Splits `total` children among species in proportion to `adjusted` (non-negative; all zero means
// equal shares). Each species first gets min(min_size, total / species) children; the rest is
// shared by largest remainder, ties to the lower index. The result sums to `total`.
std::vector<uint32_t> allocate_offspring(const std::vector<double>& adjusted, uint32_t total, uint32_t min_size);

// Replaces state.genomes (evaluated) by the next generation, advances state.generation and
// speciates the new population. When every species is gone (stagnation with species_elitism 0),
// a fresh population is made when reproduction.reset_on_extinction, else an Error is thrown.
// Returns true when the population was restarted. `speciate_seconds`, when given, receives the
// wall-clock seconds of the call spent speciating the new population.
// `children_hook`, when given and set, is called once the children are made (real ids and
// innovation numbers, sorted genes), before the old population goes and the children are
// speciated: with the state (its genomes still the evaluated parents), the children, and which of
// them are elite copies (1). It may replace children (the island model's immigrants,
// evolution/migration.hpp) and advance the state's id counters. It is not called when the
// population is restarted after an extinction.
using ChildrenHook =
    std::function<void(EvolutionState& state, std::vector<Genome>& children, const std::vector<uint8_t>& elite)>;
bool reproduce(EvolutionState& state, const Config& config, ThreadPool& pool, double* speciate_seconds = nullptr,
               const ChildrenHook* children_hook = nullptr);

// Generation 0: fresh genomes, innovation counters, speciation (its seconds into
// `speciate_seconds` when given).
void initialise_population(EvolutionState& state, const Config& config, ThreadPool& pool,
                           double* speciate_seconds = nullptr);

}  // namespace ganglion
