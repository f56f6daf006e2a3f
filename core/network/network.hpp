// A compiled network: one genome turned into the dependency-grouped CSR form the evaluators read
// (the method of "GPU Acceleration of Sparse Neural Networks", Gajurel, Louis, Harris).
//
// Local node numbering, after compilation:
//   [0, num_inputs)                     the inputs, in input order            (level 0)
//   [num_inputs, num_inputs+num_bias)   bias nodes, value 1                   (level 0)
//   then every remaining node, sorted by level, ties broken by gene id.
// level_start[k] is the first node of level k; level_start.back() == num_nodes. Level 0 holds
// inputs and bias nodes; a node of level k > 0 reads only nodes of levels < k through its
// feed-forward edges. Incoming feed-forward edges of node j are edges [row_offset[j],
// row_offset[j+1]) in ascending source order (then innovation); recurrent edges (those that close
// a cycle, including self-loops) live apart in rec_* and read the previous step's values.
#pragma once

#include <cstdint>
#include <vector>

#include "core/network/activation.hpp"

namespace ganglion {

struct CompiledNetwork {
  uint64_t genome_id = 0;
  uint32_t num_inputs = 0;
  uint32_t num_bias = 0;
  uint32_t num_outputs = 0;
  uint32_t num_nodes = 0;  // including inputs and bias nodes

  std::vector<uint32_t> level_start;  // size num_levels + 1 (level 0 included)

  // Per node (size num_nodes; entries for level-0 nodes are unused).
  std::vector<Activation> activation;
  std::vector<Aggregation> aggregation;
  std::vector<float> bias;
  std::vector<float> response;
  std::vector<int32_t> gene_id;  // the genome's node id of each local node

  // Feed-forward incoming edges (CSR over local node indices).
  std::vector<uint32_t> row_offset;  // size num_nodes + 1
  std::vector<uint32_t> src;
  std::vector<float> weight;

  // Recurrent incoming edges (CSR, same shape); empty arrays of zeros when there are none.
  std::vector<uint32_t> rec_row_offset;  // size num_nodes + 1
  std::vector<uint32_t> rec_src;
  std::vector<float> rec_weight;

  std::vector<uint32_t> output_node;  // local index of each output, size num_outputs

  uint32_t num_levels() const { return level_start.empty() ? 0 : uint32_t(level_start.size() - 1); }
  uint32_t num_edges() const { return uint32_t(src.size()); }
  uint32_t num_rec_edges() const { return uint32_t(rec_src.size()); }
  bool recurrent() const { return !rec_src.empty(); }
};

}  // namespace ganglion
