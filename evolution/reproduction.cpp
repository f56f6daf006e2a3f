#include "evolution/reproduction.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <string>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "evolution/crossover.hpp"
#include "evolution/initial_population.hpp"
#include "evolution/innovation.hpp"
#include "evolution/mutation.hpp"
#include "evolution/speciation.hpp"

namespace ganglion {

void update_species_fitness(EvolutionState& state, const Config& config) {
  for (auto& s : state.species) {
    if (s.members.empty()) continue;
    double best = -INFINITY;
    for (uint32_t m : s.members) best = std::max(best, score_of(state.genomes[m].fitness, config));
    if (!s.has_best || best > s.best_score) {
      s.best_score = best;
      s.last_improved = state.generation;
      s.has_best = true;
    }
  }
}

std::vector<uint32_t> allocate_offspring(const std::vector<double>& adjusted, uint32_t total, uint32_t min_size) {
  const size_t n = adjusted.size();
  std::vector<uint32_t> out(n, 0);
  if (n == 0) return out;
  const uint32_t base = std::min<uint32_t>(min_size, uint32_t(total / n));
  for (auto& v : out) v = base;
  const uint32_t rest = total - base * uint32_t(n);
  double sum = 0.0;
  for (double a : adjusted) sum += a;
  std::vector<double> share(n);
  for (size_t k = 0; k < n; ++k) share[k] = sum > 0.0 ? double(rest) * adjusted[k] / sum : double(rest) / double(n);
  uint32_t given = 0;
  std::vector<std::pair<double, size_t>> remainder;
  for (size_t k = 0; k < n; ++k) {
    uint32_t whole = uint32_t(std::floor(share[k]));
    out[k] += whole;
    given += whole;
    remainder.emplace_back(share[k] - double(whole), k);
  }
  std::stable_sort(remainder.begin(), remainder.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t r = 0; given < rest; ++r, ++given) out[remainder[r % n].second] += 1;
  return out;
}

namespace {
void timed_speciate(EvolutionState& state, const Config& config, ThreadPool& pool, double* seconds) {
  const auto t = std::chrono::steady_clock::now();
  speciate(state, config, pool);
  if (seconds) *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}
}  // namespace

void initialise_population(EvolutionState& state, const Config& config, ThreadPool& pool, double* speciate_seconds) {
  reserve_initial_ids(config.genome, state.innovations);
  state.genomes = make_initial_population(config, state.next_genome_id, config.population_size, state.restarts);
  state.next_genome_id += config.population_size;
  state.species.clear();
  timed_speciate(state, config, pool, speciate_seconds);
}

namespace {
// One child of the plan: a copy of an elite, or an offspring of a species.
struct ChildPlan {
  uint32_t species = 0;  // index into the surviving species
  int64_t elite = -1;    // genome index to copy unchanged, or -1
};
}  // namespace

bool reproduce(EvolutionState& state, const Config& config, ThreadPool& pool, double* speciate_seconds,
               const ChildrenHook* children_hook) {
  const auto& rc = config.reproduction;
  const uint32_t gen = state.generation;
  // Every genome's score and id in two arrays, read by the sorts below (through the genomes
  // themselves, each comparison was two cache misses).
  const size_t population = state.genomes.size();
  std::vector<double> scores(population);
  std::vector<uint64_t> genome_ids(population);
  pool.for_each(
      population,
      [&](size_t i) {
        scores[i] = score_of(state.genomes[i].fitness, config);
        genome_ids[i] = state.genomes[i].id;
      },
      1024);
  auto score = [&](uint32_t g) { return scores[g]; };
  auto better = [&](uint32_t a, uint32_t b) {  // sort order: best first, ties by genome id
    double sa = scores[a], sb = scores[b];
    if (sa != sb) return sa > sb;
    return genome_ids[a] < genome_ids[b];
  };

  // 1. Stagnation: species without improvement for max_stagnation generations go, except the
  //    species_elitism best ones.
  {
    std::vector<size_t> order(state.species.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return state.species[a].best_score > state.species[b].best_score;
    });
    std::vector<bool> keep(state.species.size(), true);
    for (size_t r = 0; r < order.size(); ++r) {
      const Species& s = state.species[order[r]];
      if (r >= config.stagnation.species_elitism && s.stagnation(gen) >= config.stagnation.max_stagnation)
        keep[order[r]] = false;
    }
    std::vector<Species> kept;
    for (size_t k = 0; k < state.species.size(); ++k)
      if (keep[k] && !state.species[k].members.empty()) kept.push_back(std::move(state.species[k]));
    state.species = std::move(kept);
  }

