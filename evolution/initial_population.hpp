// The initial population (Stanley & Miikkulainen 2002, sec. 3.4: start minimally). Every genome
// has the same nodes: inputs with ids 0..I-1, the bias node I (when genome.bias_node), outputs,
// then genome.num_hidden hidden nodes. Initial connections are, per initial_connection:
//   full     every input and the bias to every output (with hidden nodes: inputs and bias to every
//            hidden node, every hidden node to every output);
//   partial  each of those with probability connection_fraction;
//   none     no connection.
// Each possible initial connection has a fixed innovation number (its index in that list), so
// equal genes of different initial genomes align in crossover. Weights come from genome.weight.
#pragma once

#include <cstdint>
#include <vector>

#include "core/config/config.hpp"
#include "core/genome/genome.hpp"
#include "core/rng.hpp"
#include "evolution/state.hpp"

namespace ganglion {

Genome make_initial_genome(const GenomeConfig& config, uint64_t id, Rng& rng);
// Moves the history's counters past the ids the initial genomes use.
void reserve_initial_ids(const GenomeConfig& config, InnovationHistory& history);
// `count` genomes with ids first_id.., genome i drawn from Rng::derive(seed, InitialPopulation, i, restart).
std::vector<Genome> make_initial_population(const Config& config, uint64_t first_id, uint32_t count,
                                            uint64_t restart = 0);

}  // namespace ganglion
