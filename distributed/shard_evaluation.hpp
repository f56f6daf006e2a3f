// Shard mode: one population, evaluated by every rank of an MPI job together. Each rank runs the
// same deterministic evolution (so every rank holds the same genomes); each decodes and evaluates
// the share of the networks that shard_of() gives it (every K-th: rank r takes r, r + K, ...), on
// its own backend, with the task's TaskContext::first_network and network_stride set to the
// share's (so per-network streams are the whole population's); then every rank's fitness and
// solved flags are gathered on every rank (MPI_Allgatherv) and put back in population order. The
// result is, value for value, what TaskEvaluation gives in one process, so the run is the
// one-process run for any number of ranks.
//
// That holds for tasks whose evaluation of a network depends only on the seed, the generation, the
// network and its population index. A task that looks at the whole generation at once does not
// qualify: such built-in tasks are refused by name at construction (shard_exact_task).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "core/task/population_evaluation.hpp"
#include "core/task/task.hpp"

namespace ganglion {

class ExecutionContext;
class MpiWorld;

// Rank `rank`'s share of `n` networks among `ranks`: networks rank, rank + ranks, rank + 2 ranks,
// ... (first = rank, stride = ranks), so that networks of one species, which sit together in the
// population and tend to run episodes of similar length, are spread over every rank. Shares
// differ by at most one network, the larger first.
using Shard = NetworkRange;
Shard shard_of(uint32_t n, int rank, int ranks);

// Empty when `task` evaluates each network on its own (shard mode is exact for it); otherwise why
// not, for the message that refuses it.
std::string shard_inexact_reason(const Task& task);

// What the last generation's evaluation cost this rank (for distributed.jsonl and the bench).
struct ShardCost {
  double evaluate_seconds = 0.0;     // this rank's share
  double communicate_seconds = 0.0;  // the gather, waiting for the slowest rank included
  uint64_t bytes = 0;                // received by this rank in the gather
  uint32_t networks = 0;             // this rank's share
};

class ShardEvaluation final : public PopulationEvaluation {
 public:
  // Throws ConfigError naming the task when shard mode would not be exact for it, and as
  // TaskEvaluation does when its input and output counts do not match config.genome.
  ShardEvaluation(const Config& config, Task& task, ExecutionContext& execution, const MpiWorld& world);
  std::string name() const override;
  void evaluate(const PopulationView& population, PopulationFitness& out) override;
  // This rank's share (every K-th network): the engine decodes only its networks.
  NetworkRange decoded_networks(uint32_t n) const override;
  // Every rank re-tests the champion itself (it is one network, and the result is the same on all).
  bool random_starts() const override { return task_.random_starts(); }
  RetestResult retest(const PopulationLayout& one, uint64_t seed, uint32_t episodes) override;
  const ShardCost& last_cost() const { return cost_; }

 private:
  Task& task_;
  ExecutionContext& execution_;
  const MpiWorld& world_;
  ShardCost cost_;
  std::vector<double> fitness_;
  std::vector<uint8_t> solved_;
  // The share's Task::network_metrics: which are present (bit 0 loss, bit 1 accuracy), and values.
  std::vector<uint8_t> metric_flags_, all_flags_, all_solved_;
  std::vector<double> all_fitness_;
  std::vector<double> loss_, accuracy_, all_loss_, all_accuracy_;
};

}  // namespace ganglion