  if (state.species.empty()) {
    if (!rc.reset_on_extinction)
      throw Error("generation " + std::to_string(gen) +
                  ": every species was removed for stagnation (stagnation.max_stagnation = " +
                  std::to_string(config.stagnation.max_stagnation) +
                  ", stagnation.species_elitism = 0); set reproduction.reset_on_extinction: true to start a "
                  "fresh population instead, or stagnation.species_elitism >= 1 to keep the best species");
    ++state.restarts;
    state.generation = gen + 1;
    begin_generation(state.innovations);
    initialise_population(state, config, pool, speciate_seconds);
    return true;
  }

  // 2. Fitness sharing: a species' adjusted fitness sum is its members' mean score, shifted so
  //    that the lowest score of the population is not below zero.
  double lowest = INFINITY;
  for (const auto& s : state.species)
    for (uint32_t m : s.members) lowest = std::min(lowest, score(m));
  const double shift = lowest < 0.0 ? -lowest : 0.0;
  std::vector<double> adjusted;
  for (const auto& s : state.species) {
    double sum = 0.0;
    for (uint32_t m : s.members) sum += score(m) + shift;
    adjusted.push_back(sum / double(s.members.size()));
  }
  const std::vector<uint32_t> spawn = allocate_offspring(adjusted, config.population_size, rc.min_species_size);

  // 3. Parents per species (best first) and the population's elite.
  std::vector<std::vector<uint32_t>> ranked(state.species.size());
  std::vector<std::vector<uint32_t>> parents(state.species.size());
  // Species are ranked independently, so in parallel, and a large species by a parallel sort
  // (genome ids are unique, so `better` is a total order: every sort gives the same order).
  constexpr size_t kParallelRank = 16384;
  // Only the first places of a ranking are read in order: the parents, the champion and the
  // members of the population's elite (each among its species' best rc.elitism), so only those
  // are sorted, after nth_element has gathered them.
  auto rank = [&](size_t k, bool parallel) {
    std::vector<uint32_t>& r = ranked[k];
    r = state.species[k].members;
    size_t survivors = size_t(std::ceil(rc.survival_threshold * double(r.size())));
    survivors = std::max<size_t>(1, std::min(survivors, r.size()));
    const size_t ordered = std::min(r.size(), std::max<size_t>(survivors, rc.elitism));
    if (ordered < r.size()) std::nth_element(r.begin(), r.begin() + long(ordered), r.end(), better);
    if (parallel) {
      std::vector<uint32_t> best(r.begin(), r.begin() + long(ordered));
      parallel_sort(pool, best, better);
      std::copy(best.begin(), best.end(), r.begin());
    } else {
      std::sort(r.begin(), r.begin() + long(ordered), better);
    }
    parents[k].assign(r.begin(), r.begin() + long(survivors));
  };
  const bool split_large = pool.size() > 1;
  auto large = [&](size_t k) { return split_large && state.species[k].members.size() >= kParallelRank; };
  pool.for_each(state.species.size(), [&](size_t k) { if (!large(k)) rank(k, false); }, 4);
  for (size_t k = 0; k < state.species.size(); ++k)
    if (large(k)) rank(k, true);
  std::vector<uint32_t> population_elite;
  if (rc.elitism > 0) {
    std::vector<uint32_t> all;
    for (const auto& r : ranked) all.insert(all.end(), r.begin(), r.end());
    const size_t keep = std::min<size_t>(all.size(), rc.elitism);
    std::nth_element(all.begin(), all.begin() + long(keep), all.end(), better);
    all.resize(keep);
    std::sort(all.begin(), all.end(), better);
    population_elite = all;
  }

  // 4. The plan: per species (in id order) its copies first, then its offspring.
  std::vector<ChildPlan> plan;
  plan.reserve(config.population_size);
  for (size_t k = 0; k < state.species.size(); ++k) {
    std::vector<uint32_t> elites;
    if (ranked[k].size() > rc.species_elitism_min_size) elites.push_back(ranked[k].front());
    for (uint32_t g : ranked[k])
      if (std::find(population_elite.begin(), population_elite.end(), g) != population_elite.end() &&
          std::find(elites.begin(), elites.end(), g) == elites.end())
        elites.push_back(g);
    uint32_t made = 0;
    for (uint32_t g : elites) {
      if (made == spawn[k]) break;
      plan.push_back(ChildPlan{uint32_t(k), int64_t(g)});
      ++made;
    }
    for (; made < spawn[k]; ++made) plan.push_back(ChildPlan{uint32_t(k), -1});
  }

