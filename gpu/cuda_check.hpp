// One way to check the CUDA runtime: every call and every kernel launch in gpu/ goes through
// GANGLION_CUDA_CHECK / GANGLION_CUDA_CHECK_LAUNCH, which throw a CudaError naming the call,
// the place (file:line) and CUDA's own error text.
#pragma once

#include <string>

#include <cuda_runtime_api.h>

#include "core/error.hpp"

namespace ganglion {

// A failed CUDA runtime call or kernel launch.
class CudaError : public Error {
 public:
  using Error::Error;
};

[[noreturn]] inline void throw_cuda_error(cudaError_t code, const char* what, const char* file, int line) {
  throw CudaError(std::string(file) + ":" + std::to_string(line) + ": " + what + " failed: " +
                  cudaGetErrorName(code) + " (" + cudaGetErrorString(code) + ")");
}

}  // namespace ganglion

#define GANGLION_CUDA_CHECK(call)                                                     \
  do {                                                                                \
    cudaError_t ganglion_cuda_status_ = (call);                                       \
    if (ganglion_cuda_status_ != cudaSuccess)                                         \
      ::ganglion::throw_cuda_error(ganglion_cuda_status_, #call, __FILE__, __LINE__); \
  } while (0)

// After a <<<...>>> launch: catches bad configurations at once (execution errors surface at the
// next synchronising call, which is checked too).
#define GANGLION_CUDA_CHECK_LAUNCH(kernel_name)                                                   \
  do {                                                                                            \
    cudaError_t ganglion_cuda_status_ = cudaGetLastError();                                       \
    if (ganglion_cuda_status_ != cudaSuccess)                                                     \
      ::ganglion::throw_cuda_error(ganglion_cuda_status_, "launch of " kernel_name, __FILE__, __LINE__); \
  } while (0)
