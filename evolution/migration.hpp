// Migration between populations (the island model of docs/distributed.md): the genomes an island
// sends, and how another island takes them in. Plain evolution code, no MPI: the distributed part
// (distributed/island_exchange.hpp) moves the genomes between ranks and calls these.
//
// Innovation numbers and hidden node ids are an island's own: the same number means different
// genes on two islands. An immigrant therefore keeps only its input, bias and output node ids
// (the same on every island of a run, set by the genome counts) and gets fresh hidden node ids and
// fresh innovation numbers from the receiving island's counters. Its network is unchanged (same
// nodes, weights, biases, activations, enabled flags); to the island's speciation and crossover its
// genes are new ones, as a genome that evolved elsewhere is.
#pragma once

#include <cstdint>
#include <vector>

#include "core/config/config.hpp"
#include "core/genome/genome.hpp"
#include "evolution/state.hpp"

namespace ganglion {

// Indices of the `count` best evaluated genomes of state.genomes (fewer when the population is
// smaller), best first: by score (reproduction's order: fitness, negated when minimising), ties
// by the lower genome id.
std::vector<uint32_t> best_genomes(const EvolutionState& state, const Config& config, uint32_t count);

// `genome` renumbered into the id space of the island whose counters `innovations` holds (see
// above); the counters advance. Its id, fitness and evaluated flag are left to the caller.
Genome naturalise(const Genome& genome, InnovationHistory& innovations);

// Puts `immigrants` in place of the last children that are not elite copies (elite[i] != 0 marks
// child i as one), each naturalised and given the id of the child it replaces, unevaluated. When
// there are fewer such children than immigrants, only as many are taken (the first ones).
// Returns the indices of the replaced children, in the order of the immigrants taken.
std::vector<uint32_t> take_in(std::vector<Genome>& children, const std::vector<uint8_t>& elite,
                              const std::vector<Genome>& immigrants, InnovationHistory& innovations);

// Island r's seed: the run's for island 0, derived from it (Rng::derive, Purpose::Island) for the others.
uint64_t island_seed(uint64_t seed, int island);
// Where each of `islands` islands sends its migrants after generation `generation`: dest[r] != r
// for every r when islands > 1, each island receiving from exactly one (a permutation).
std::vector<int> migration_destinations(IslandTopology topology, uint64_t seed, uint32_t generation, int islands);
// Whether the children made after generation `generation` take in migrants.
bool migrates_after(const DistributedConfig& config, uint32_t generation, int islands);

}  // namespace ganglion
