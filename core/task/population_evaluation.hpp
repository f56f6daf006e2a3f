// The population evaluation seam: given one generation's population (genomes and their decoded
// networks), return every genome's fitness and whether it solves the task. The engine calls this
// and nothing else to evaluate, so how the work is spread is the seam's business: TaskEvaluation
// runs the task on the run's backend in this process; a distributed evaluation (MPI ranks, each
// with its own backend, evaluating a share of the networks) is another implementation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "core/genome/genome.hpp"
#include "core/network/layout.hpp"
#include "core/task/genome_evaluation.hpp"
#include "core/task/task.hpp"

namespace ganglion {

class ExecutionContext;

// One generation, as the engine hands it over. Network i of `layout` was decoded from genomes[i].
// `layout` holds the networks of `decoded` (network n: genome decoded.index(n)): every genome's,
// unless the evaluation asked for a share (PopulationEvaluation::decoded_networks).
struct PopulationView {
  const std::vector<Genome>& genomes;
  const PopulationLayout& layout;
  uint64_t seed;        // the run's seed
  uint32_t generation;
  NetworkRange decoded{0, uint32_t(genomes.size()), 1};
};

// What comes back: one entry per genome, in genome order.
struct PopulationFitness {
  std::vector<double> fitness;  // NaN or infinite values are the engine's to report
  std::vector<uint8_t> solved;  // 1: this genome solves the task (Task::solved_network)
  // What the task measured besides fitness (Task::network_metrics): one entry per genome, or
  // empty when the task measures nothing; the engine reports the best genome's.
  std::vector<NetworkMetrics> metrics;
  // Seconds of evaluate() spent handing the networks to the backend (Evaluator::load: the copy to
  // the device on CUDA), reported apart from the rest of the evaluation; 0 when not measured.
  double time_upload = 0.0;
  // Seconds of evaluate() spent moving results between the processes of a distributed run
  // (distributed/shard_evaluation.hpp: the gather, waiting for the slowest rank included); 0 in one
  // process.
  double time_communicate = 0.0;
};

class PopulationEvaluation {
 public:
  virtual ~PopulationEvaluation() = default;
  virtual std::string name() const = 0;
  // Fills `out` with genomes.size() values each (the engine checks). Must be deterministic for a
  // given view: the same fitness for the same genomes, seed and generation.
  virtual void evaluate(const PopulationView& population, PopulationFitness& out) = 0;
  // Which of a population of `n` genomes evaluate() needs networks of: all (the default), or
  // the share one process evaluates (distributed/shard_evaluation.hpp), so that the engine
  // decodes only those.
  virtual NetworkRange decoded_networks(uint32_t n) const { return {0, n, 1}; }
  // The champion re-test (run.champion_episodes, evolution/engine.hpp): whether the task draws new
  // starts each generation, and the task's fitness of network 0 of `one` over `episodes` fresh
  // episodes from `seed` (retest_network). An evaluation with no task to ask has no random starts,
  // and its retest() throws.
  virtual bool random_starts() const { return false; }
  virtual RetestResult retest(const PopulationLayout& one, uint64_t seed, uint32_t episodes);
};

// The task on the run's backend, in this process: loads the layout into the backend's evaluator
// once, then Task::evaluate with a TaskContext that carries the execution context (so control
// tasks find the backend's episode runner and every task the run's threads).
class TaskEvaluation final : public PopulationEvaluation {
 public:
  // The task's input and output counts must match config.genome (else ConfigError naming the config).
  TaskEvaluation(const Config& config, Task& task, ExecutionContext& execution);
  std::string name() const override { return "task '" + task_.name() + "'"; }
  void evaluate(const PopulationView& population, PopulationFitness& out) override;
  bool random_starts() const override { return task_.random_starts(); }
  RetestResult retest(const PopulationLayout& one, uint64_t seed, uint32_t episodes) override;
  Task& task() { return task_; }

 private:
  Task& task_;
  ExecutionContext& execution_;
};

}  // namespace ganglion
