#include "evolution/mutation.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ganglion {

namespace {
double draw(Distribution type, double center, double width, Rng& rng) {
  return type == Distribution::Gaussian ? rng.normal(center, width) : rng.uniform(center - width, center + width);
}
double clamp(double v, const GeneAttributeConfig& a) { return std::min(a.max_value, std::max(a.min_value, v)); }

bool has_connection(const Genome& g, int32_t s, int32_t t) {
  for (const auto& c : g.connections)
    if (c.source == s && c.target == t) return true;
  return false;
}
const NodeGene* node_of(const Genome& g, int32_t id) {
  for (const auto& n : g.nodes)
    if (n.id == id) return &n;
  return nullptr;
}
}  // namespace

double sample_attribute(const GeneAttributeConfig& a, Rng& rng) {
  if (a.init_stdev == 0.0) return clamp(a.init_mean, a);
  return clamp(draw(a.init_type, a.init_mean, a.init_stdev, rng), a);
}

double mutate_attribute(double value, const GeneAttributeConfig& a, Rng& rng) {
  double r = rng.uniform();
  if (r < a.mutate_rate) return clamp(draw(a.mutate_type, value, a.mutate_power, rng), a);
  if (r < a.mutate_rate + a.replace_rate) return sample_attribute(a, rng);
  return value;
}

bool creates_cycle(const Genome& genome, int32_t source, int32_t target) {
  if (source == target) return true;
  // Grow the set of nodes reachable from target until nothing changes; a cycle iff source joins.
  std::vector<int32_t> reached{target};
  bool grew = true;
  while (grew) {
    grew = false;
    for (const auto& c : genome.connections) {
      if (std::find(reached.begin(), reached.end(), c.source) == reached.end()) continue;
      if (c.target == source) return true;
      if (std::find(reached.begin(), reached.end(), c.target) == reached.end()) {
        reached.push_back(c.target);
        grew = true;
      }
    }
  }
  return false;
}

bool mutate_add_node(Genome& genome, const GenomeConfig& config, Rng& rng, PendingIds& pending) {
  uint32_t enabled = genome.enabled_connections();
  if (enabled == 0) return false;
  uint64_t pick = rng.below(enabled);
  size_t index = 0;
  for (size_t i = 0; i < genome.connections.size(); ++i) {
    if (!genome.connections[i].enabled) continue;
    if (pick-- == 0) { index = i; break; }
  }
  ConnectionGene& old = genome.connections[index];
  old.enabled = false;
  StructuralProposal p;
  p.kind = StructuralProposal::Kind::AddNode;
  p.source = old.source;
  p.target = old.target;
  p.innovation = old.innovation;
  p.node = pending.node();
  p.in_innovation = pending.innovation();
  p.out_innovation = pending.innovation();
  pending.proposals.push_back(p);

  NodeGene n;
  n.id = p.node;
  n.kind = NodeKind::Hidden;
  n.activation = config.activation_default;
  n.aggregation = config.aggregation_default;
  n.bias = float(sample_attribute(config.bias, rng));
  n.response = float(sample_attribute(config.response, rng));
  const float old_weight = old.weight;  // `old` dangles once connections grow
  genome.nodes.push_back(n);
  genome.connections.push_back(ConnectionGene{p.in_innovation, p.source, p.node, 1.0f, true});
  genome.connections.push_back(ConnectionGene{p.out_innovation, p.node, p.target, old_weight, true});
  return true;
}

bool mutate_add_connection(Genome& genome, const GenomeConfig& config, Rng& rng, PendingIds& pending) {
  std::vector<int32_t> targets;
  for (const auto& n : genome.nodes)
    if (n.kind == NodeKind::Hidden || n.kind == NodeKind::Output) targets.push_back(n.id);
  if (targets.empty() || genome.nodes.empty()) return false;
  for (int attempt = 0; attempt < 20; ++attempt) {
    const NodeGene& src = genome.nodes[rng.below(genome.nodes.size())];
    int32_t t = targets[rng.below(targets.size())];
    if (has_connection(genome, src.id, t)) continue;
    if (config.feed_forward) {
      if (src.kind == NodeKind::Output && node_of(genome, t)->kind == NodeKind::Output) continue;
      if (creates_cycle(genome, src.id, t)) continue;
    }
    StructuralProposal p;
    p.kind = StructuralProposal::Kind::AddConnection;
    p.source = src.id;
    p.target = t;
    p.innovation = pending.innovation();
    pending.proposals.push_back(p);
    genome.connections.push_back(
        ConnectionGene{p.innovation, p.source, p.target, float(sample_attribute(config.weight, rng)), true});
    return true;
  }
  return false;
}

