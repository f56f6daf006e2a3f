// The kernels of cuda.exact: false (gpu/kernel_launch.cuh). This file alone is built with
// multiply-add contraction (gpu/CMakeLists.txt), so the kFast kernels are compiled as b8f0c60's were.
// The kernels that do not compute nodes (packing, gathering outputs) live in cuda_evaluator.cu alone.
#define GANGLION_KERNELS_NODE_UPDATE_ONLY
#include "gpu/kernel_launch.cuh"

namespace ganglion {

const KernelLaunchers& fast_kernel_launchers() { return KernelLaunch<true>::table(); }

}  // namespace ganglion
