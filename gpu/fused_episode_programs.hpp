// The fused episode programs of this build: per environment type, the function that runs whole
// episodes of a population on the CUDA evaluator's device (gpu/fused_episodes.cuh). A .cu file
// next to an environment adds one with GANGLION_REGISTER_FUSED_EPISODES; the CUDA backend's
// episode runner (gpu/cuda_backend.hpp) looks them up by the environment's type. Plain C++, so
// that host code can hold the table without CUDA headers.
#pragma once

#include <cstdint>
#include <typeindex>

#include "core/network/layout.hpp"
#include "core/task/episode_runner.hpp"

namespace ganglion {

class CudaEvaluator;

// Runs the episodes that EpisodeRunner::run describes, on the population `evaluator` holds
// (`layout`, already uploaded). `environment` is of the type the program was registered for.
using FusedEpisodeProgram = void (*)(CudaEvaluator& evaluator, const PopulationLayout& layout,
                                     const EnvironmentRef& environment, const EpisodeSpec& spec,
                                     double* episode_fitness, uint32_t* episode_steps);

// Throws Error when the type already has a program.
void register_fused_episodes(std::type_index environment, FusedEpisodeProgram program);
// nullptr when none is registered.
FusedEpisodeProgram find_fused_episodes(std::type_index environment);

struct FusedEpisodeRegistration {
  FusedEpisodeRegistration(std::type_index environment, FusedEpisodeProgram program) {
    register_fused_episodes(environment, program);
  }
};

}  // namespace ganglion
