// Export formats for one genome: graphviz DOT, Ganglion's network JSON (the compiled levels), a
// network for neat-python, and a plain layered SVG drawing for when graphviz is missing. All are
// pure functions of the genome (no I/O); docs/export.md describes every format field by field.
#pragma once

#include <string>

#include "core/genome/genome.hpp"
#include "core/network/network.hpp"

namespace ganglion {

// Graphviz DOT. Inputs and bias nodes share the first rank, outputs the last, hidden nodes one
// rank per compiled level; nodes that cannot influence an output are drawn grey without a rank.
// Disabled connections are dashed grey; enabled ones are blue (weight >= 0) or red (< 0) with a
// pen width that grows with |weight| relative to the largest |weight| of the genome; recurrent
// connections do not constrain the layout. The output is deterministic (fixed number format).
std::string genome_to_dot(const Genome& genome);

// Ganglion's network JSON: the compiled network (local numbering, levels, CSR edges as lists).
std::string network_to_json(const CompiledNetwork& net, int indent = 2);
std::string genome_to_network_json(const Genome& genome, int indent = 2);  // compiles first

// neat-python's genome/network semantics: inputs -1..-n, outputs 0..m-1, hidden m, m+1, ...;
// bias nodes folded into node biases (or responses for product nodes); only feed-forward genomes.
// Throws GenomeError naming the genome and node when a node cannot be expressed (a bias-node
// connection into a max/min/maxabs/mean node, or an activation neat-python lacks: step).
std::string genome_to_neat_python_json(const Genome& genome, int indent = 2);

// A self-contained SVG of the network drawn by level (columns), without graphviz.
std::string genome_to_layered_svg(const Genome& genome);

}  // namespace ganglion
