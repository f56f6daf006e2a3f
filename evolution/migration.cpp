#include "evolution/migration.hpp"

#include <algorithm>
#include <map>
#include <numeric>

#include "core/rng.hpp"
#include "evolution/reproduction.hpp"

namespace ganglion {

std::vector<uint32_t> best_genomes(const EvolutionState& state, const Config& config, uint32_t count) {
  std::vector<uint32_t> order(state.genomes.size());
  std::iota(order.begin(), order.end(), 0u);
  const size_t k = std::min<size_t>(count, order.size());
  auto better = [&](uint32_t a, uint32_t b) {
    const double sa = score_of(state.genomes[a].fitness, config), sb = score_of(state.genomes[b].fitness, config);
    if (sa != sb) return sa > sb;
    return state.genomes[a].id < state.genomes[b].id;
  };
  std::partial_sort(order.begin(), order.begin() + long(k), order.end(), better);
  order.resize(k);
  return order;
}

Genome naturalise(const Genome& genome, InnovationHistory& innovations) {
  Genome g = genome;
  std::map<int32_t, int32_t> hidden;  // the sender's hidden node id -> ours
  for (NodeGene& n : g.nodes) {
    if (n.kind != NodeKind::Hidden) continue;
    const int32_t mine = innovations.next_node_id++;
    hidden.emplace(n.id, mine);
    n.id = mine;
  }
  auto node = [&](int32_t id) {
    const auto it = hidden.find(id);
    return it == hidden.end() ? id : it->second;
  };
  // Connections keep their order (ascending sender innovation), so fresh numbers keep them sorted.
  for (ConnectionGene& c : g.connections) {
    c.innovation = innovations.next_innovation++;
    c.source = node(c.source);
    c.target = node(c.target);
  }
  g.sort();
  return g;
}

std::vector<uint32_t> take_in(std::vector<Genome>& children, const std::vector<uint8_t>& elite,
                              const std::vector<Genome>& immigrants, InnovationHistory& innovations) {
  std::vector<uint32_t> places;
  for (size_t i = children.size(); i-- > 0 && places.size() < immigrants.size();)
    if (i >= elite.size() || !elite[i]) places.push_back(uint32_t(i));
  for (size_t k = 0; k < places.size(); ++k) {
    Genome& child = children[places[k]];
    const uint64_t id = child.id;
    child = naturalise(immigrants[k], innovations);
    child.id = id;
    child.fitness = 0.0;
    child.evaluated = false;
  }
  return places;
}

uint64_t island_seed(uint64_t seed, int island) {
  return island == 0 ? seed : Rng::derive(seed, Purpose::Island, uint64_t(island)).next();
}

std::vector<int> migration_destinations(IslandTopology topology, uint64_t seed, uint32_t generation, int islands) {
  std::vector<int> dest(size_t(std::max(islands, 0)));
  if (islands <= 1) {
    std::iota(dest.begin(), dest.end(), 0);
    return dest;
  }
  if (topology == IslandTopology::Ring) {
    for (int r = 0; r < islands; ++r) dest[size_t(r)] = (r + 1) % islands;
    return dest;
  }
  // Sattolo's shuffle: a uniformly drawn permutation of one cycle through every island, so no
  // island sends to itself and each receives from exactly one.
  std::iota(dest.begin(), dest.end(), 0);
  Rng rng = Rng::derive(seed, Purpose::Migration, generation);
  for (size_t i = dest.size() - 1; i > 0; --i) std::swap(dest[i], dest[size_t(rng.below(i))]);
  return dest;
}

bool migrates_after(const DistributedConfig& config, uint32_t generation, int islands) {
  return islands > 1 && config.migrants > 0 && (generation + 1) % config.interval == 0;
}

}  // namespace ganglion
