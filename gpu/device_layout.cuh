// DeviceLayout: device pointers into the CUDA evaluator's uploaded copy of a PopulationLayout
// (core/network/layout.hpp; the same arrays, those the field table core/network/layout_fields.hpp
// marks Device, with the same meaning). Its own header so that kernels outside the
// evaluator (gpu/fused_episodes.cuh) can read the layout without defining the evaluator's kernels.
#pragma once

#include <cstdint>

#include <vector_types.h>

#include "core/network/layout_fields.hpp"

namespace ganglion::kernels {

// Device pointers into the uploaded layout (one allocation; see cuda_evaluator.cu): one per field of
// GANGLION_LAYOUT_FIELDS marked Device, in table order.
#define GANGLION_DEVICE_LAYOUT_POINTER_Device(name, type) const type* name = nullptr;
#define GANGLION_DEVICE_LAYOUT_POINTER_HostOnly(name, type)
#define GANGLION_DEVICE_LAYOUT_POINTER(name, type, extent, where) GANGLION_DEVICE_LAYOUT_POINTER_##where(name, type)
struct DeviceLayout {
  uint32_t num_networks = 0;
  uint32_t num_inputs = 0;
  uint32_t num_outputs = 0;
  GANGLION_LAYOUT_FIELDS(GANGLION_DEVICE_LAYOUT_POINTER)
  const uint2* level_items = nullptr;  // level strategy: (global node, network), sorted by level
};
#undef GANGLION_DEVICE_LAYOUT_POINTER

}  // namespace ganglion::kernels
