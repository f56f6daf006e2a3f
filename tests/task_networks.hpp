// Small hand-made networks for the task tests: single-layer linear genomes (inputs and one bias
// node fully connected to the outputs) compiled into a PopulationLayout.
#pragma once

#include <cstdint>
#include <vector>

#include "core/genome/genome.hpp"
#include "core/network/layout.hpp"

namespace ganglion::testing {

// weights[o][i] for i < num_inputs, weights[o][num_inputs] is the bias node's weight.
inline Genome linear_genome(uint64_t id, uint32_t num_inputs, const std::vector<std::vector<float>>& weights,
                            Activation activation = Activation::Identity) {
  Genome g;
  g.id = id;
  const int32_t bias_id = int32_t(num_inputs);
  for (uint32_t i = 0; i < num_inputs; ++i) g.nodes.push_back({int32_t(i), NodeKind::Input, Activation::Identity});
  g.nodes.push_back({bias_id, NodeKind::Bias, Activation::Identity});
  int64_t innovation = 0;
  for (uint32_t o = 0; o < weights.size(); ++o) {
    const int32_t out_id = bias_id + 1 + int32_t(o);
    g.nodes.push_back({out_id, NodeKind::Output, activation, Aggregation::Sum, 0.0f, 1.0f});
    for (uint32_t i = 0; i <= num_inputs; ++i)
      g.connections.push_back({innovation++, int32_t(i), out_id, weights[o][i], true});
  }
  g.sort();
  return g;
}

inline PopulationLayout layout_of(const std::vector<Genome>& genomes, bool feed_forward = true) {
  CompileOptions options;
  options.feed_forward = feed_forward;
  return compile_population(genomes, options, 1);
}

}  // namespace ganglion::testing
