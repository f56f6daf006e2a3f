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

enum class Loss : uint8_t { Mse, Sse, Mae, Rmse, BinaryCrossEntropy };
// How a loss becomes a larger-is-better fitness.
enum class FitnessForm : uint8_t {
  Negative,  // -loss
  Inverse,   // 1 / (1 + loss)
  Offset,    // offset - loss (the NEAT paper's XOR: 4 - sum of squared errors)
};

// Loss of one network's outputs [rows][k] against targets [rows][k].
double compute_loss(Loss loss, const float* outputs, const float* targets, size_t rows, uint32_t k);
double fitness_from_loss(FitnessForm form, double offset, double loss);
double loss_from_fitness(FitnessForm form, double offset, double fitness);

struct DataTaskOptions {
  Loss loss = Loss::Mse;
  FitnessForm form = FitnessForm::Negative;
  double offset = 0.0;      // for FitnessForm::Offset
  double solve_loss = -1.0; // solved when loss <= solve_loss; negative: never
};

// Reads loss, fitness, fitness_offset and solve_loss from the task section.
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
};

}  // namespace ganglion
