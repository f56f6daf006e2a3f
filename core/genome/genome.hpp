// A NEAT genome: node genes and connection genes with innovation numbers. This is what evolution
// mutates and crosses, what checkpoints store and what the compiler turns into a network.
//
// Conventions: node ids are unique within a genome; the i-th input of a network is the i-th
// Input node in ascending id order, likewise for outputs. Bias nodes always emit 1. Nodes are kept
// sorted by id and connections by innovation number (see Genome::sort()).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/network/activation.hpp"

namespace ganglion {

enum class NodeKind : uint8_t { Input = 0, Bias, Hidden, Output };

struct NodeGene {
  int32_t id = 0;
  NodeKind kind = NodeKind::Hidden;
  Activation activation = Activation::Sigmoid;
  Aggregation aggregation = Aggregation::Sum;
  float bias = 0.0f;
  float response = 1.0f;

  bool operator==(const NodeGene& o) const {
    return id == o.id && kind == o.kind && activation == o.activation &&
           aggregation == o.aggregation && bias == o.bias && response == o.response;
  }
};

struct ConnectionGene {
  int64_t innovation = 0;
  int32_t source = 0;
  int32_t target = 0;
  float weight = 0.0f;
  bool enabled = true;

  bool operator==(const ConnectionGene& o) const {
    return innovation == o.innovation && source == o.source && target == o.target &&
           weight == o.weight && enabled == o.enabled;
  }
};

struct Genome {
  uint64_t id = 0;
  std::vector<NodeGene> nodes;              // sorted by id
  std::vector<ConnectionGene> connections;  // sorted by innovation
  double fitness = 0.0;
  bool evaluated = false;

  void sort();  // restores the ordering conventions above
  const NodeGene* find_node(int32_t id) const;  // binary search; nodes must be sorted
  uint32_t count(NodeKind kind) const;
  uint32_t enabled_connections() const;
  bool operator==(const Genome& o) const {
    return id == o.id && nodes == o.nodes && connections == o.connections;
  }
};

std::string_view node_kind_name(NodeKind k);

// A run's re-test of its champion on fresh episodes (run.champion_episodes), recorded beside the
// genome in best_genome.json as "retest": the genome's own "fitness" stays its training fitness.
struct GenomeRetest {
  uint32_t episodes = 0;    // fresh episodes played
  double fitness = 0.0;     // the task's fitness over them (mean or min, as in training)
  uint32_t generation = 0;  // the generation in which it was re-tested
  bool operator==(const GenomeRetest& o) const {
    return episodes == o.episodes && fitness == o.fitness && generation == o.generation;
  }
};

// JSON (human-readable, stable field names, "format_version": 1). Loading validates: duplicate
// node ids, connections to missing nodes, NaN/Inf weights, unknown activation names each throw a
// GenomeError naming the genome, the gene and (for files) the path.
// `retest`, when given, is written as the "retest" object; reading fills `retest` (when given)
// from it, or leaves it empty when the file has none.
std::string genome_to_json(const Genome& g, int indent = 2, const GenomeRetest* retest = nullptr);
Genome genome_from_json(const std::string& text, const std::string& origin = "<string>",
                        std::optional<GenomeRetest>* retest = nullptr);
// A genome file's text (what save_genome writes): validated (GenomeError naming `origin`), JSON, a
// final newline.
std::string genome_file_text(const Genome& g, const std::string& origin, const GenomeRetest* retest = nullptr);
void save_genome(const Genome& g, const std::string& path, const GenomeRetest* retest = nullptr);
Genome load_genome(const std::string& path, std::optional<GenomeRetest>* retest = nullptr);

// Checks the invariants loading enforces; throws GenomeError naming `origin`.
void validate_genome(const Genome& g, const std::string& origin);

}  // namespace ganglion
