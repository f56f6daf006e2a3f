#include "evolution/speciation.hpp"

#include <algorithm>

#include "core/rng.hpp"
#include "evolution/distance.hpp"

namespace ganglion {

namespace {
// The index of the first of reps[from, to) within the threshold of g, or `to`: within_threshold()
// in two steps. Blocks of 64 representatives are screened at once (screen_apart: those not
// provably apart), then the few that pass go through the gene merge in order.
size_t first_within(const DistanceColumns& reps, size_t from, size_t to, const DistanceGenome& g,
                    const SpeciationConfig& config, const DistanceBound& bound) {
  const uint32_t g_limit = bound.apart_limit(g.genes);
  constexpr size_t kBlock = 64;
  for (size_t begin = from; begin < to; begin += kBlock) {
    uint64_t maybe = screen_apart(reps, begin, std::min(to, begin + kBlock), g, g_limit, bound.include_node_genes);
    while (maybe) {
      const size_t k = begin + size_t(__builtin_ctzll(maybe));
      maybe &= maybe - 1;
      if (within_threshold_merged(reps.genome[k], g, config, bound)) return k;
    }
  }
  return to;
}
}  // namespace

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
  std::vector<DistanceGenome> keys(n);
  pool.for_each(n, [&](size_t i) { keys[i] = distance_genome(state.genomes[i], sc); }, 256);
  std::vector<int64_t> assigned(n, -1);
  std::vector<DistanceGenome> existing_reps;
  existing_reps.reserve(existing);
  for (const auto& s : state.species) existing_reps.push_back(distance_genome(s.representative, sc));
  uint32_t max_genes = 0;
  for (const auto& k : keys) max_genes = std::max(max_genes, k.genes);
  for (const auto& r : existing_reps) max_genes = std::max(max_genes, r.genes);
  const DistanceBound bound = distance_bound(sc, threshold, max_genes);
  DistanceColumns reps;
  reps.reserve(existing + 64);
  for (const auto& r : existing_reps) reps.push(r, bound);
  std::vector<uint32_t> founders;  // genome index of each species founded now, in order
  size_t chunk = 64;
  for (size_t begin = 0; begin < n;) {
    const size_t end = std::min(n, begin + chunk);
    const size_t known = reps.size();
    pool.for_each(
        end - begin,
        [&](size_t j) {
          const size_t k = first_within(reps, 0, known, keys[begin + j], sc, bound);
          if (k < known) assigned[begin + j] = int64_t(k);
        },
        4);
    size_t founded = 0;
    for (size_t i = begin; i < end; ++i) {
      if (assigned[i] >= 0) continue;
      const size_t k = first_within(reps, known, reps.size(), keys[i], sc, bound);
      if (k < reps.size()) {
        assigned[i] = int64_t(k);
        continue;
      }
      assigned[i] = int64_t(reps.size());
      reps.push(keys[i], bound);
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