  // 5. Children in parallel, each from its own stream; copies keep their genome id.
  std::vector<Genome> children(plan.size());
  std::vector<PendingIds> pending(plan.size());
  std::vector<uint64_t> ids(plan.size());
  for (size_t i = 0; i < plan.size(); ++i)
    ids[i] = plan[i].elite >= 0 ? state.genomes[size_t(plan[i].elite)].id : state.next_genome_id++;
  const bool interspecies = state.species.size() > 1 && rc.interspecies_rate > 0.0;
  pool.for_each(
      plan.size(),
      [&](size_t i) {
        const ChildPlan& p = plan[i];
        if (p.elite >= 0) {
          children[i] = state.genomes[size_t(p.elite)];
          children[i].fitness = 0.0;
          children[i].evaluated = false;
          return;
        }
        Rng rng = Rng::derive(config.seed, Purpose::Reproduce, gen, i);
        const auto& own = parents[p.species];
        const uint32_t a = own[rng.below(own.size())];
        auto clone = [&](const Genome& parent) {  // with room for this child's mutations
          Genome& c = children[i];
          c.nodes.reserve(parent.nodes.size() + 2);
          c.connections.reserve(parent.connections.size() + 4);
          c.nodes = parent.nodes;
          c.connections = parent.connections;
        };
        if (own.size() == 1 && !interspecies) {
          clone(state.genomes[a]);
        } else if (rng.chance(rc.mutate_only_rate)) {
          clone(state.genomes[a]);
        } else {
          uint32_t b;
          if (interspecies && rng.chance(rc.interspecies_rate)) {
            const auto& other = parents[rng.below(parents.size())];
            b = other[rng.below(other.size())];
          } else {
            b = own[rng.below(own.size())];
          }
          const double sa = score(a), sb = score(b);
          const bool a_fitter = sa > sb || (sa == sb && state.genomes[a].connections.size() <= state.genomes[b].connections.size());
          const Genome& fitter = a_fitter ? state.genomes[a] : state.genomes[b];
          const Genome& other = a_fitter ? state.genomes[b] : state.genomes[a];
          children[i] = crossover(fitter, other, sa == sb && rc.equal_parents_share_genes, rc.disabled_gene_inherit_prob, config.genome.feed_forward, rng,
                                  ids[i]);
        }
        children[i].id = ids[i];
        children[i].fitness = 0.0;
        children[i].evaluated = false;
        mutate(children[i], config.genome, rng, pending[i]);
      },
      8);

  // 6. Real innovation numbers and node ids, in child order.
  //    Only the id assignment is sequential; rewriting and sorting the genes runs in parallel.
  begin_generation(state.innovations);
  //    Only children with structural mutations hold pending ids (a few percent of them), so only
  //    those get a map: one per child cost more than the assignment itself at 100,000 children.
  std::vector<uint32_t> changed;
  for (size_t i = 0; i < children.size(); ++i)
    if (!pending[i].empty()) changed.push_back(uint32_t(i));
  std::vector<PendingMap> maps(changed.size());
  for (size_t k = 0; k < changed.size(); ++k)
    maps[k] = assign_pending(children[changed[k]], pending[changed[k]], state.innovations);
  pool.for_each(changed.size(), [&](size_t k) { apply_pending(children[changed[k]], maps[k]); }, 16);

  if (children_hook && *children_hook) {
    std::vector<uint8_t> elite(plan.size());
    for (size_t i = 0; i < plan.size(); ++i) elite[i] = plan[i].elite >= 0;
    (*children_hook)(state, children, elite);
  }

  // 7. Representatives from this generation, then the new population is speciated.
  choose_representatives(state, config);
  // The old population is freed in parallel: for large populations a serial free is a visible
  // share of the generation.
  pool.for_each(
      state.genomes.size(),
      [&](size_t i) {
        std::vector<NodeGene>().swap(state.genomes[i].nodes);
        std::vector<ConnectionGene>().swap(state.genomes[i].connections);
      },
      64);
  state.genomes = std::move(children);
  state.generation = gen + 1;
  timed_speciate(state, config, pool, speciate_seconds);
  return false;
}

}  // namespace ganglion
