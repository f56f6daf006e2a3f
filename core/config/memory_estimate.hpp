// The least memory a config's population takes, estimated from population_size and the shape of
// the initial genomes (genome.num_inputs, bias_node, num_outputs, num_hidden, initial_connection,
// connection_fraction), so that load_config() can refuse a run that cannot fit in this machine's
// memory in milliseconds, naming the keys, instead of failing with std::bad_alloc minutes later.
// A lower bound: genomes only grow, and the layout, the task and the statistics come on top.
#pragma once

#include <cstdint>

#include "core/config/config.hpp"

namespace ganglion {

struct PopulationEstimate {
  double nodes = 0;              // of one initial genome
  double connections = 0;        // of one initial genome (expected, for partial)
  double bytes_per_genome = 0;   // its genes in memory
  double bytes = 0;              // the population, held twice while the next one is made
};

PopulationEstimate estimate_population_memory(const Config& config);

}  // namespace ganglion
