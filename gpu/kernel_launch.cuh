// The launches of the batched kernels (gpu/kernels.cuh) for one node update: kFast = false, the
// exact one (cuda.exact: true), instantiated in gpu/cuda_evaluator.cu, which is built with
// --fmad=false; kFast = true (cuda.exact: false) instantiated only in gpu/kernels_fast.cu, which is
// built with multiply-add contraction, so that the fast kernels, the device's exp inside them
// included, are the code b8f0c60's kernels were. The evaluator picks one table of launchers.
#pragma once

#include <cstddef>
#include <cstdint>

#include <cuda_runtime.h>

#include "core/error.hpp"
#include "gpu/cuda_check.hpp"
#include "gpu/kernels.cuh"

namespace ganglion {

struct KernelLaunchers {
  // group_kernel<staged, thread_per_row, warp>, per_block units a block.
  void (*group)(bool staged, bool thread_per_row, bool warp, const kernels::ActivateArgs& args,
                const kernels::GroupShape& shape, uint32_t per_block, size_t smem, cudaStream_t stream);
  void (*subwarp)(bool staged, const kernels::ActivateArgs& args, const kernels::GroupShape& shape,
                  uint32_t per_block, size_t smem, cudaStream_t stream);
  // level_kernel over items [item_begin, item_begin + item_count).
  void (*level)(const kernels::ActivateArgs& args, uint32_t item_begin, uint32_t item_count, unsigned blocks,
                unsigned threads, cudaStream_t stream);
  // Lets every shared-memory kernel take `bytes` of shared memory.
  void (*allow_shared)(size_t bytes);
};

template <bool kFast>
struct KernelLaunch {
  template <bool kStaged, bool kThreadPerRow, bool kWarp>
  static void group_as(const kernels::ActivateArgs& args, const kernels::GroupShape& shape, uint32_t per_block,
                       size_t smem, cudaStream_t stream) {
    const uint64_t blocks = (shape.units + per_block - 1) / per_block;
    if (blocks > 0x7fffffffull) throw Error("CUDA evaluator: population x rows too large for one launch");
    kernels::group_kernel<kStaged, kThreadPerRow, kWarp, kFast>
        <<<unsigned(blocks), shape.group * per_block, smem, stream>>>(args, shape);
    GANGLION_CUDA_CHECK_LAUNCH("group_kernel");
  }
  static void group(bool staged, bool thread_per_row, bool warp, const kernels::ActivateArgs& args,
                    const kernels::GroupShape& shape, uint32_t per_block, size_t smem, cudaStream_t stream) {
    if (!staged)  // the global strategy: one unit a block, nothing in shared memory
      return thread_per_row ? group_as<false, true, false>(args, shape, per_block, smem, stream)
                            : group_as<false, false, false>(args, shape, per_block, smem, stream);
    if (warp)
      return thread_per_row ? group_as<true, true, true>(args, shape, per_block, smem, stream)
                            : group_as<true, false, true>(args, shape, per_block, smem, stream);
    return thread_per_row ? group_as<true, true, false>(args, shape, per_block, smem, stream)
                          : group_as<true, false, false>(args, shape, per_block, smem, stream);
  }
  static void subwarp(bool staged, const kernels::ActivateArgs& args, const kernels::GroupShape& shape,
                      uint32_t per_block, size_t smem, cudaStream_t stream) {
    const uint32_t threads = shape.group * per_block;
    const uint64_t blocks = (shape.units + per_block - 1) / per_block;
    if (blocks > 0x7fffffffull) throw Error("CUDA evaluator: population x rows too large for one launch");
    if (staged)
      kernels::subwarp_kernel<true, kFast><<<unsigned(blocks), threads, smem, stream>>>(args, shape);
    else
      kernels::subwarp_kernel<false, kFast><<<unsigned(blocks), threads, smem, stream>>>(args, shape);
    GANGLION_CUDA_CHECK_LAUNCH("subwarp_kernel");
  }
  static void level(const kernels::ActivateArgs& args, uint32_t item_begin, uint32_t item_count, unsigned blocks,
                    unsigned threads, cudaStream_t stream) {
    kernels::level_kernel<kFast><<<blocks, threads, 0, stream>>>(args, item_begin, item_count);
    GANGLION_CUDA_CHECK_LAUNCH("level_kernel");
  }
  static void allow_shared(size_t bytes) {
    const int b = int(bytes);
    constexpr auto attribute = cudaFuncAttributeMaxDynamicSharedMemorySize;
    GANGLION_CUDA_CHECK(cudaFuncSetAttribute(kernels::group_kernel<true, true, false, kFast>, attribute, b));
    GANGLION_CUDA_CHECK(cudaFuncSetAttribute(kernels::group_kernel<true, false, false, kFast>, attribute, b));
    GANGLION_CUDA_CHECK(cudaFuncSetAttribute(kernels::group_kernel<true, true, true, kFast>, attribute, b));
    GANGLION_CUDA_CHECK(cudaFuncSetAttribute(kernels::group_kernel<true, false, true, kFast>, attribute, b));
    GANGLION_CUDA_CHECK(cudaFuncSetAttribute(kernels::subwarp_kernel<false, kFast>, attribute, b));
    GANGLION_CUDA_CHECK(cudaFuncSetAttribute(kernels::subwarp_kernel<true, kFast>, attribute, b));
  }
  static const KernelLaunchers& table() {
    static const KernelLaunchers launchers{&group, &subwarp, &level, &allow_shared};
    return launchers;
  }
};

// cuda.exact: false's launchers (gpu/kernels_fast.cu).
const KernelLaunchers& fast_kernel_launchers();

}  // namespace ganglion
