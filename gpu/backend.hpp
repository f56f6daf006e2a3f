// Backend selection: turns the config's `backend: cpu | cuda | auto` into an Evaluator. This file
// is compiled with or without CUDA; without it, `cuda` is an error and `auto` means `cpu`.
#pragma once

#include <memory>
#include <string>

#include "core/config/config.hpp"
#include "core/network/evaluator.hpp"

namespace ganglion {

// True when this build has the CUDA evaluator and a device is present.
bool cuda_available();
// A human-readable line on the device (name, memory, SMs), or why there is none.
std::string cuda_device_info();
std::unique_ptr<Evaluator> make_evaluator(const Config& config);

}  // namespace ganglion
