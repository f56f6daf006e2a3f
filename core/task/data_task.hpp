// Data tasks: every network on every row of a table of inputs and targets in ONE batched
// activation (shared input mode), then a loss per network turned into a fitness. The table is
// built in code (XOR) or read from a CSV file named in the config (regression).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "core/task/task.hpp"

namespace ganglion {

struct Dataset {
  uint32_t num_inputs = 0;
  uint32_t num_targets = 0;
  std::vector<float> inputs;   // [rows][num_inputs]
  std::vector<float> targets;  // [rows][num_targets]
  std::string origin;          // the file it came from, for messages
  size_t rows() const { return num_inputs ? inputs.size() / num_inputs : 0; }
};

// CSV: one row per line, values separated by commas, the first `num_inputs` columns are inputs,
// the next `num_targets` targets. Blank lines and lines starting with '#' are skipped; the first
// line is a header when none of its cells is a number. Errors name file:line (and the column).
Dataset parse_csv_dataset(const std::string& text, const std::string& origin, uint32_t num_inputs,
                          uint32_t num_targets);
Dataset load_csv_dataset(const std::string& path, uint32_t num_inputs, uint32_t num_targets);
// The number of cells of the text's first line that is not blank or a comment (0 when there is
// none): what a task that is told only some of the counts takes the rest from.
uint32_t csv_column_count(const std::string& text);

// The config words of each, in enum order: `loss: mse | sse | mae | rmse | bce | ce`.
enum class Loss : uint8_t {
  Mse,
  Sse,
  Mae,
  Rmse,
  BinaryCrossEntropy,  // bce: per output, targets 0/1, outputs read as probabilities (clamped to [1e-7, 1 - 1e-7])
  CrossEntropy,        // ce: per row, the softmax of the outputs against the targets (one-hot or a distribution)
};
// How a loss becomes a larger-is-better fitness: `fitness: negative | inverse | offset | accuracy`.
enum class FitnessForm : uint8_t {
  Negative,  // -loss
  Inverse,   // 1 / (1 + loss)
  Offset,    // offset - loss (the NEAT paper's XOR: 4 - sum of squared errors)
  Accuracy,  // the share of rows classified right (data_accuracy), whatever the loss
};
const std::vector<std::string>& loss_names();
const std::vector<std::string>& fitness_form_names();

// Loss of one network's outputs [rows][k] against targets [rows][k]. NaN outputs give a NaN loss.
double compute_loss(Loss loss, const float* outputs, const float* targets, size_t rows, uint32_t k);
// The share of rows (in [0, 1]) a network classifies right. One output (k = 1): the output and the
// target lie on the same side of 0.5. Several (k > 1): the largest output is at the target's
// largest value (one-hot classes; the first of equal values). A NaN output is never right.
double data_accuracy(const float* outputs, const float* targets, size_t rows, uint32_t k);
double fitness_from_loss(FitnessForm form, double offset, double loss);
// NaN for FitnessForm::Accuracy, whose fitness says nothing of the loss.
double loss_from_fitness(FitnessForm form, double offset, double fitness);

struct DataTaskOptions {
  Loss loss = Loss::Mse;
  FitnessForm form = FitnessForm::Negative;
  double offset = 0.0;          // for FitnessForm::Offset
  double solve_loss = -1.0;     // solved when loss <= solve_loss; negative: no such criterion
  double solve_accuracy = -1.0; // solved when accuracy >= solve_accuracy; negative: no such criterion
  // Whether the task is a classification, whose accuracy is measured and reported (stats.jsonl's
  // best_accuracy): a classification loss (bce, ce), fitness: accuracy or a solve_accuracy.
  bool classification() const {
    return loss == Loss::BinaryCrossEntropy || loss == Loss::CrossEntropy || form == FitnessForm::Accuracy ||
           solve_accuracy >= 0.0;
  }
};

// Reads loss, fitness, fitness_offset, solve_loss and solve_accuracy from the task section.
DataTaskOptions read_data_task_options(TaskParams& params, const std::string& origin, const DataTaskOptions& defaults);

// evaluate() expects the evaluator to hold the layout already (the engine loads it).
class DataTask : public Task {
 public:
  DataTask(std::string name, Dataset data, DataTaskOptions options = {});

  std::string name() const override { return name_; }
  uint32_t num_inputs() const override { return data_.num_inputs; }
  uint32_t num_outputs() const override { return data_.num_targets; }
  void evaluate(const PopulationLayout& layout, Evaluator& evaluator, const TaskContext& ctx,
                std::vector<double>& fitness) override;
  bool solved(double fitness) const override;
  std::string solve_criterion() const override;
  // With a solve_accuracy (or fitness: accuracy), from the most recent evaluate()'s loss and
  // accuracy; otherwise solved(fitness), which a subclass with a fitness of its own overrides.
  bool solved_network(uint32_t network, double fitness) const override;
  // The loss (options().loss) of network n in the most recent evaluate(), and its accuracy when
  // the task is a classification.
  NetworkMetrics network_metrics(uint32_t network) const override;

  const Dataset* data_set() const override { return &data_; }
  const Dataset& data() const { return data_; }
  const DataTaskOptions& options() const { return options_; }

 protected:
  // Fitness of one network from its outputs [rows][num_targets]. Override for a custom fitness
  // (then override solved() too). Called in parallel for different networks: keep it const.
  virtual double network_fitness(const float* outputs) const;

  std::string name_;
  Dataset data_;
  DataTaskOptions options_;

 private:
  std::vector<double> loss_;      // per network of the last evaluate()
  std::vector<double> accuracy_;  // per network, when options_.classification()
};

}  // namespace ganglion
