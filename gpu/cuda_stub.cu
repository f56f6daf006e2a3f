// Placeholder until the CUDA evaluator lands: reports no device.
#include "gpu/cuda_evaluator.hpp"

#include "core/error.hpp"

namespace ganglion {

int cuda_device_count() { return 0; }
std::string cuda_describe_device() { return "the CUDA evaluator is not implemented yet"; }
std::unique_ptr<Evaluator> make_cuda_evaluator(const CudaConfig&) {
  throw Error("the CUDA evaluator is not implemented yet");
}

}  // namespace ganglion
