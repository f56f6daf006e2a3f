#include "gpu/backend.hpp"

#include "core/network/cpu_evaluator.hpp"
#include "core/error.hpp"
#include "gpu/dispatch.hpp"

#if GANGLION_HAVE_CUDA
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

std::string cuda_device_info() {
#if GANGLION_HAVE_CUDA
  return cuda_describe_device();
#else
  return "this build has no CUDA evaluator (no CUDA compiler was found at configure time)";
#endif
}

std::unique_ptr<Evaluator> make_evaluator(const Config& config) {
  // Loading checked the name already (against the names gpu/dispatch.cpp registers); this also
  // catches configs built in code, and keeps that registration linked into every program that
  // builds an evaluator, in builds without CUDA too.
  parse_kernel_strategy(config.cuda.kernel);
  switch (config.backend) {
    case Backend::Cpu: return std::make_unique<CpuEvaluator>(config.threads);
    case Backend::Cuda:
#if GANGLION_HAVE_CUDA
      if (!cuda_available()) throw Error("backend: cuda was asked for, but " + cuda_device_info());
      return make_cuda_evaluator(config.cuda);
#else
      throw Error("backend: cuda was asked for, but " + cuda_device_info() + "; use backend: cpu or auto");
#endif
    case Backend::Auto:
    default:
#if GANGLION_HAVE_CUDA
      if (cuda_available()) return make_cuda_evaluator(config.cuda);
#endif
      return std::make_unique<CpuEvaluator>(config.threads);
  }
}

}  // namespace ganglion
