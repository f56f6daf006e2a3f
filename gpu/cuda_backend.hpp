// The CUDA backend: the CUDA evaluator (gpu/cuda_evaluator.hpp) and, on the same device and the
// same uploaded population, an episode runner that runs the fused episode program registered for
// a control task's environment (gpu/fused_episode_programs.hpp). Declared without CUDA headers;
// built only where CUDA is (make_backend in gpu/backend.hpp is the way in for everyone else).
#pragma once

#include <memory>
#include <string>

#include "core/config/config.hpp"
#include "core/network/backend.hpp"
#include "core/task/episode_runner.hpp"
#include "gpu/cuda_evaluator.hpp"

namespace ganglion {

// Runs episodes on the population its evaluator holds: the engine loads each generation's layout
// into the evaluator once, and the runner launches on that upload.
class CudaEpisodeRunner final : public EpisodeRunner {
 public:
  explicit CudaEpisodeRunner(CudaEvaluator& evaluator) : evaluator_(evaluator) {}
  std::string name() const override { return "cuda fused episodes"; }
  bool runs(std::type_index environment) const override;
  void run(const EnvironmentRef& environment, const PopulationLayout& layout, const EpisodeSpec& spec,
           double* episode_fitness, uint32_t* episode_steps) override;

 private:
  CudaEvaluator& evaluator_;
};

class CudaBackend final : public Backend {
 public:
  // Throws an Error for an unknown config.kernel or device index (make_cuda_evaluator).
  explicit CudaBackend(const CudaConfig& config);
  std::string name() const override { return "cuda"; }
  std::string describe() const override;
  Evaluator& evaluator() override { return *evaluator_; }
  EpisodeRunner* episode_runner() override { return &runner_; }
  // The evaluator with its CUDA-only calls (plans, kernel times, tuning), for benchmarks.
  CudaEvaluator& cuda_evaluator() { return *evaluator_; }

 private:
  std::unique_ptr<CudaEvaluator> evaluator_;
  CudaEpisodeRunner runner_;
};

}  // namespace ganglion
