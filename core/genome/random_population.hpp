// NEAT-like random genomes for benchmarks: each genome starts fully connected (inputs and bias to
// outputs) and grows by random add-node and add-connection mutations until it has about
// `target_nodes` nodes with about `edges_per_node` enabled incoming edges per non-input node, so
// its shape resembles an evolved network. Used by `ganglion bench` and the GPU benchmarks.
#pragma once

#include <cstdint>
#include <vector>

#include "core/network/activation.hpp"
#include "core/genome/genome.hpp"
#include "core/rng.hpp"

namespace ganglion {

struct GrowOptions {
  uint32_t num_inputs = 8;
  uint32_t num_outputs = 2;
  bool bias_node = true;          // one Bias node (id -(num_inputs + 1))
  uint32_t target_nodes = 128;    // total node count including inputs, bias and outputs
  double edges_per_node = 4.0;    // mean enabled incoming edges per hidden/output node
  bool recurrent = false;         // add-connection may close cycles
  std::vector<Activation> activations = {Activation::Sigmoid};  // drawn uniformly per node
};

// Node ids follow neat-python: inputs -1..-num_inputs, outputs 0..num_outputs-1, hidden nodes
// num_outputs upwards. Innovation numbers are per genome. Deterministic in (options, seed, id).
Genome grow_genome(const GrowOptions& options, uint64_t seed, uint64_t genome_id);

// `count` genomes (ids 0..count-1), grown in parallel on `threads` threads (0 = all cores); the
// result does not depend on the thread count.
std::vector<Genome> grow_population(const GrowOptions& options, size_t count, uint64_t seed, unsigned threads = 0);

}  // namespace ganglion
