#include "evolution/innovation.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace ganglion {

void begin_generation(InnovationHistory& history) {
  history.connections.clear();
  history.splits.clear();
}

int64_t connection_innovation(InnovationHistory& history, int32_t source, int32_t target) {
  auto key = std::make_pair(source, target);
  auto it = history.connections.find(key);
  if (it != history.connections.end()) return it->second;
  int64_t innovation = history.next_innovation++;
  history.connections.emplace(key, innovation);
  return innovation;
}

SplitRecord split_innovation(InnovationHistory& history, int64_t innovation, int32_t source, int32_t target) {
  auto it = history.splits.find(innovation);
  if (it != history.splits.end()) return it->second;
  SplitRecord r;
  r.node = history.next_node_id++;
  r.in_innovation = connection_innovation(history, source, r.node);
  r.out_innovation = connection_innovation(history, r.node, target);
  history.splits.emplace(innovation, r);
  return r;
}

namespace {
// Pending ids are dense from their base, so a vector indexed by offset maps them.
template <typename T>
void set_map(std::vector<T>& map, T base, T pending, T real) {
  size_t k = size_t(pending - base);
  if (map.size() <= k) map.resize(k + 1, T(-1));
  map[k] = real;
}
template <typename T>
T get_map(const std::vector<T>& map, T base, T id, uint64_t genome_id) {
  size_t k = size_t(id - base);
  if (k >= map.size() || map[k] < 0)
    throw Error("internal: genome " + std::to_string(genome_id) + " holds pending id " + std::to_string(id) +
                " that no proposal defines");
  return map[k];
}
}  // namespace

PendingMap assign_pending(const Genome& genome, const PendingIds& pending, InnovationHistory& history) {
  PendingMap map;
  if (pending.proposals.empty()) return map;
  auto real_node = [&](int32_t id) {
    return is_pending_node(id) ? get_map(map.nodes, kPendingNodeBase, id, genome.id) : id;
  };
  auto real_innovation = [&](int64_t i) {
    return is_pending_innovation(i) ? get_map(map.innovations, kPendingInnovationBase, i, genome.id) : i;
  };
  auto holds_node = [&](int32_t id) {
    for (const auto& n : genome.nodes)
      if (n.id == id) return true;
    return std::find(map.nodes.begin(), map.nodes.end(), id) != map.nodes.end();
  };
  for (const auto& p : pending.proposals) {
    int32_t s = real_node(p.source);
    int32_t t = real_node(p.target);
    if (p.kind == StructuralProposal::Kind::AddConnection) {
      set_map(map.innovations, kPendingInnovationBase, p.innovation, connection_innovation(history, s, t));
    } else {
      SplitRecord r = split_innovation(history, real_innovation(p.innovation), s, t);
      if (holds_node(r.node)) {  // the same connection split twice in one child
        r.node = history.next_node_id++;
        r.in_innovation = history.next_innovation++;
        r.out_innovation = history.next_innovation++;
      }
      set_map(map.nodes, kPendingNodeBase, p.node, r.node);
      set_map(map.innovations, kPendingInnovationBase, p.in_innovation, r.in_innovation);
      set_map(map.innovations, kPendingInnovationBase, p.out_innovation, r.out_innovation);
    }
  }
  return map;
}

void apply_pending(Genome& genome, const PendingMap& map) {
  if (map.nodes.empty() && map.innovations.empty()) return;
  auto real_node = [&](int32_t id) {
    return is_pending_node(id) ? get_map(map.nodes, kPendingNodeBase, id, genome.id) : id;
  };
  auto real_innovation = [&](int64_t i) {
    return is_pending_innovation(i) ? get_map(map.innovations, kPendingInnovationBase, i, genome.id) : i;
  };
  for (auto& n : genome.nodes) n.id = real_node(n.id);
  for (auto& c : genome.connections) {
    c.innovation = real_innovation(c.innovation);
    c.source = real_node(c.source);
    c.target = real_node(c.target);
  }
  genome.sort();
}

void resolve_pending(Genome& genome, const PendingIds& pending, InnovationHistory& history) {
  apply_pending(genome, assign_pending(genome, pending, history));
}

}  // namespace ganglion
