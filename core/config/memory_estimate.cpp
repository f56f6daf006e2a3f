#include "core/config/memory_estimate.hpp"

#include "core/genome/genome.hpp"

namespace ganglion {

PopulationEstimate estimate_population_memory(const Config& config) {
  const GenomeConfig& g = config.genome;
  PopulationEstimate e;
  // The initial genome's shape (evolution/initial_population.hpp states it): inputs and the bias
  // to every output, or with hidden nodes to every hidden node and every hidden node to every output.
  // Counts left at 0 are the task's, unknown here: at least one each, so this is a lower bound.
  const double inputs = g.num_inputs ? double(g.num_inputs) : 1.0;
  const double outputs = g.num_outputs ? double(g.num_outputs) : 1.0;
  const double sources = inputs + (g.bias_node ? 1 : 0);
  e.nodes = sources + outputs + double(g.num_hidden);
  const double possible = g.num_hidden == 0 ? sources * outputs : (sources + outputs) * double(g.num_hidden);
  switch (g.initial_connection) {
    case InitialConnection::Full: e.connections = possible; break;
    case InitialConnection::Partial: e.connections = possible * g.connection_fraction; break;
    case InitialConnection::None: e.connections = 0; break;
  }
  e.bytes_per_genome = double(sizeof(Genome)) + e.nodes * double(sizeof(NodeGene)) +
                       e.connections * double(sizeof(ConnectionGene));
  // Reproduction makes the next population while the current one is alive.
  e.bytes = 2.0 * double(config.population_size) * e.bytes_per_genome;
  return e;
}

}  // namespace ganglion