bool mutate_delete_connection(Genome& genome, Rng& rng) {
  if (genome.connections.empty()) return false;
  genome.connections.erase(genome.connections.begin() + long(rng.below(genome.connections.size())));
  return true;
}

bool mutate_delete_node(Genome& genome, Rng& rng) {
  std::vector<size_t> hidden;
  for (size_t i = 0; i < genome.nodes.size(); ++i)
    if (genome.nodes[i].kind == NodeKind::Hidden) hidden.push_back(i);
  if (hidden.empty()) return false;
  size_t index = hidden[rng.below(hidden.size())];
  int32_t id = genome.nodes[index].id;
  genome.nodes.erase(genome.nodes.begin() + long(index));
  auto& cs = genome.connections;
  cs.erase(std::remove_if(cs.begin(), cs.end(), [id](const ConnectionGene& c) { return c.source == id || c.target == id; }),
           cs.end());
  return true;
}

void mutate_parameters(Genome& genome, const GenomeConfig& config, Rng& rng) {
  if (rng.chance(config.weight_mutate_genome_rate))
    for (auto& c : genome.connections) c.weight = float(mutate_attribute(c.weight, config.weight, rng));
  if (config.enabled_mutate_rate > 0.0) {
    for (auto& c : genome.connections) {
      if (!rng.chance(config.enabled_mutate_rate)) continue;
      // Enabling a connection cannot close a cycle: cycle checks count disabled connections too.
      c.enabled = !c.enabled;
    }
  }
  const bool bias = config.bias.mutate_rate + config.bias.replace_rate > 0.0;
  const bool response = config.response.mutate_rate + config.response.replace_rate > 0.0;
  const bool activation = config.activation_mutate_rate > 0.0 && config.activation_options.size() > 1;
  const bool aggregation = config.aggregation_mutate_rate > 0.0 && config.aggregation_options.size() > 1;
  if (!bias && !response && !activation && !aggregation) return;
  for (auto& n : genome.nodes) {
    if (n.kind != NodeKind::Hidden && n.kind != NodeKind::Output) continue;
    if (bias) n.bias = float(mutate_attribute(n.bias, config.bias, rng));
    if (response) n.response = float(mutate_attribute(n.response, config.response, rng));
    if (activation && rng.chance(config.activation_mutate_rate))
      n.activation = config.activation_options[rng.below(config.activation_options.size())];
    if (aggregation && rng.chance(config.aggregation_mutate_rate))
      n.aggregation = config.aggregation_options[rng.below(config.aggregation_options.size())];
  }
}

void mutate(Genome& genome, const GenomeConfig& config, Rng& rng, PendingIds& pending) {
  mutate_parameters(genome, config, rng);
  if (config.single_structural_mutation) {
    const double p[4] = {config.node_add_prob, config.conn_add_prob, config.node_delete_prob, config.conn_delete_prob};
    const double total = p[0] + p[1] + p[2] + p[3];
    double r = rng.uniform() * std::max(1.0, total);
    if (r < p[0]) mutate_add_node(genome, config, rng, pending);
    else if ((r -= p[0]) < p[1]) mutate_add_connection(genome, config, rng, pending);
    else if ((r -= p[1]) < p[2]) mutate_delete_node(genome, rng);
    else if ((r -= p[2]) < p[3]) mutate_delete_connection(genome, rng);
    return;
  }
  if (rng.chance(config.node_add_prob)) mutate_add_node(genome, config, rng, pending);
  if (rng.chance(config.conn_add_prob)) mutate_add_connection(genome, config, rng, pending);
  if (rng.chance(config.node_delete_prob)) mutate_delete_node(genome, rng);
  if (rng.chance(config.conn_delete_prob)) mutate_delete_connection(genome, rng);
}

}  // namespace ganglion
