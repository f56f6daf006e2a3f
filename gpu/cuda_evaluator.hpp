// The CUDA evaluator (gpu/): activates every network of a PopulationLayout on the device.
// Declared here so that host-only code (backend.cpp, tools, tests) can create and inspect one
// without seeing CUDA headers. Strategies and the rules choosing them: gpu/dispatch.hpp.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/config/config.hpp"
#include "core/network/evaluator.hpp"
#include "gpu/dispatch.hpp"

struct CUstream_st;  // cudaStream_t, without the CUDA headers

namespace ganglion {

namespace kernels {
struct DeviceLayout;
}

int cuda_device_count();             // 0 when no device or no driver
std::string cuda_describe_device();  // name, memory, SMs of the selected device

// Device memory for code built without CUDA headers (the Python module's device arrays): `bytes`
// on `device` (Error naming the size when it cannot be had), freed by cuda_free; cuda_copy_to_host
// copies such memory back (synchronously).
void* cuda_malloc(size_t bytes, int device);
void cuda_free(void* p) noexcept;
void cuda_copy_to_host(void* host, const void* device_memory, size_t bytes);

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

// Reads a buffer twice the size of the L2 cache, so that the next kernel reads the layout from
// device memory and evicts only clean lines (benchmarks call it between timed runs; the current
// device must be `device`).
void cuda_flush_l2(int device = 0);

// The floor under every "kernel ms" of a benchmark: an empty kernel (one warp) between two CUDA
// events on an idle stream, as the evaluator times its kernels; median of `repeats`, in ms.
double cuda_empty_launch_ms(int device = 0, int repeats = 21);

// What device code outside the evaluator (fused episode runners, gpu/fused_episodes.cuh) needs
// to run its own kernels on the loaded population: the device copy of the layout, the
// evaluator's stream (the layout's upload is queued on it) and the device's limits.
struct CudaDeviceView {
  const PopulationLayout* host_layout = nullptr;      // the layout of the last load()
  const kernels::DeviceLayout* layout = nullptr;      // device pointers into its uploaded copy
  CUstream_st* stream = nullptr;
  size_t shared_per_block = 0;                        // opt-in maximum, bytes
  int multiprocessors = 0;
};

class CudaEvaluator : public Evaluator {
 public:
  // The strategy the last activate() ran ("block", ...), with the dispatcher's reason and shape.
  virtual std::string last_plan() const = 0;
  // Device time of the last activate()'s kernels alone (CUDA events), in milliseconds.
  virtual double last_kernel_ms() const = 0;
  // Overrides of the dispatcher's rules for the following activate() calls (benchmarks).
  virtual void set_tuning(const PlanTuning& tuning) = 0;

  // For fused runners: the loaded population on the device, and a device buffer of at least
  // `bytes` owned by the evaluator (kept, grown only when needed; valid until the next call).
  virtual CudaDeviceView device_view() const = 0;
  virtual void* device_scratch(size_t bytes) = 0;
  // Lets a fused runner report its kernels' device time as last_kernel_ms().
  virtual void set_last_kernel_ms(double ms) = 0;
};

// Throws an Error for an unknown config.cuda.kernel (listing the valid ones) or device index.
std::unique_ptr<CudaEvaluator> make_cuda_evaluator(const CudaConfig& config);

}  // namespace ganglion
