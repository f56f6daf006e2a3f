// One genome evaluated on its task outside a run, as a structured result (`ganglion eval`, the
// Python module's evaluate_genome): a data task's outputs, loss and accuracy on a table; a
// control task's episodes from fresh starts with their spread; and the task's own standard tests
// (the double pole's generalisation over 625 starts) with the published figures beside them.
// Also the champion re-test a run asks for (run.champion_episodes): the same episodes, fewer
// figures.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "core/genome/genome.hpp"
#include "core/network/layout.hpp"
#include "core/task/data_task.hpp"
#include "core/task/task.hpp"

namespace ganglion {

class ThreadPool;

struct GenomeEvaluationOptions {
  // Data tasks: a CSV file of inputs and targets in the task's columns (core/task/data_task.hpp's
  // format); empty: the task's own data set.
  std::string data_file;
  // Control tasks: fresh episodes to play, and the seed their starts are drawn from
  // (Rng::derive(seed, Purpose::Evaluate): never a run's training starts).
  uint32_t episodes = 100;
  uint64_t seed = 1;
  bool protocol_tests = true;  // also run the task's standard tests
};

// A data task's table, the genome's outputs on it and what they score.
struct DataEvaluation {
  std::string origin;  // the data file, or "task 'NAME'" for the task's own data
  Dataset data;
  std::vector<float> outputs;  // [rows][num_targets]
  std::string loss_name;       // the task's task.loss: mse, sse, mae, rmse, bce
  double loss = 0.0;           // compute_loss() of the task's loss
  double fitness = 0.0;        // fitness_from_loss() of the task's fitness form
  bool solved = false;         // loss <= task.solve_loss (when set)
  // For a classification (a data task that classifies, or every target 0 or 1): the share of rows
  // classified right, as training measures it (data_accuracy). Empty otherwise.
  std::optional<double> accuracy;
};

// Summary figures of a set of values.
struct Spread {
  double mean = 0.0;
  double std = 0.0;  // population standard deviation
  double min = 0.0;
  double max = 0.0;
};
Spread spread_of(const std::vector<double>& values);

struct EpisodeEvaluation {
  uint64_t seed = 0;
  bool random_starts = false;           // false: every episode starts from the task's one start state
  std::vector<EpisodeOutcome> episodes; // in episode order
  Spread returns;                       // of total_reward
  Spread lengths;                       // of steps
  Spread fitness_spread;                // of each episode's fitness
  double fitness = 0.0;                 // the task's fitness over the episodes (mean or min)
  bool solved = false;                  // Task::solved(fitness)
};

struct GenomeEvaluation {
  std::string task;
  uint64_t genome_id = 0;
  std::optional<DataEvaluation> data;
  std::optional<EpisodeEvaluation> episodes;
  std::vector<ProtocolTest> tests;
};

// Evaluates `genome` on the task `config` names (built-in or plug-in), on the CPU. `genome_origin`
// names the genome in errors (its file). Throws ConfigError or GenomeError naming the place when
// the genome's input or output nodes do not match the task's, when the data file does not have
// the task's columns, or when data is given to a task that plays episodes (and the reverse).
GenomeEvaluation evaluate_genome(const Config& config, const Genome& genome, const GenomeEvaluationOptions& options,
                                 const std::string& genome_origin = "genome");

// The champion re-test of a run: the fitness of network 0 of `one` over `episodes` episodes from
// starts drawn from `seed`, on a CPU evaluator of `pool`, and whether it solves the task.
struct RetestResult {
  double fitness = 0.0;
  bool solved = false;
};
RetestResult retest_network(Task& task, const PopulationLayout& one, ThreadPool& pool, uint64_t seed,
                            uint32_t episodes);

}  // namespace ganglion
