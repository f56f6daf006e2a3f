// The network compiler: genome -> CompiledNetwork (core/network/network.hpp).
//  1. drop disabled connections and nodes that cannot influence an output;
//  2. classify edges: with feed_forward = true a cycle is an error naming the genome and nodes;
//     otherwise a depth-first search from the inputs in gene order marks each edge that closes
//     a cycle as recurrent (self-loops included);
//  3. level of each non-input node = 1 + max level of its feed-forward sources (0 when none);
//  4. renumber nodes by (level, gene id) and build the incoming-edge CSR in a fixed order.
#pragma once

#include <vector>

#include "core/genome/genome.hpp"
#include "core/network/network.hpp"

namespace ganglion {

struct CompileOptions {
  bool feed_forward = true;  // a cycle is an error instead of a recurrent edge
};

CompiledNetwork compile(const Genome& genome, const CompileOptions& options = {});
// The same into `out`, whose arrays are resized and overwritten: reusing one network keeps its
// capacity, so compiling into it again allocates nothing once sizes settle.
void compile(const Genome& genome, const CompileOptions& options, CompiledNetwork& out);

}  // namespace ganglion
