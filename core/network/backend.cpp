#include "core/network/backend.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"

namespace ganglion {

EpisodeRunner& Backend::require_episode_runner() {
  if (EpisodeRunner* runner = episode_runner()) return *runner;
  throw Error("backend '" + name() + "' has no episode runner (control tasks run their episodes per step on it; "
              "the CUDA backend has one)");
}

CpuBackend::CpuBackend(ThreadPool& pool) : pool_(pool), evaluator_(pool) {}

std::string CpuBackend::describe() const { return "cpu: " + std::to_string(pool_.size()) + " threads"; }

}  // namespace ganglion
