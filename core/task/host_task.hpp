// Host tasks: any C++ (a simulator that cannot run on a GPU, a game engine, a robot) that asks
// for every network's actions once per step. The task drives its own loop and calls
// HostBatch::step() with all networks' observations; the backend activates them in one batch.
#pragma once

#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "core/network/evaluator.hpp"
#include "core/network/layout.hpp"
#include "core/task/task.hpp"

namespace ganglion {

// The population's networks as one batch: observations in, actions out, recurrent state kept
// per network and row between step() calls (reset_state() clears it).
class HostBatch {
 public:
  // `evaluator` must hold `layout` (the engine loads it before Task::evaluate).
  HostBatch(const PopulationLayout& layout, Evaluator& evaluator) : layout_(layout), evaluator_(evaluator) {
    evaluator_.reset_state();
  }
  uint32_t num_networks() const { return layout_.num_networks; }
  uint32_t num_inputs() const { return layout_.num_inputs; }
  uint32_t num_outputs() const { return layout_.num_outputs; }

  // observations: [num_networks][rows][num_inputs]; returns [num_networks][rows][num_outputs],
  // valid until the next call. Changing `rows` resets the recurrent state.
  const std::vector<float>& step(const std::vector<float>& observations, size_t rows = 1) {
    const size_t want = size_t(layout_.num_networks) * rows * layout_.num_inputs;
    if (observations.size() != want)
      throw Error("HostBatch::step: expected " + std::to_string(want) + " observation values (" +
                  std::to_string(layout_.num_networks) + " networks x " + std::to_string(rows) + " rows x " +
                  std::to_string(layout_.num_inputs) + " inputs), got " + std::to_string(observations.size()));
    outputs_.resize(size_t(layout_.num_networks) * rows * layout_.num_outputs);
    evaluator_.activate(observations.data(), rows, InputMode::PerNetwork, outputs_.data());
    activations_ += uint64_t(layout_.num_networks) * rows;
    return outputs_;
  }
  void reset_state() { evaluator_.reset_state(); }
  uint64_t activations() const { return activations_; }

 private:
  const PopulationLayout& layout_;
  Evaluator& evaluator_;
  std::vector<float> outputs_;
  uint64_t activations_ = 0;
};

// Base class of host tasks: implement run(), which steps its simulators with batch.step() and
// writes fitness[n] for every network.
class HostTask : public Task {
 public:
  void evaluate(const PopulationLayout& layout, Evaluator& evaluator, const TaskContext& ctx,
                std::vector<double>& fitness) override {
    fitness.assign(layout.num_networks, 0.0);
    HostBatch batch(layout, evaluator);
    run(batch, ctx, fitness);
  }

 protected:
  virtual void run(HostBatch& batch, const TaskContext& ctx, std::vector<double>& fitness) = 0;
};

}  // namespace ganglion
