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

#include "core/error.hpp"
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

  // Device memory. device() is the CUDA device an evaluator computes on, or -1 for one that
  // computes in host memory (it has no activate_device). activate_device() is activate() with
  // `inputs` and `outputs` in that device's memory (same shapes, C order), queued on stream() (a
  // cudaStream_t); work that wrote the inputs on another stream must be ordered before it (DLPack's
  // `stream` argument does that). It returns when the outputs are written.
  virtual int device() const { return -1; }
  // Device memory the evaluator holds now (layout, state, scratch), in bytes; 0 for host evaluators.
  virtual size_t device_bytes() const { return 0; }
  virtual void* stream() const { return nullptr; }
  virtual void activate_device(const float* inputs, size_t rows, InputMode mode, float* outputs) {
    (void)inputs, (void)rows, (void)mode, (void)outputs;
    throw Error(name() + " evaluator: it computes in host memory; activate_device needs a device (backend: cuda)");
  }
};

}  // namespace ganglion
