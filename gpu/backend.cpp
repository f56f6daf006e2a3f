#include "gpu/backend.hpp"

#include "core/error.hpp"
#include "core/network/cpu_evaluator.hpp"
#include "gpu/dispatch.hpp"

#if GANGLION_HAVE_CUDA
#include "gpu/cuda_backend.hpp"
#include "gpu/cuda_evaluator.hpp"
#endif

namespace ganglion {

bool cuda_available() {
#if GANGLION_HAVE_CUDA
  return cuda_device_count() > 0;
#else
  return false;
#endif
}

int cuda_devices() {
#if GANGLION_HAVE_CUDA
  return cuda_device_count();
#else
  return 0;
#endif
}

std::string cuda_device_info() {
#if GANGLION_HAVE_CUDA
  return cuda_describe_device();
#else
  return "this build has no CUDA evaluator (no CUDA compiler was found at configure time)";
#endif
}

namespace {
// Whether config.backend resolves to CUDA on this machine; throws when it asks for CUDA and there is none.
bool wants_cuda(const Config& config) {
  // Loading checked the kernel name already (against the names gpu/dispatch.cpp registers); this
  // also catches configs built in code, and keeps that registration linked into every program that
  // builds a backend, in builds without CUDA too.
  parse_kernel_strategy(config.cuda.kernel);
  switch (config.backend) {
    case BackendKind::Cpu: return false;
    case BackendKind::Cuda:
#if GANGLION_HAVE_CUDA
      if (!cuda_available()) throw Error("backend: cuda was asked for, but " + cuda_device_info());
      return true;
#else
      throw Error("backend: cuda was asked for, but " + cuda_device_info() + "; use backend: cpu or auto");
#endif
    case BackendKind::Auto:
    default: return cuda_available();
  }
}
}  // namespace

std::unique_ptr<Backend> make_cuda_backend(const CudaConfig& config) {
#if GANGLION_HAVE_CUDA
  return std::make_unique<CudaBackend>(config);
#else
  (void)config;
  throw Error("backend: cuda was asked for, but " + cuda_device_info());
#endif
}

std::unique_ptr<Backend> make_backend(const Config& config, ThreadPool& pool) {
  if (wants_cuda(config)) return make_cuda_backend(config.cuda);
  return std::make_unique<CpuBackend>(pool);
}

ExecutionContext make_execution_context(const Config& config) {
  if (wants_cuda(config)) return ExecutionContext(config.threads, make_cuda_backend(config.cuda));
  return ExecutionContext(config.threads);
}

std::unique_ptr<Evaluator> make_evaluator(const Config& config) {
#if GANGLION_HAVE_CUDA
  if (wants_cuda(config)) return make_cuda_evaluator(config.cuda);
#else
  (void)wants_cuda(config);  // throws for backend: cuda
#endif
  return std::make_unique<CpuEvaluator>(config.threads);
}

}  // namespace ganglion
