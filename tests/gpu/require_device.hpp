// Included once by every device test: with no CUDA device, the test program prints why and
// leaves with CTest's skip code (77, SKIP_RETURN_CODE in tests/CMakeLists.txt) before doctest
// runs anything, so CI without a GPU reports it as skipped rather than passed.
#pragma once

#include <cstdio>
#include <cstdlib>

#include "gpu/cuda_evaluator.hpp"

namespace ganglion::testing {

inline const bool kHaveDevice = [] {
  if (cuda_device_count() == 0) {
    std::printf("skipped: no CUDA device\n");
    std::fflush(stdout);
    std::exit(77);
  }
  return true;
}();

}  // namespace ganglion::testing
