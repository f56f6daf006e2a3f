#include "distributed/shard_evaluation.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "core/execution.hpp"
#include "core/task/control_task.hpp"
#include "distributed/mpi_world.hpp"

namespace ganglion {

namespace {
double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}
}  // namespace

Shard shard_of(uint32_t n, int rank, int ranks) {
  const uint32_t k = uint32_t(ranks), r = uint32_t(rank);
  Shard s;
  s.first = r;
  s.stride = k;
  s.count = r < n ? (n - r + k - 1) / k : 0;
  return s;
}

std::string shard_inexact_reason(const Task& task) {
  // The built-in tasks that decide something from the whole generation. Plug-in and Python tasks
  // are not known here: docs/distributed.md states what a task must do to shard exactly.
  if (task.name() == "double_pole_nv")
    return "its champion test picks the generation's best network from every network's fitness and records the "
           "tested genomes as task state, which one rank's share does not have";
  return {};
}

RetestResult ShardEvaluation::retest(const PopulationLayout& one, uint64_t seed, uint32_t episodes) {
  return retest_network(task_, one, execution_.pool(), seed, episodes);
}

ShardEvaluation::ShardEvaluation(const Config& config, Task& task, ExecutionContext& execution, const MpiWorld& world)
    : task_(task), execution_(execution), world_(world) {
  TaskEvaluation check(config, task, execution);  // the input and output counts, as one process checks them
  const std::string why = shard_inexact_reason(task);
  if (!why.empty())
    throw ConfigError((config.source.empty() ? std::string("config") : config.source) + ": distributed.mode: shard " +
                      "cannot run task '" + task.name() + "' on " + std::to_string(world.size()) +
                      " ranks exactly: " + why + "; run it as one process (without mpirun)");
}

std::string ShardEvaluation::name() const {
  return "task '" + task_.name() + "' sharded over " + std::to_string(world_.size()) + " MPI ranks";
}

NetworkRange ShardEvaluation::decoded_networks(uint32_t n) const {
  return shard_of(n, world_.rank(), world_.size());
}

void ShardEvaluation::evaluate(const PopulationView& population, PopulationFitness& out) {
  const auto n = uint32_t(population.genomes.size());
  const int ranks = world_.size();
  const Shard mine = shard_of(n, world_.rank(), ranks);
  auto t = std::chrono::steady_clock::now();
  // The engine decoded only this rank's share (decoded_networks); a caller that decoded them all
  // gets the share selected.
  PopulationLayout selected;
  const NetworkRange& given = population.decoded;
  const bool decoded_share = population.layout.num_networks == mine.count &&
                             (mine.count == 0 || (given.first == mine.first && given.count == mine.count &&
                                                  (given.stride == mine.stride || mine.count == 1)));
  if (!decoded_share) {
    if (!given.whole(n) || population.layout.num_networks != n)
      throw Error("shard evaluation: the layout holds " + std::to_string(population.layout.num_networks) +
                  " networks decoded as " + given.describe() + ", but rank " + std::to_string(world_.rank()) +
                  "'s share is " + mine.describe());
    std::vector<uint32_t> which(mine.count);
    for (uint32_t i = 0; i < mine.count; ++i) which[i] = uint32_t(mine.index(i));
    selected = select_networks(population.layout, which);
  }
  const PopulationLayout& share = decoded_share ? population.layout : selected;
  Evaluator& evaluator = execution_.backend().evaluator();
  evaluator.load(share);
  fitness_.assign(mine.count, 0.0);
  TaskContext ctx{population.seed, population.generation, &execution_};
  ctx.first_network = mine.first;
  ctx.network_stride = mine.stride;
  if (mine.count) task_.evaluate(share, evaluator, ctx, fitness_);  // more ranks than genomes: nothing here
  if (fitness_.size() != mine.count)
    throw Error("task '" + task_.name() + "' returned " + std::to_string(fitness_.size()) + " fitness values for " +
                std::to_string(mine.count) + " networks (rank " + std::to_string(world_.rank()) + "'s share)");
  // Asked right after evaluate(), with the share's indices, as TaskEvaluation asks with the whole's.
  solved_.assign(mine.count, 0);
  for (uint32_t i = 0; i < mine.count; ++i)
    solved_[i] = std::isfinite(fitness_[i]) && task_.solved_network(i, fitness_[i]);
  metric_flags_.assign(mine.count, 0);
  loss_.assign(mine.count, 0.0);
  accuracy_.assign(mine.count, 0.0);
  for (uint32_t i = 0; i < mine.count; ++i) {
    const NetworkMetrics m = task_.network_metrics(i);
    metric_flags_[i] = uint8_t((m.loss ? 1u : 0u) | (m.accuracy ? 2u : 0u));
    loss_[i] = m.loss.value_or(0.0);
    accuracy_[i] = m.accuracy.value_or(0.0);
  }
  cost_.evaluate_seconds = seconds_since(t);

  t = std::chrono::steady_clock::now();
  std::vector<int> counts(static_cast<size_t>(ranks));
  for (int r = 0; r < ranks; ++r) counts[size_t(r)] = int(shard_of(n, r, ranks).count);
  // Gathered in rank order (rank 0's share, then rank 1's, ...), then put back in population order.
  world_.allgather(fitness_, all_fitness_, counts);
  world_.allgather(solved_, all_solved_, counts);
  world_.allgather(metric_flags_, all_flags_, counts);
  world_.allgather(loss_, all_loss_, counts);
  world_.allgather(accuracy_, all_accuracy_, counts);
  out.fitness.resize(n);
  out.solved.resize(n);
  const bool metrics = std::any_of(all_flags_.begin(), all_flags_.end(), [](uint8_t f) { return f != 0; });
  out.metrics.clear();
  if (metrics) out.metrics.assign(n, NetworkMetrics{});
  size_t at = 0;
  for (int r = 0; r < ranks; ++r) {
    const Shard theirs = shard_of(n, r, ranks);
    for (uint32_t i = 0; i < theirs.count; ++i, ++at) {
      const size_t g = size_t(theirs.index(i));
      out.fitness[g] = all_fitness_[at];
      out.solved[g] = all_solved_[at];
      if (!metrics) continue;
      if (all_flags_[at] & 1u) out.metrics[g].loss = all_loss_[at];
      if (all_flags_[at] & 2u) out.metrics[g].accuracy = all_accuracy_[at];
    }
  }
  cost_.communicate_seconds = seconds_since(t);
  out.time_communicate = cost_.communicate_seconds;
  cost_.bytes = uint64_t(n - mine.count) * (3 * sizeof(double) + 2 * sizeof(uint8_t));
  cost_.networks = mine.count;
}

}  // namespace ganglion
