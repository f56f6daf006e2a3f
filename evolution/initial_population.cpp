#include "evolution/initial_population.hpp"

#include <utility>

#include "core/error.hpp"
#include "evolution/mutation.hpp"

namespace ganglion {

namespace {
struct Shape {
  int32_t first_output = 0;
  int32_t first_hidden = 0;
  int32_t end = 0;
  std::vector<std::pair<int32_t, int32_t>> pairs;  // every possible initial connection, in innovation order
};

Shape shape_of(const GenomeConfig& c) {
  // 0 means "the task's": a run made with its task (Engine, Session) has filled the count in.
  if (c.num_inputs == 0 || c.num_outputs == 0)
    throw ConfigError(std::string("genome.") + (c.num_inputs == 0 ? "num_inputs" : "num_outputs") +
                      " is 0 (the task's count), but genomes are being made without a task to take it from; give "
                      "genome.num_inputs and genome.num_outputs");
  Shape s;
  const int32_t sources = int32_t(c.num_inputs) + (c.bias_node ? 1 : 0);
  s.first_output = sources;
  s.first_hidden = s.first_output + int32_t(c.num_outputs);
  s.end = s.first_hidden + int32_t(c.num_hidden);
  if (c.num_hidden == 0) {
    for (int32_t o = s.first_output; o < s.first_hidden; ++o)
      for (int32_t i = 0; i < sources; ++i) s.pairs.emplace_back(i, o);
  } else {
    for (int32_t h = s.first_hidden; h < s.end; ++h)
      for (int32_t i = 0; i < sources; ++i) s.pairs.emplace_back(i, h);
    for (int32_t o = s.first_output; o < s.first_hidden; ++o)
      for (int32_t h = s.first_hidden; h < s.end; ++h) s.pairs.emplace_back(h, o);
  }
  return s;
}
}  // namespace

Genome make_initial_genome(const GenomeConfig& config, uint64_t id, Rng& rng) {
  const Shape s = shape_of(config);
  Genome g;
  g.id = id;
  for (int32_t i = 0; i < s.end; ++i) {
    NodeGene n;
    n.id = i;
    if (i < int32_t(config.num_inputs)) n.kind = NodeKind::Input;
    else if (i < s.first_output) n.kind = NodeKind::Bias;
    else if (i < s.first_hidden) n.kind = NodeKind::Output;
    else n.kind = NodeKind::Hidden;
    n.activation = config.activation_default;
    n.aggregation = config.aggregation_default;
    if (n.kind == NodeKind::Hidden || n.kind == NodeKind::Output) {
      n.bias = float(sample_attribute(config.bias, rng));
      n.response = float(sample_attribute(config.response, rng));
    }
    g.nodes.push_back(n);
  }
  for (size_t k = 0; k < s.pairs.size(); ++k) {
    if (config.initial_connection == InitialConnection::None) break;
    if (config.initial_connection == InitialConnection::Partial && !rng.chance(config.connection_fraction)) continue;
    g.connections.push_back(ConnectionGene{int64_t(k), s.pairs[k].first, s.pairs[k].second,
                                           float(sample_attribute(config.weight, rng)), true});
  }
  return g;
}

void reserve_initial_ids(const GenomeConfig& config, InnovationHistory& history) {
  const Shape s = shape_of(config);
  if (history.next_node_id < s.end) history.next_node_id = s.end;
  if (history.next_innovation < int64_t(s.pairs.size())) history.next_innovation = int64_t(s.pairs.size());
}

std::vector<Genome> make_initial_population(const Config& config, uint64_t first_id, uint32_t count,
                                            uint64_t restart) {
  std::vector<Genome> out;
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    Rng rng = Rng::derive(config.seed, Purpose::InitialPopulation, i, restart);
    out.push_back(make_initial_genome(config.genome, first_id + i, rng));
  }
  return out;
}

}  // namespace ganglion
