// A data task over a Boolean truth table, used by XOR and N-bit parity. Every network is activated
// once on all rows (one batched call); fitness is the NEAT paper's (rows - sum |output - target|)^2,
// and a network solves the task when every output lies on the right side of 0.5.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/task/data_task.hpp"
#include "core/task/task.hpp"

namespace ganglion {

class TruthTableTask : public Task {
 public:
  // inputs: rows * num_inputs values; targets: rows values (one output).
  TruthTableTask(std::string name, uint32_t num_inputs, std::vector<float> inputs, std::vector<float> targets)
      : name_(std::move(name)), num_inputs_(num_inputs), inputs_(std::move(inputs)), targets_(std::move(targets)) {
    table_.num_inputs = num_inputs_;
    table_.num_targets = 1;
    table_.inputs = inputs_;
    table_.targets = targets_;
    table_.origin = "task '" + name_ + "'";
  }

  std::string name() const override { return name_; }
  uint32_t num_inputs() const override { return num_inputs_; }
  uint32_t num_outputs() const override { return 1; }
  size_t rows() const { return targets_.size(); }

  void evaluate(const PopulationLayout& layout, Evaluator& evaluator, const TaskContext& ctx,
                std::vector<double>& fitness) override {
    (void)ctx;
    const size_t n = layout.num_networks;
    const size_t r = rows();
    outputs_.assign(n * r, 0.0f);
    evaluator.activate(inputs_.data(), r, InputMode::Shared, outputs_.data());
    fitness.assign(n, 0.0);
    solved_.assign(n, 0);
    error_.assign(n, 0.0);
    accuracy_.assign(n, 0.0);
    for (size_t k = 0; k < n; ++k) {
      double error = 0.0;
      bool right = true;
      size_t rows_right = 0;
      for (size_t row = 0; row < r; ++row) {
        const double out = outputs_[k * r + row];
        const double target = targets_[row];
        error += std::fabs(out - target);
        const bool row_right = target > 0.5 ? out > 0.5 : out < 0.5;
        right = right && row_right;
        rows_right += row_right;
      }
      const double score = double(r) - error;
      fitness[k] = score * score;  // NaN outputs stay NaN: the engine reports them
      solved_[k] = right && std::isfinite(error);
      error_[k] = r ? error / double(r) : 0.0;
      accuracy_[k] = r ? double(rows_right) / double(r) : 0.0;
    }
  }

  NetworkMetrics network_metrics(uint32_t network) const override {
    NetworkMetrics m;
    if (network < error_.size()) {
      m.loss = error_[network];  // mean absolute error
      m.accuracy = accuracy_[network];
    }
    return m;
  }

  bool solved_network(uint32_t network, double fitness) const override {
    (void)fitness;
    return network < solved_.size() && solved_[network];
  }
  const Dataset* data_set() const override { return &table_; }
  std::string solve_criterion() const override { return "every output on the right side of 0.5"; }
  // The best possible fitness (every output exact).
  double max_fitness() const { return double(rows()) * double(rows()); }

 private:
  std::string name_;
  uint32_t num_inputs_;
  std::vector<float> inputs_;
  std::vector<float> targets_;
  Dataset table_;  // inputs_ and targets_ as a table, for data_set()
  std::vector<float> outputs_;
  std::vector<uint8_t> solved_;
  std::vector<double> error_;     // per network: mean |output - target|
  std::vector<double> accuracy_;  // per network: share of rows on the right side of 0.5
};

// The N-bit parity table: 2^N rows, target 1 when an odd number of inputs is 1.
inline TruthTableTask make_parity_task(std::string name, uint32_t bits) {
  std::vector<float> inputs, targets;
  for (uint32_t row = 0; row < (1u << bits); ++row) {
    uint32_t ones = 0;
    for (uint32_t b = 0; b < bits; ++b) {
      const uint32_t bit = (row >> (bits - 1 - b)) & 1u;
      inputs.push_back(float(bit));
      ones += bit;
    }
    targets.push_back(float(ones & 1u));
  }
  return TruthTableTask(std::move(name), bits, std::move(inputs), std::move(targets));
}

}  // namespace ganglion
