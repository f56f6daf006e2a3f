// The cuda section, read by gpu/ (the CUDA evaluator). The kernel names belong to gpu/
// (gpu/dispatch.hpp), which registers them with the loader (core/config/registered_names.hpp), so
// a misspelt kernel is refused when the config is loaded, with its place and "did you mean".
// Key table format: core/config/settings.hpp.
#pragma once

#include <string>

#include "core/config/settings.hpp"

namespace ganglion {

// The help text keeps naming the strategies: it is written into every run's config.yaml.
#define GANGLION_CUDA_SETTINGS(KEY, SUB)                                                                   \
  KEY(std::string, kernel, "auto", registered_names(), may_change,                                         \
      "kernel strategy: auto, level, block, warp, subwarp, global or paper (checked by the CUDA backend)") \
  KEY(int, device, 0, range(0, 1023), may_change, "CUDA device index")                                      \
  KEY(bool, exact, true, any(), fixed,                                                                     \
      "true: kernel outputs bit-identical to the CPU evaluator's; false: fused multiply-adds and the GPU's " \
      "exp, faster, within a few ulp")

struct CudaConfig {
  GANGLION_CUDA_SETTINGS(GANGLION_SETTING_FIELD, GANGLION_SETTING_FIELD)
  GANGLION_SETTINGS_DESCRIBE(CudaConfig, GANGLION_CUDA_SETTINGS)
};

}  // namespace ganglion
