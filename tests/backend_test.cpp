// Backends and execution contexts (core/network/backend.hpp, core/execution.hpp, gpu/backend.hpp):
// the CPU backend has no episode runner (null, and a clear error when one is required); a config
// picks the backend; an ExecutionContext owns its threads and hands its backend's evaluator the
// same pool; a TaskContext without one runs serially with no backend; fused episode programs are
// registered per environment type.
#include <doctest/doctest.h>

#include <vector>

#include "core/error.hpp"
#include "core/execution.hpp"
#include "core/network/backend.hpp"
#include "core/network/cpu_evaluator.hpp"
#include "core/task/episode_runner.hpp"
#include "core/task/task.hpp"
#include "experiments/pole/pole_envs.hpp"
#include "gpu/backend.hpp"
#include "gpu/fused_episode_programs.hpp"
#include "tests/evolution_fixtures.hpp"
#include "tests/random_genome.hpp"

using namespace ganglion;

TEST_CASE("the CPU backend has no episode runner; requiring one names the backend") {
  ThreadPool pool(2);
  CpuBackend cpu(pool);
  CHECK(cpu.name() == "cpu");
  CHECK(cpu.describe() == "cpu: 2 threads");
  CHECK(cpu.evaluator().name() == "cpu");
  CHECK(cpu.episode_runner() == nullptr);
  CHECK_THROWS_WITH_AS(cpu.require_episode_runner(), doctest::Contains("backend 'cpu' has no episode runner"), Error);

  CpuEvaluator bare(1);
  EvaluatorBackend wrapped(bare);
  CHECK(wrapped.name() == "cpu");
  CHECK(&wrapped.evaluator() == &bare);
  CHECK(wrapped.episode_runner() == nullptr);
}

TEST_CASE("the config picks the backend") {
  Config c = testing::xor_config();
  c.threads = 3;
  ThreadPool pool(1);
  c.backend = BackendKind::Cpu;
  CHECK(make_backend(c, pool)->name() == "cpu");
  CHECK(make_evaluator(c)->name() == "cpu");
  c.backend = BackendKind::Auto;
  CHECK(make_backend(c, pool)->name() == (cuda_available() ? "cuda" : "cpu"));
  c.backend = BackendKind::Cuda;
  if (cuda_available()) {
    auto cuda = make_backend(c, pool);
    CHECK(cuda->name() == "cuda");
    CHECK(cuda->episode_runner() != nullptr);
  } else {
    CHECK_THROWS_WITH_AS(make_backend(c, pool), doctest::Contains("backend: cuda was asked for"), Error);
    CHECK_THROWS_WITH_AS(make_execution_context(c), doctest::Contains("backend: cuda was asked for"), Error);
    CHECK_THROWS_AS(make_cuda_backend(c.cuda), Error);
  }

  c.backend = BackendKind::Cpu;
  ExecutionContext execution = make_execution_context(c);
  CHECK(execution.threads() == 3);
  CHECK(execution.backend().name() == "cpu");
  CHECK(execution.backend().describe() == "cpu: 3 threads");
}

TEST_CASE("an ExecutionContext's CPU backend activates as a standalone CPU evaluator, on any thread count") {
  const uint64_t seed = testing::test_seed();
  MESSAGE("seed " << seed);
  std::vector<Genome> genomes;
  for (uint64_t i = 0; i < 40; ++i) {
    testing::RandomGenomeOptions o;
    o.seed = seed + i;
    o.hidden = uint32_t(i % 12);
    genomes.push_back(testing::random_genome(o, i));
  }
  const PopulationLayout layout = compile_population(genomes, {}, 1);
  std::vector<float> rows(5 * layout.num_inputs);
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = float(i % 7) * 0.25f - 0.5f;
  std::vector<float> want(size_t(layout.num_networks) * 5 * layout.num_outputs);
  CpuEvaluator reference(1);
  reference.load(layout);
  reference.activate(rows.data(), 5, InputMode::Shared, want.data());
  for (unsigned threads : {1u, 2u, 5u}) {
    ExecutionContext execution(threads);
    CHECK(execution.threads() == threads);
    Evaluator& ev = execution.backend().evaluator();
    ev.load(layout);
    std::vector<float> got(want.size());
    ev.activate(rows.data(), 5, InputMode::Shared, got.data());
    CHECK(got == want);
  }
}

TEST_CASE("a TaskContext without an execution context is serial and has no backend") {
  TaskContext alone{1, 2};
  CHECK(alone.backend() == nullptr);
  CHECK(&alone.pool() == &serial_pool());
  CHECK(serial_pool().size() == 1);
  ExecutionContext execution(2);
  TaskContext in_run{1, 2, &execution};
  CHECK(in_run.backend() == &execution.backend());
  CHECK(&in_run.pool() == &execution.pool());
}

TEST_CASE("an ExecutionContext needs a backend") {
  CHECK_THROWS_WITH_AS(ExecutionContext(1, nullptr), doctest::Contains("no backend"), Error);
}

TEST_CASE("fused episode programs are found by environment type; a second registration is refused") {
  struct Unregistered {};
  CHECK(bool(find_fused_episodes(typeid(Unregistered))) == false);
#if GANGLION_HAVE_CUDA
  // experiments/pole/pole_fused.cu registers these three at start-up (no device needed for that).
  const FusedEpisodeProgram cartpole = find_fused_episodes(typeid(pole::GymCartPole));
  CHECK(bool(cartpole));
  CHECK(bool(find_fused_episodes(typeid(pole::SinglePole))));
  CHECK(bool(find_fused_episodes(typeid(pole::DoublePole))));
  CHECK(bool(find_fused_episodes(typeid(pole::DoublePole)) != cartpole));
  CHECK_THROWS_WITH_AS(register_fused_episodes(typeid(pole::GymCartPole), cartpole),
                       doctest::Contains("registered twice"), Error);
#else
  CHECK(bool(find_fused_episodes(typeid(pole::GymCartPole))) == false);  // no .cu files in this build
#endif
  CHECK_THROWS_WITH_AS(register_fused_episodes(typeid(Unregistered), nullptr), doctest::Contains("null program"),
                       Error);
}
