#include "gpu/cuda_backend.hpp"

#if GANGLION_HAVE_CUDA

#include "core/error.hpp"
#include "gpu/fused_episode_programs.hpp"

namespace ganglion {

namespace {
std::string shape_of(const PopulationLayout& L) {
  return std::to_string(L.num_networks) + " networks, " + std::to_string(L.total_nodes()) + " nodes, " +
         std::to_string(L.total_edges()) + " + " + std::to_string(L.total_rec_edges()) + " edges";
}
}  // namespace

bool CudaEpisodeRunner::runs(std::type_index environment) const { return find_fused_episodes(environment) != nullptr; }

void CudaEpisodeRunner::run(const EnvironmentRef& environment, const PopulationLayout& layout, const EpisodeSpec& spec,
                            double* episode_fitness, uint32_t* episode_steps) {
  FusedEpisodeProgram program = find_fused_episodes(environment.type());
  if (!program)
    throw Error(std::string("cuda episode runner: no fused episode program for environment ") +
                environment.type().name() + " (add GANGLION_REGISTER_FUSED_EPISODES in a .cu file next to it)");
  if (uint64_t(layout.num_networks) * spec.episodes == 0) return;
  // The runner works on the evaluator's upload, so the caller must have loaded this population; a
  // different shape means it did not (the same shape with other weights cannot be told apart,
  // which is why the contract is the caller's: the engine loads each generation once).
  const PopulationLayout* loaded = evaluator_.device_view().host_layout;
  if (!loaded || loaded->num_networks != layout.num_networks || loaded->total_nodes() != layout.total_nodes() ||
      loaded->total_edges() != layout.total_edges() || loaded->total_rec_edges() != layout.total_rec_edges())
    throw Error("cuda episode runner: the CUDA evaluator holds " + (loaded ? shape_of(*loaded) : std::string("nothing")) +
                ", but the episodes are for " + shape_of(layout) +
                "; load the population into the backend's evaluator first (the engine does, once per generation)");
  program(evaluator_, layout, environment, spec, episode_fitness, episode_steps);
}

CudaBackend::CudaBackend(const CudaConfig& config) : evaluator_(make_cuda_evaluator(config)), runner_(*evaluator_) {}

std::string CudaBackend::describe() const { return "cuda: " + cuda_describe_device(); }

}  // namespace ganglion

#endif  // GANGLION_HAVE_CUDA
