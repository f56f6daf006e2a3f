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
// network n are local nodes output_node[n * num_outputs + k]. The arrays are listed, with their
// extents, in core/network/layout_fields.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/genome/genome.hpp"
#include "core/network/compiler.hpp"
#include "core/network/layout_fields.hpp"
#include "core/network/network.hpp"

namespace ganglion {

class ThreadPool;

struct PopulationLayout {
  uint32_t num_networks = 0;
  uint32_t num_inputs = 0;   // the same for every network
  uint32_t num_outputs = 0;  // the same for every network

  // The arrays, one per line of GANGLION_LAYOUT_FIELDS (core/network/layout_fields.hpp).
#define GANGLION_LAYOUT_MEMBER(name, type, extent, where) std::vector<type> name;
  GANGLION_LAYOUT_FIELDS(GANGLION_LAYOUT_MEMBER)
#undef GANGLION_LAYOUT_MEMBER

  // Shape summary, filled by pack() and select_networks() (fill_shape_summary).
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
  LayoutCounts counts() const;  // the totals the fields' extents are measured in
};

// Recomputes max_nodes, max_edges, max_levels and any_recurrent from the offsets.
void fill_shape_summary(PopulationLayout& layout);

// Packs already compiled networks (all with the same input and output counts, else GenomeError).
// The copying runs on `pool` when one is given, else on the calling thread.
PopulationLayout pack(const std::vector<CompiledNetwork>& networks, ThreadPool* pool = nullptr);

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
// The same on a pool the caller owns (a run's ExecutionContext). `networks`, when given, is kept by
// the caller across calls: network i is compiled into networks[i], reusing its arrays, so a
// generation allocates nothing once the population's sizes settle (the engine's per-generation
// call, through DirectDecoder). It holds about one more layout's worth of memory; without it each
// network is freed right after it is packed.
void compile_population(const std::vector<Genome>& genomes, const CompileOptions& options, PopulationLayout& out,
                        ThreadPool& pool, std::vector<CompiledNetwork>* networks = nullptr);
// Some networks of a population: `count` of them, network n being the population's
// first + n * stride (one rank's share of a population, docs/distributed.md: every K-th network).
struct NetworkRange {
  uint32_t first = 0;
  uint32_t count = 0;
  uint32_t stride = 1;
  uint64_t index(uint32_t n) const { return uint64_t(first) + uint64_t(n) * stride; }
  // Whether every network of it lies in a population of `n`.
  bool fits(uint64_t n) const { return count == 0 || (stride != 0 && index(count - 1) < n); }
  // The text of messages that refuse it ("40 networks from 2 every 3").
  std::string describe() const {
    return std::to_string(count) + " networks from " + std::to_string(first) + " every " + std::to_string(stride);
  }
  // Whether it is the whole of a population of `n`.
  bool whole(uint64_t n) const { return first == 0 && count == n && (stride == 1 || count <= 1); }
  // The position of population index i in the range, or false when i is not in it.
  bool position(uint64_t i, uint32_t& n) const {
    if (i < first || stride == 0 || (i - first) % stride != 0 || (i - first) / stride >= count) return false;
    n = uint32_t((i - first) / stride);
    return true;
  }
};

// The same for the genomes of `range` alone: network n of `out` is genome range.index(n). Throws
// Error when the range reaches outside the population.
void compile_population_range(const std::vector<Genome>& genomes, const NetworkRange& range,
                              const CompileOptions& options, PopulationLayout& out, ThreadPool& pool,
                              std::vector<CompiledNetwork>* networks = nullptr);

}  // namespace ganglion
