// The generation loop of NEAT. One step():
//   decode the population (Decoder) -> evaluate it (PopulationEvaluation) -> statistics ->
//   stop check -> reproduce (stagnation, sharing, selection, crossover, mutation) and speciate
//   the children.
// The engine knows neither how a genome becomes a network nor where networks are evaluated: the
// two seams above are its only way to either, so HyperNEAT is another Decoder and several
// processes are another PopulationEvaluation. Its threads come from the run's ExecutionContext.
// The Engine holds no evolution state of its own: everything lives in EvolutionState, which
// state() exposes and restore() replaces, so a checkpoint taken in Reporter::on_generation and
// restored later continues exactly as the uninterrupted run would.
#pragma once

#include <atomic>
#include <memory>
#include <utility>
#include <vector>

#include "core/config/config.hpp"
#include "core/execution.hpp"
#include "core/network/decoder.hpp"
#include "core/network/evaluator.hpp"
#include "core/network/layout.hpp"
#include "core/task/population_evaluation.hpp"
#include "core/task/task.hpp"
#include "evolution/reporter.hpp"
#include "evolution/reproduction.hpp"
#include "evolution/state.hpp"

namespace ganglion {

// The champion re-test (run.champion_episodes). A task with random starts redraws them each
// generation, so a generation's best may owe its fitness to easy starts. Then each generation's
// best (its best solver, when a genome claims a solution) plays `champion_episodes` fresh
// episodes, from starts of its own stream Rng::derive(seed, Purpose::Champion, generation), on a
// CPU evaluator of the run's pool (the same on every backend and thread count):
//  * best_genome.json's champion is the re-tested genome whose re-test was best so far (not the
//    one whose training fitness was), recorded with both fitnesses;
//  * a claimed solution (the task's criterion or run.fitness_threshold) counts only when its
//    re-test meets the same criterion; otherwise the run goes on.
// `auto` means kAutoChampionEpisodes for tasks with random starts and 0 (off) for the others;
// selection and the fitness of the population are never changed by it.
constexpr uint32_t kAutoChampionEpisodes = 100;

// run.champion_episodes resolved for an evaluation: auto by its random starts; an explicit count
// on a task without random starts is a ConfigError naming the key and the task.
uint32_t champion_episodes(const Config& config, const PopulationEvaluation& evaluation);

class Engine {
 public:
  // The run's usual form: `task` evaluated on `execution`'s backend (TaskEvaluation), genomes
  // decoded directly (DirectDecoder), every thread from `execution`, which must outlive the
  // engine. genome.num_inputs / num_outputs left at 0 take the task's counts; given ones must
  // match them (else ConfigError naming both).
  Engine(const Config& config, Task& task, ExecutionContext& execution);
  // The same on a bare evaluator: the engine makes its own context of config.threads threads
  // around it. The evaluator offers no episode runner, so control tasks run per step; use the
  // form above with make_execution_context(config) (gpu/backend.hpp) for fused CUDA episodes.
  Engine(const Config& config, Task& task, Evaluator& evaluator);
  // Any decoder and any population evaluation (not owned; they and `execution` must outlive the
  // engine). `execution` gives the threads of initialisation and reproduction.
  Engine(const Config& config, ExecutionContext& execution, Decoder& decoder, PopulationEvaluation& evaluation);
  ~Engine();

  // Reporters are not owned and must outlive the engine's use of them.
  void add_reporter(Reporter* reporter);
  // Called by every reproduction once the children are made (reproduce()'s ChildrenHook): the
  // island model's seam (distributed/island_exchange.hpp). Empty: none.
  void set_children_hook(ChildrenHook hook) { children_hook_ = std::move(hook); }
  const ChildrenHook& children_hook() const { return children_hook_; }

  // Generation 0: a fresh, speciated population.
  void init();
  // Evaluates the current generation and, unless the run stops, makes the next one.
  StopReason step();
  // Steps until a stop reason (init() first when no generation exists). `stop`, when given, is
  // polled after each generation (a signal handler sets it); the run then ends Interrupted.
  StopReason run(const std::atomic<bool>* stop = nullptr);

  const EvolutionState& state() const { return state_; }
  void restore(EvolutionState state);
  const Config& config() const { return config_; }
  // Episodes of each generation's champion re-test; 0: the run re-tests none.
  uint32_t champion_retest_episodes() const { return champion_episodes_; }

 private:
  Config config_;
  uint32_t champion_episodes_ = 0;
  // Owned only by the convenience constructors; the pointers below are what step() uses.
  std::unique_ptr<ExecutionContext> own_execution_;
  std::unique_ptr<Decoder> own_decoder_;
  std::unique_ptr<PopulationEvaluation> own_evaluation_;
  ExecutionContext* execution_ = nullptr;
  Decoder* decoder_ = nullptr;
  PopulationEvaluation* evaluation_ = nullptr;
  std::vector<Reporter*> reporters_;
  ChildrenHook children_hook_;
  EvolutionState state_;
  bool started_ = false;
  // Reused buffers only (no evolution state): decoded anew from state_.genomes every generation.
  PopulationLayout layout_;
  PopulationFitness result_;
  std::vector<uint32_t> gene_counts_;  // per genome: counted nodes, enabled connections (statistics scratch)
  // Seconds the reporters took after the last generation: the next generation's time_reporters.
  double reporters_seconds_ = 0.0;
};

}  // namespace ganglion
