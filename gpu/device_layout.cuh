// DeviceLayout: device pointers into the CUDA evaluator's uploaded copy of a PopulationLayout
// (core/network/layout.hpp; same arrays, same meaning). Its own header so that kernels outside the
// evaluator (gpu/fused_episodes.cuh) can read the layout without defining the evaluator's kernels.
#pragma once

#include <cstdint>

#include <vector_types.h>

namespace ganglion::kernels {

// Device pointers into the uploaded layout (one allocation; see cuda_evaluator.cu).
struct DeviceLayout {
  uint32_t num_networks = 0;
  uint32_t num_inputs = 0;
  uint32_t num_outputs = 0;
  const uint32_t* node_offset = nullptr;
  const uint32_t* edge_offset = nullptr;
  const uint32_t* level_offset = nullptr;
  const uint32_t* num_bias = nullptr;
  const uint32_t* level_start = nullptr;
  const uint8_t* activation = nullptr;
  const uint8_t* aggregation = nullptr;
  const float* bias = nullptr;
  const float* response = nullptr;
  const uint32_t* row_offset = nullptr;
  const uint32_t* rec_row_offset = nullptr;
  const uint32_t* src = nullptr;
  const float* weight = nullptr;
  const uint32_t* rec_src = nullptr;
  const float* rec_weight = nullptr;
  const uint32_t* output_node = nullptr;
  const uint2* level_items = nullptr;  // level strategy: (global node, network), sorted by level
};

}  // namespace ganglion::kernels
