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

  // 2. The rest, in population order, among species founded now.
  for (size_t i = 0; i < n; ++i) {
    if (assigned[i] >= 0) continue;
    for (size_t k = existing; k < state.species.size(); ++k) {
      if (compatibility_distance(state.species[k].representative, state.genomes[i], sc) < threshold) {
        assigned[i] = int64_t(k);
        break;
      }
    }
    if (assigned[i] >= 0) continue;
    Species s;
    s.id = state.next_species_id++;
    s.created = state.generation;
    s.last_improved = state.generation;
    s.representative = state.genomes[i];
    assigned[i] = int64_t(state.species.size());
    state.species.push_back(std::move(s));
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
