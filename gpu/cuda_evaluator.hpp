// The CUDA evaluator (gpu/): activates every network of a PopulationLayout on the device.
// Declared here so that host-only code (backend.cpp, tools, tests) can create and inspect one
// without seeing CUDA headers. Strategies and the rules choosing them: gpu/dispatch.hpp.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/config.hpp"
#include "core/evaluator.hpp"
#include "gpu/dispatch.hpp"

namespace ganglion {

int cuda_device_count();             // 0 when no device or no driver
std::string cuda_describe_device();  // name, memory, SMs of the selected device

// Facts about a device that benchmarks need (roofline, table header).
struct CudaDeviceFacts {
  std::string name;
  int multiprocessors = 0;
  size_t global_memory = 0;
  size_t l2_bytes = 0;
  size_t shared_per_block = 0;     // opt-in maximum
  double memory_bandwidth = 0.0;   // peak, bytes/s: 2 x memory clock x bus width
};
CudaDeviceFacts cuda_device_facts(int device = 0);

// Overwrites a buffer twice the size of the L2 cache, so that the next kernel reads the layout
// from device memory (benchmarks call it between timed runs).
void cuda_flush_l2(int device = 0);

class CudaEvaluator : public Evaluator {
 public:
  // The strategy the last activate() ran ("block", ...), with the dispatcher's reason and shape.
  virtual std::string last_plan() const = 0;
  // Device time of the last activate()'s kernels alone (CUDA events), in milliseconds.
  virtual double last_kernel_ms() const = 0;
  // Device memory held now (layout, state, scratch), in bytes.
  virtual size_t device_bytes() const = 0;
  // Overrides of the dispatcher's rules for the following activate() calls (benchmarks).
  virtual void set_tuning(const PlanTuning& tuning) = 0;
};

// Throws an Error for an unknown config.cuda.kernel (listing the valid ones) or device index.
std::unique_ptr<CudaEvaluator> make_cuda_evaluator(const CudaConfig& config);

}  // namespace ganglion
