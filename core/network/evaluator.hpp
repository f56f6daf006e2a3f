// The evaluator interface every backend implements: activate every network of a layout on a
// batch of input rows, one activation step per call. Tasks see this interface, never a kernel.
//
// Shapes (row-major, fp32):
//   inputs, shared mode:       [rows][num_inputs]             (every network sees the same rows)
//   inputs, per-network mode:  [num_networks][rows][num_inputs]
//   outputs:                   [num_networks][rows][num_outputs]
// Recurrent networks keep, per network and row, the node values of the previous call (zeros after
// load() or reset_state()); a change of `rows` resets the state. Feed-forward networks ignore it.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/network/layout.hpp"

namespace ganglion {

enum class InputMode { Shared, PerNetwork };

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  virtual std::string name() const = 0;
  // Takes a layout for the following activate() calls; the layout must stay alive and unchanged
  // until the next load(). Resets recurrent state.
  virtual void load(const PopulationLayout& layout) = 0;
  virtual void activate(const float* inputs, size_t rows, InputMode mode, float* outputs) = 0;
  virtual void reset_state() = 0;
};

}  // namespace ganglion
