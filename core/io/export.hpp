// Export formats for one genome: graphviz DOT, Ganglion's network JSON (the compiled levels),
// neat-python's network JSON, Ganglion's neat-python genome JSON, and a plain layered SVG drawing
// for when graphviz is missing. All are pure functions of their arguments (no I/O);
// docs/export.md describes every format field by field.
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

// neat-python 2.x's network JSON (neat.export.export_network_json; its docs/network-json-format.md):
// network_type "feedforward", or "recurrent" when a connection closes a cycle, with the node and
// connection lists in neat-python's keys (inputs -1..-n, outputs 0..m-1, hidden m, m+1, ...) and
// bias nodes folded into node biases (or responses for product nodes). `created_timestamp` is the
// metadata's required ISO 8601 time, given by the caller so that the text is a function of its
// arguments. Throws GenomeError naming the genome and node when a node cannot be expressed (a
// bias-node connection into a max/min/maxabs/mean node, or an activation neat-python lacks: step).
std::string genome_to_neat_python_network_json(const Genome& genome, const std::string& created_timestamp,
                                               int indent = 2);

// The time for created_timestamp, ISO 8601 in UTC ("2026-01-31T12:00:00Z"): now, or the
// SOURCE_DATE_EPOCH environment variable's time (seconds since 1970) when it is set, the
// reproducible-builds convention, for byte-identical exports. Throws Error when it is not a number.
std::string export_timestamp();

// Ganglion's own neat-python genome JSON: DefaultGenome-style node and connection genes and the
// node_evals of neat.nn.FeedForwardNetwork, with the same keys and folding; feed-forward genomes
// only (a recurrent one is refused, naming a connection that closes a cycle).
std::string genome_to_neat_python_genome_json(const Genome& genome, int indent = 2);

// A self-contained SVG of the network drawn by level (columns), without graphviz.
std::string genome_to_layered_svg(const Genome& genome);

}  // namespace ganglion
