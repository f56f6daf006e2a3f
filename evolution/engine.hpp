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
#include <vector>

#include "core/config/config.hpp"
#include "core/execution.hpp"
#include "core/network/decoder.hpp"
#include "core/network/evaluator.hpp"
#include "core/network/layout.hpp"
#include "core/task/population_evaluation.hpp"
#include "core/task/task.hpp"
#include "evolution/reporter.hpp"
#include "evolution/state.hpp"

namespace ganglion {

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

 private:
  Config config_;
  // Owned only by the convenience constructors; the pointers below are what step() uses.
  std::unique_ptr<ExecutionContext> own_execution_;
  std::unique_ptr<Decoder> own_decoder_;
  std::unique_ptr<PopulationEvaluation> own_evaluation_;
  ExecutionContext* execution_ = nullptr;
  Decoder* decoder_ = nullptr;
  PopulationEvaluation* evaluation_ = nullptr;
  std::vector<Reporter*> reporters_;
  EvolutionState state_;
  bool started_ = false;
  // Reused buffers only (no evolution state): decoded anew from state_.genomes every generation.
  PopulationLayout layout_;
  PopulationFitness result_;
  // Seconds the reporters took after the last generation: the next generation's time_reporters.
  double reporters_seconds_ = 0.0;
};

}  // namespace ganglion
