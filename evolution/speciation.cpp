#include "evolution/speciation.hpp"

#include <algorithm>

#include "core/rng.hpp"
#include "evolution/distance.hpp"

namespace ganglion {

void choose_representatives(EvolutionState& state, const Config& config) {
  for (auto& s : state.species) {
    if (s.members.empty()) continue;
    Rng rng = Rng::derive(config.seed, Purpose::Speciate, state.generation, s.id);
    s.representative = state.genomes[s.members[rng.below(s.members.size())]];
  }
}

void speciate(EvolutionState& state, const Config& config, ThreadPool& pool) {
  const auto& sc = config.speciation;
  const double threshold = state.compatibility_threshold;
  const size_t n = state.genomes.size();
  const size_t existing = state.species.size();
  for (auto& s : state.species) s.members.clear();

  // 1. Every genome against the existing representatives, in parallel.
  std::vector<int64_t> assigned(n, -1);
  pool.for_each(
      n,
      [&](size_t i) {
        for (size_t k = 0; k < existing; ++k) {
          if (compatibility_distance(state.species[k].representative, state.genomes[i], sc) < threshold) {
            assigned[i] = int64_t(k);
            return;
          }
        }
      },
      16);

  // 2. The rest, among species founded now. Sequentially this is: in population order, join the
  //    first new species within the threshold, else found one. Equivalently, and in parallel: the
  //    first unassigned genome founds a species (it matched none of the earlier ones), then every
  //    later unassigned genome within the threshold of it joins it; repeat.
  std::vector<uint32_t> open;
  for (size_t i = 0; i < n; ++i)
    if (assigned[i] < 0) open.push_back(uint32_t(i));
  while (!open.empty()) {
    const uint32_t founder = open.front();
    Species s;
    s.id = state.next_species_id++;
    s.created = state.generation;
    s.last_improved = state.generation;
    s.representative = state.genomes[founder];
    const int64_t k = int64_t(state.species.size());
    assigned[founder] = k;
    state.species.push_back(std::move(s));
    const Genome& rep = state.species.back().representative;
    pool.for_each(
        open.size() - 1,
        [&](size_t j) {
          const uint32_t g = open[j + 1];
          if (compatibility_distance(rep, state.genomes[g], sc) < threshold) assigned[g] = k;
        },
        64);
    open.erase(std::remove_if(open.begin(), open.end(), [&](uint32_t g) { return assigned[g] >= 0; }), open.end());
  }
  for (size_t i = 0; i < n; ++i) state.species[size_t(assigned[i])].members.push_back(uint32_t(i));

  state.species.erase(std::remove_if(state.species.begin(), state.species.end(),
                                     [](const Species& s) { return s.members.empty(); }),
                      state.species.end());

  if (sc.dynamic_threshold) {
    if (state.species.size() < sc.target_species)
      state.compatibility_threshold = std::max(sc.threshold_min, state.compatibility_threshold - sc.threshold_step);
    else if (state.species.size() > sc.target_species)
      state.compatibility_threshold += sc.threshold_step;
  }
}

}  // namespace ganglion
