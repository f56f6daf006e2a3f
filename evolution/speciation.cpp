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

  // Sequentially, speciation is: in population order, each genome joins the first species (existing
  // ones first, then those founded so far this generation, in founding order) whose representative
  // is within the threshold, else founds a new species with itself as representative. The same
  // result, in parallel, chunk by chunk of the population:
  //   A. in parallel, each genome of the chunk against every representative that existed when the
  //      chunk began (the existing species and those founded by earlier chunks), first match wins;
  //   B. in order, each genome of the chunk still without a species against those founded within
  //      this chunk, else it founds one.
  // Every genome meets the representatives in the sequential order, so the species are the same
  // for any thread count. Chunks grow while few species are founded (B is short) and shrink when
  // many are (B is serial), so both a settled population and a fragmenting one take a few dozen
  // parallel rounds rather than one per new species.
  std::vector<int64_t> assigned(n, -1);
  std::vector<const Genome*> reps;
  reps.reserve(existing + 64);
  for (const auto& s : state.species) reps.push_back(&s.representative);
  std::vector<uint32_t> founders;  // genome index of each species founded now, in order
  size_t chunk = 64;
  for (size_t begin = 0; begin < n;) {
    const size_t end = std::min(n, begin + chunk);
    const size_t known = reps.size();
    pool.for_each(
        end - begin,
        [&](size_t j) {
          const Genome& g = state.genomes[begin + j];
          for (size_t k = 0; k < known; ++k)
            if (compatibility_distance(*reps[k], g, sc) < threshold) {
              assigned[begin + j] = int64_t(k);
              return;
            }
        },
        4);
    size_t founded = 0;
    for (size_t i = begin; i < end; ++i) {
      if (assigned[i] >= 0) continue;
      for (size_t k = known; k < reps.size(); ++k)
        if (compatibility_distance(*reps[k], state.genomes[i], sc) < threshold) {
          assigned[i] = int64_t(k);
          break;
        }
      if (assigned[i] >= 0) continue;
      assigned[i] = int64_t(reps.size());
      reps.push_back(&state.genomes[i]);
      founders.push_back(uint32_t(i));
      ++founded;
    }
    begin = end;
    chunk = founded * 16 <= chunk ? std::min<size_t>(chunk * 2, 4096) : std::max<size_t>(chunk / 2, 16);
  }
  // The new species, in founding order (reps[] pointed at their founders until now).
  state.species.reserve(existing + founders.size());
  for (uint32_t founder : founders) {
    Species s;
    s.id = state.next_species_id++;
    s.created = state.generation;
    s.last_improved = state.generation;
    s.representative = state.genomes[founder];
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
