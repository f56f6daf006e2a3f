#include "core/task/population_evaluation.hpp"

#include <chrono>
#include <cmath>

#include "core/error.hpp"
#include "core/execution.hpp"

namespace ganglion {

RetestResult PopulationEvaluation::retest(const PopulationLayout&, uint64_t, uint32_t) {
  throw Error("population evaluation " + name() + " cannot re-test a champion (it has no random starts)");
}

RetestResult TaskEvaluation::retest(const PopulationLayout& one, uint64_t seed, uint32_t episodes) {
  return retest_network(task_, one, execution_.pool(), seed, episodes);
}

TaskEvaluation::TaskEvaluation(const Config& config, Task& task, ExecutionContext& execution)
    : task_(task), execution_(execution) {
  const std::string where = config.source.empty() ? std::string("config") : config.source;
  if (task.num_inputs() != config.genome.num_inputs || task.num_outputs() != config.genome.num_outputs)
    throw ConfigError(where + ": task '" + task.name() + "' has " + std::to_string(task.num_inputs()) + " inputs and " +
                      std::to_string(task.num_outputs()) + " outputs, but genome.num_inputs = " +
                      std::to_string(config.genome.num_inputs) + " and genome.num_outputs = " +
                      std::to_string(config.genome.num_outputs) + "; set them to the task's, or leave them out to take the task's");
}

void TaskEvaluation::evaluate(const PopulationView& population, PopulationFitness& out) {
  const size_t n = population.genomes.size();
  Evaluator& evaluator = execution_.backend().evaluator();
  const auto t = std::chrono::steady_clock::now();
  evaluator.load(population.layout);
  out.time_upload = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  out.fitness.assign(n, 0.0);
  task_.evaluate(population.layout, evaluator, TaskContext{population.seed, population.generation, &execution_},
                 out.fitness);
  if (out.fitness.size() != n)
    throw Error("task '" + task_.name() + "' returned " + std::to_string(out.fitness.size()) + " fitness values for " +
                std::to_string(n) + " genomes");
  // Asked right after evaluate(): a task may decide from more than the fitness (XOR's outputs).
  out.solved.assign(n, 0);
  for (size_t i = 0; i < n; ++i)
    out.solved[i] = std::isfinite(out.fitness[i]) && task_.solved_network(uint32_t(i), out.fitness[i]);
  out.metrics.assign(n, NetworkMetrics{});
  bool any = false;
  for (size_t i = 0; i < n; ++i) {
    out.metrics[i] = task_.network_metrics(uint32_t(i));
    any = any || out.metrics[i].loss || out.metrics[i].accuracy;
  }
  if (!any) out.metrics.clear();
}

}  // namespace ganglion
