// Helpers for the evolution tests: configs, NEAT-grown genomes and a tiny fake task.
#pragma once

#include <cstdint>
#include <vector>

#include <doctest/doctest.h>

#include "core/config/config.hpp"
#include "core/genome/genome.hpp"
#include "core/rng.hpp"
#include "core/task/task.hpp"
#include "evolution/initial_population.hpp"
#include "evolution/innovation.hpp"
#include "evolution/mutation.hpp"
#include "evolution/reporter.hpp"
#include "evolution/state.hpp"
#include "tests/random_genome.hpp"

namespace ganglion::testing {

inline Config xor_config(uint64_t seed = 1) {
  Config c;
  c.seed = seed;
  c.backend = BackendKind::Cpu;
  c.population_size = 150;
  c.genome.num_inputs = 2;
  c.genome.num_outputs = 1;
  c.genome.activation_default = Activation::NeatSigmoid;
  c.genome.activation_options = {Activation::NeatSigmoid};
  c.task.name = "xor";
  return c;
}

// A genome grown from the initial one by `steps` rounds of structural and weight mutation, every
// round resolved in its own generation of `history`.
inline Genome grown_genome(const GenomeConfig& gc, uint64_t seed, int steps, InnovationHistory& history,
                           uint64_t id = 0) {
  Rng rng(seed);
  reserve_initial_ids(gc, history);
  Genome g = make_initial_genome(gc, id, rng);
  for (int s = 0; s < steps; ++s) {
    begin_generation(history);
    PendingIds pending;
    if (rng.chance(0.5)) mutate_add_node(g, gc, rng, pending);
    else mutate_add_connection(g, gc, rng, pending);
    mutate_parameters(g, gc, rng);
    resolve_pending(g, pending, history);
  }
  return g;
}

// Fitness from a function of the genome alone (no evaluation): lets the engine run without XOR.
class FunctionTask : public Task {
 public:
  using Fn = double (*)(uint32_t network, uint32_t generation);
  FunctionTask(uint32_t inputs, uint32_t outputs, Fn fn) : inputs_(inputs), outputs_(outputs), fn_(fn) {}
  std::string name() const override { return "function"; }
  uint32_t num_inputs() const override { return inputs_; }
  uint32_t num_outputs() const override { return outputs_; }
  void evaluate(const PopulationLayout& layout, Evaluator&, const TaskContext& ctx, std::vector<double>& fitness) override {
    fitness.resize(layout.num_networks);
    for (uint32_t n = 0; n < layout.num_networks; ++n) fitness[n] = fn_(n, ctx.generation);
  }

 private:
  uint32_t inputs_, outputs_;
  Fn fn_;
};

// Two runs' states are the same run: generation, every genome and its fitness, and every
// generation's statistics apart from the time_ fields.
inline void check_same_runs(const EvolutionState& a, const EvolutionState& b) {
  CHECK(a.generation == b.generation);
  REQUIRE(a.genomes.size() == b.genomes.size());
  for (size_t i = 0; i < a.genomes.size(); ++i) {
    CHECK(a.genomes[i] == b.genomes[i]);
    CHECK(a.genomes[i].fitness == b.genomes[i].fitness);
  }
  REQUIRE(a.history.size() == b.history.size());
  for (size_t i = 0; i < a.history.size(); ++i) {
    GenerationStats x = a.history[i], y = b.history[i];
    clear_times(x);
    clear_times(y);
    CHECK(stats_to_json(x) == stats_to_json(y));
  }
}

}  // namespace ganglion::testing
