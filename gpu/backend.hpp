// Backend selection: turns the config's `backend: cpu | cuda | auto` into a Backend
// (core/network/backend.hpp) and a run's ExecutionContext (core/execution.hpp). This file is
// compiled with or without CUDA; without it, `cuda` is an error and `auto` means `cpu`.
#pragma once

#include <memory>
#include <string>

#include "core/config/config.hpp"
#include "core/execution.hpp"
#include "core/network/backend.hpp"
#include "core/network/evaluator.hpp"

namespace ganglion {

// True when this build has the CUDA evaluator and a device is present.
bool cuda_available();
// CUDA devices this process sees (0 without the CUDA evaluator, a device or a driver).
int cuda_devices();
// A human-readable line on the device (name, memory, SMs), or why there is none.
std::string cuda_device_info();

// The backend config.backend asks for (auto: CUDA when a device is present). The CPU backend runs
// on `pool`, which must outlive it.
std::unique_ptr<Backend> make_backend(const Config& config, ThreadPool& pool);
// The CUDA backend on config.cuda's device; throws Error when this build or machine has none.
std::unique_ptr<Backend> make_cuda_backend(const CudaConfig& config);
// What a run starts with: config.threads host threads and the backend config.backend asks for.
ExecutionContext make_execution_context(const Config& config);

// The configured backend's evaluator alone, owned by the caller (no episode runner: control tasks
// run per step on it). For code that activates networks and nothing else.
std::unique_ptr<Evaluator> make_evaluator(const Config& config);

}  // namespace ganglion
