// PopulationLayout: every compiled network of a population packed into flat struct-of-arrays
// buffers with per-network offsets and 32-bit indices. It is the only thing evaluators read; the
// CUDA evaluator copies it to the device in one transfer.
//
// Network n owns nodes [node_offset[n], node_offset[n+1]), feed-forward edges
// [edge_offset[n], edge_offset[n+1]), recurrent edges [rec_edge_offset[n], rec_edge_offset[n+1]),
// and level bounds level_start[level_offset[n] .. level_offset[n+1]) (num_levels + 1 entries,
// local node indices, the last equal to the network's node count). row_offset / rec_row_offset
// are per global node (plus one sentinel at the end) and hold global edge indices; src and
// rec_src hold LOCAL node indices (so a network's values can live in shared memory). Outputs of
// network n are local nodes output_node[n * num_outputs + k].
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/genome/genome.hpp"
#include "core/network/compiler.hpp"
#include "core/network/network.hpp"

namespace ganglion {

class ThreadPool;

struct PopulationLayout {
  uint32_t num_networks = 0;
  uint32_t num_inputs = 0;   // the same for every network
  uint32_t num_outputs = 0;  // the same for every network

  std::vector<uint64_t> genome_id;        // per network
  std::vector<uint32_t> node_offset;      // size num_networks + 1
  std::vector<uint32_t> edge_offset;      // size num_networks + 1
  std::vector<uint32_t> rec_edge_offset;  // size num_networks + 1
  std::vector<uint32_t> level_offset;     // size num_networks + 1, into level_start
  std::vector<uint32_t> num_bias;         // per network: bias nodes follow the inputs

  std::vector<uint32_t> level_start;  // local node indices, see above

  // Per global node.
  std::vector<uint8_t> activation;   // Activation
  std::vector<uint8_t> aggregation;  // Aggregation
  std::vector<float> bias;
  std::vector<float> response;
  std::vector<uint32_t> row_offset;      // size total_nodes + 1, global edge index
  std::vector<uint32_t> rec_row_offset;  // size total_nodes + 1, global recurrent edge index

  // Per edge.
  std::vector<uint32_t> src;  // local source index
  std::vector<float> weight;
  std::vector<uint32_t> rec_src;
  std::vector<float> rec_weight;

  std::vector<uint32_t> output_node;  // num_networks * num_outputs local indices

  // Shape summary, filled by pack().
  uint32_t max_nodes = 0;
  uint32_t max_edges = 0;
  uint32_t max_levels = 0;  // levels excluding level 0
  bool any_recurrent = false;

  uint32_t total_nodes() const { return node_offset.empty() ? 0 : node_offset.back(); }
  uint32_t total_edges() const { return edge_offset.empty() ? 0 : edge_offset.back(); }
  uint32_t total_rec_edges() const { return rec_edge_offset.empty() ? 0 : rec_edge_offset.back(); }
  uint32_t nodes_of(uint32_t n) const { return node_offset[n + 1] - node_offset[n]; }
  uint32_t levels_of(uint32_t n) const { return level_offset[n + 1] - level_offset[n] - 1; }
  size_t bytes() const;  // total size of all arrays
};

// Packs already compiled networks (all with the same input and output counts, else GenomeError).
PopulationLayout pack(const std::vector<CompiledNetwork>& networks);

// Compiles and packs a whole population, in parallel on a pool of `threads` threads made for the
// call (0 = all cores).
// The result does not depend on the thread count.
PopulationLayout compile_population(const std::vector<Genome>& genomes, const CompileOptions& options,
                                    unsigned threads = 0);

// The same into an existing layout, reusing its buffers: when the population did not grow there
// is no allocation, zero-fill or page fault, which is most of the cost for large networks. The
// per-generation path of an engine that keeps its layout. On an error `out` is left unspecified.
void compile_population(const std::vector<Genome>& genomes, const CompileOptions& options, PopulationLayout& out,
                        unsigned threads = 0);
// The same on a pool the caller owns (a run's ExecutionContext): the engine's per-generation call.
void compile_population(const std::vector<Genome>& genomes, const CompileOptions& options, PopulationLayout& out,
                        ThreadPool& pool);

}  // namespace ganglion
