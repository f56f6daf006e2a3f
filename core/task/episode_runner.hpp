// A backend's own episode runner: whole control-task episodes of a whole population, run by the
// backend itself (the CUDA backend: inside one kernel) instead of one host-driven activation per
// time step. A backend that has one offers it through Backend::episode_runner(); ControlTask<Env>
// asks for it and falls back to its per-step path when there is none or when the runner has no
// program for Env. Environments are type-erased here (EnvironmentRef) so that this interface is
// plain C++: the runner keeps, per environment type, a program compiled for its device
// (gpu/fused_episodes.cuh registers one with GANGLION_REGISTER_FUSED_EPISODES).
#pragma once

#include <cstdint>
#include <string>
#include <typeindex>
#include <typeinfo>

#include "core/network/layout.hpp"

namespace ganglion {

// What one evaluation of a control task asks for; plain data, copied to a device as it is.
struct EpisodeSpec {
  uint64_t seed = 0;
  uint32_t generation = 0;
  uint32_t episodes = 1;    // per network
  uint32_t max_steps = 1000;
  // false: episode e of network n uses stream b = (first_network + n * network_stride) * episodes + e
  bool same_starts = true;
  // Network n of the layout is the population's network first_network + n * network_stride
  // (TaskContext's): a shard of a distributed evaluation draws the starts the whole population's
  // network would.
  uint32_t first_network = 0;
  uint32_t network_stride = 1;
};

// An environment (a control task's Env, core/task/control_task.hpp) without its type: the type is
// the key under which a runner finds its program, and `as<Env>()` is valid only for that type.
class EnvironmentRef {
 public:
  template <class Env>
  explicit EnvironmentRef(const Env& env) : type_(typeid(Env)), env_(&env) {}
  std::type_index type() const { return type_; }
  template <class Env>
  const Env& as() const { return *static_cast<const Env*>(env_); }  // the caller matched type()

 private:
  std::type_index type_;
  const void* env_;
};

class EpisodeRunner {
 public:
  virtual ~EpisodeRunner() = default;
  virtual std::string name() const = 0;
  // Whether run() has a program for environments of this type.
  virtual bool runs(std::type_index environment) const = 0;
  // Runs, for every network n of `layout` and episode e < spec.episodes, precisely what the
  // per-step path does (control_task.hpp: episode_begin, observe / activate / episode_advance
  // until done) and writes episode_fitness[n * spec.episodes + e] and episode_steps[same].
  // `layout` must be the population the backend's evaluator holds: the engine loads each
  // generation's layout once, and the runner works on that copy (no upload of its own). A runner
  // that holds another population, or none, throws Error; so does an environment it does not run.
  virtual void run(const EnvironmentRef& environment, const PopulationLayout& layout, const EpisodeSpec& spec,
                   double* episode_fitness, uint32_t* episode_steps) = 0;
};

}  // namespace ganglion
