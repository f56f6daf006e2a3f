// The CUDA evaluator (gpu/): activates every network of a PopulationLayout on the device.
// Declared here so that host-only code (backend.cpp) can create one without seeing CUDA headers.
#pragma once

#include <memory>
#include <string>

#include "core/config.hpp"
#include "core/evaluator.hpp"

namespace ganglion {

int cuda_device_count();             // 0 when no device or no driver
std::string cuda_describe_device();  // name, memory, SMs of the selected device
std::unique_ptr<Evaluator> make_cuda_evaluator(const CudaConfig& config);

}  // namespace ganglion
