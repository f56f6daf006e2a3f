// The generation loop of NEAT. One step():
//   compile the population -> evaluate it with the task -> statistics -> stop check ->
//   reproduce (stagnation, sharing, selection, crossover, mutation) and speciate the children.
// The Engine holds no evolution state of its own: everything lives in EvolutionState, which
// state() exposes and restore() replaces, so a checkpoint taken in Reporter::on_generation and
// restored later continues exactly as the uninterrupted run would.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "core/config/config.hpp"
#include "core/network/evaluator.hpp"
#include "core/network/layout.hpp"
#include "core/parallel.hpp"
#include "core/task/task.hpp"
#include "evolution/reporter.hpp"
#include "evolution/state.hpp"

namespace ganglion {

class Engine {
 public:
  // The task's input and output counts must match config.genome (else ConfigError).
  Engine(const Config& config, Task& task, Evaluator& evaluator);
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
  Task& task_;
  Evaluator& evaluator_;
  std::unique_ptr<ThreadPool> pool_;
  std::vector<Reporter*> reporters_;
  EvolutionState state_;
  bool started_ = false;
  // Reused buffers only (no evolution state): compiled anew from state_.genomes every generation.
  PopulationLayout layout_;
};

}  // namespace ganglion
