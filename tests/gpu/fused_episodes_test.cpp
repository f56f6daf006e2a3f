// The CUDA backend's episode runner (gpu/cuda_backend.hpp running gpu/fused_episodes.cuh,
// registered for the pole environments in experiments/pole/pole_fused.cu) against the CPU
// backend's per-step path and against the CUDA evaluator's batched (per-step) path: the same
// control task, fixed networks and seeds, must give the same episode lengths and bit-identical
// fitness for every episode. All three compute nodes through the one node update
// (core/network/node_update.hpp) and the physics through hd_math, and the networks here are of the
// logistic family. Populations are NEAT-like random networks (fresh, printed seeds), feed-forward
// and recurrent, small and larger than shared memory; results are poisoned first.
#include <doctest/doctest.h>

#include "tests/gpu/require_device.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/execution.hpp"
#include "core/network/compiler.hpp"
#include "core/task/control_task.hpp"
#include "core/network/cpu_evaluator.hpp"
#include "core/network/layout.hpp"
#include "core/genome/random_population.hpp"
#include "experiments/pole/pole_envs.hpp"
#include "gpu/backend.hpp"
#include "gpu/cuda_evaluator.hpp"
#include "tests/random_genome.hpp"

using namespace ganglion;
using namespace ganglion::pole;
using ganglion::testing::test_seed;

namespace {

PopulationLayout grown_population(uint32_t inputs, uint32_t outputs, uint32_t count, uint32_t nodes, bool recurrent,
                                  uint64_t seed) {
  GrowOptions g;
  g.num_inputs = inputs;
  g.num_outputs = outputs;
  g.target_nodes = nodes;
  g.edges_per_node = 3.0;
  g.recurrent = recurrent;
  g.activations = {Activation::NeatSigmoid};
  std::vector<Genome> genomes = grow_population(g, count, seed, 2);
  CompileOptions c;
  c.feed_forward = !recurrent;
  return compile_population(genomes, c, 2);
}

// Bit for bit; NaN never passes.
bool same_fitness(double gpu, double cpu) {
  if (std::isnan(gpu) || std::isnan(cpu)) return false;
  return std::memcmp(&gpu, &cpu, sizeof(double)) == 0;
}

struct Outcome {
  size_t length_mismatches = 0;
  size_t fitness_mismatches = 0;
  uint32_t longest = 0;
  bool fused = false;
};

// Runs `env` episodes of every network on the CPU evaluator (per-step) and on the CUDA backend
// (fused), episode by episode.
template <class Env>
Outcome compare(const Env& env, const PopulationLayout& layout, ControlOptions o, uint64_t seed, uint32_t generation) {
  ControlTask<Env> cpu_task("cpu", env, o, 1e9);
  CpuEvaluator cpu(2);
  cpu.load(layout);
  std::vector<double> cpu_fitness;
  cpu_task.evaluate(layout, cpu, TaskContext{seed, generation}, cpu_fitness);
  CHECK_FALSE(cpu_task.last_stats().fused);

  ControlTask<Env> gpu_task("gpu", env, o, 1e9);
  ExecutionContext gpu(2, make_cuda_backend(CudaConfig{"auto", 0}));
  gpu.backend().evaluator().load(layout);
  std::vector<double> gpu_fitness(layout.num_networks, std::numeric_limits<double>::quiet_NaN());
  gpu_task.evaluate(layout, gpu.backend().evaluator(), TaskContext{seed, generation, &gpu}, gpu_fitness);

  Outcome r;
  r.fused = gpu_task.last_stats().fused;
  const auto& cs = cpu_task.episode_steps();
  const auto& gs = gpu_task.episode_steps();
  const auto& cf = cpu_task.episode_fitness_values();
  const auto& gf = gpu_task.episode_fitness_values();
  REQUIRE(cs.size() == gs.size());
  for (size_t i = 0; i < cs.size(); ++i) {
    r.longest = std::max(r.longest, cs[i]);
    if (cs[i] != gs[i] && ++r.length_mismatches <= 5)
      MESSAGE("network " << i / o.episodes << " episode " << i % o.episodes << ": " << cs[i] << " steps on the CPU, "
                         << gs[i] << " fused on the GPU");
    if (!same_fitness(gf[i], cf[i]) && ++r.fitness_mismatches <= 5)
      MESSAGE("network " << i / o.episodes << " episode " << i % o.episodes << ": fitness " << cf[i]
                         << " on the CPU, " << gf[i] << " fused on the GPU");
  }
  for (uint32_t n = 0; n < layout.num_networks; ++n)
    if (!same_fitness(gpu_fitness[n], cpu_fitness[n])) ++r.fitness_mismatches;
  return r;
}

ControlOptions options(uint32_t episodes, uint32_t max_steps, bool same_starts = true) {
  ControlOptions o;
  o.episodes = episodes;
  o.max_steps = max_steps;
  o.same_starts = same_starts;
  return o;
}

void expect_equal(const Outcome& r, uint32_t min_longest) {
  CHECK(r.fused);
  CHECK(r.length_mismatches == 0);
  CHECK(r.fitness_mismatches == 0);
  // The comparison means something only if some networks balanced for a while.
  CHECK(r.longest >= min_longest);
}

}  // namespace

TEST_CASE("Gym cart-pole: fused episodes equal the CPU's, episode by episode") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed << " (replay with GANGLION_TEST_SEED)");
  const PopulationLayout layout = grown_population(4, 2, 2000, 10, false, seed);
  for (bool same : {true, false}) {
    const Outcome r = compare(GymCartPole{}, layout, options(3, 500, same), seed, 4);
    MESSAGE("same_starts " << same << ": longest episode " << r.longest);
    expect_equal(r, 100);
  }
}

TEST_CASE("single pole (random starts) and double pole with velocities") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed);
  const PopulationLayout single = grown_population(4, 2, 1000, 12, false, seed);
  expect_equal(compare(SinglePole{}, single, options(2, 2000), seed, 1), 50);
  DoublePole markov;
  markov.markov = true;
  const PopulationLayout dp = grown_population(6, 1, 1000, 12, false, seed + 1);
  expect_equal(compare(markov, dp, options(1, 2000), seed, 0), 20);
  markov.random_start = true;
  expect_equal(compare(markov, dp, options(2, 2000, false), seed, 3), 20);
}

TEST_CASE("double pole without velocities: recurrent networks, Gruau's fitness") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed);
  DoublePole nv;
  nv.markov = false;
  nv.random_start = true;
  const PopulationLayout layout = grown_population(3, 1, 1000, 12, true, seed);
  REQUIRE(layout.any_recurrent);
  expect_equal(compare(nv, layout, options(2, 1000, false), seed, 2), 20);
}

TEST_CASE("networks too large for shared memory keep their values in global memory") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed);
  // 3,000 nodes x 4 bytes x 2 (recurrent) x 32 threads = 768 KB: more than any block's shared memory.
  const PopulationLayout layout = grown_population(4, 2, 40, 3000, true, seed);
  REQUIRE(layout.max_nodes > 2000);
  const Outcome r = compare(GymCartPole{}, layout, options(2, 200), seed, 0);
  CHECK(r.fused);
  CHECK(r.length_mismatches == 0);
  CHECK(r.fitness_mismatches == 0);
}

TEST_CASE("empty populations, zero steps, and an evaluator that holds another layout") {
  const uint64_t seed = test_seed();
  const PopulationLayout layout = grown_population(4, 2, 50, 8, false, seed);
  const PopulationLayout other = grown_population(4, 2, 7, 8, false, seed + 5);
  ExecutionContext gpu(2, make_cuda_backend(CudaConfig{"auto", 0}));
  Evaluator& evaluator = gpu.backend().evaluator();
  REQUIRE(gpu.backend().episode_runner() != nullptr);
  ControlTask<GymCartPole> task("cartpole", GymCartPole{}, options(2, 500), 475.0);
  std::vector<double> fitness;
  // The runner works on what the evaluator holds and never uploads by itself: a caller that did
  // not load the population is told so.
  CHECK_THROWS_WITH_AS(task.evaluate(layout, evaluator, TaskContext{seed, 0, &gpu}, fitness),
                       doctest::Contains("load the population"), Error);
  evaluator.load(other);
  CHECK_THROWS_WITH_AS(task.evaluate(layout, evaluator, TaskContext{seed, 0, &gpu}, fitness),
                       doctest::Contains("holds 7 networks"), Error);
  evaluator.load(layout);
  task.evaluate(layout, evaluator, TaskContext{seed, 0, &gpu}, fitness);
  CHECK(task.last_stats().fused);
  CHECK(fitness.size() == 50);

  ControlTask<GymCartPole> zero("cartpole", GymCartPole{}, options(2, 0), 475.0);
  zero.evaluate(layout, evaluator, TaskContext{seed, 0, &gpu}, fitness);
  CHECK(zero.last_stats().fused);
  for (uint32_t s : zero.episode_steps()) CHECK(s == 0);

  PopulationLayout empty = select_networks(layout, {});
  evaluator.load(empty);
  task.evaluate(empty, evaluator, TaskContext{seed, 0, &gpu}, fitness);
  CHECK(fitness.empty());
}

TEST_CASE("episode_runner: per_step keeps the host-driven path on the CUDA evaluator") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed);
  const PopulationLayout layout = grown_population(4, 2, 500, 10, false, seed);
  ControlOptions o = options(2, 500);
  o.allow_fused = false;
  ControlTask<GymCartPole> host("cartpole", GymCartPole{}, o, 475.0);
  ExecutionContext gpu(2, make_cuda_backend(CudaConfig{"auto", 0}));
  gpu.backend().evaluator().load(layout);
  std::vector<double> host_fitness;
  host.evaluate(layout, gpu.backend().evaluator(), TaskContext{seed, 1, &gpu}, host_fitness);
  CHECK_FALSE(host.last_stats().fused);
  CHECK(host.last_stats().time_steps > 0);

  ControlTask<GymCartPole> cpu_task("cartpole", GymCartPole{}, options(2, 500), 475.0);
  CpuEvaluator cpu(2);
  cpu.load(layout);
  std::vector<double> cpu_fitness;
  cpu_task.evaluate(layout, cpu, TaskContext{seed, 1}, cpu_fitness);
  // The batched kernels compute the CPU's bits, so every network agrees exactly.
  size_t agree = 0;
  for (size_t n = 0; n < cpu_fitness.size(); ++n) agree += same_fitness(host_fitness[n], cpu_fitness[n]);
  CHECK(agree == cpu_fitness.size());
  CHECK(host.episode_steps() == cpu_task.episode_steps());
}

TEST_CASE("fused episodes equal the CUDA evaluator's batched path, every kernel strategy") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed << " (replay with GANGLION_TEST_SEED)");
  for (bool recurrent : {false, true}) {
    CAPTURE(recurrent);
    const PopulationLayout layout = grown_population(4, 2, 200, 12, recurrent, seed + recurrent);
    ControlOptions fused_o = options(2, 200, false);
    ControlTask<GymCartPole> fused("cartpole", GymCartPole{}, fused_o, 1e9);
    ExecutionContext gpu(2, make_cuda_backend(CudaConfig{"auto", 0}));
    gpu.backend().evaluator().load(layout);
    std::vector<double> fused_fitness;
    fused.evaluate(layout, gpu.backend().evaluator(), TaskContext{seed, 2, &gpu}, fused_fitness);
    REQUIRE(fused.last_stats().fused);
    // `paper` is left out: a launch per network and level at every step; it runs level_kernel.
    for (const char* kernel : {"level", "block", "warp", "global", "subwarp"}) {
      CAPTURE(kernel);
      ControlOptions o = fused_o;
      o.allow_fused = false;
      ControlTask<GymCartPole> batched("cartpole", GymCartPole{}, o, 1e9);
      auto k = make_cuda_evaluator(CudaConfig{kernel, 0});
      k->load(layout);
      std::vector<double> fitness(layout.num_networks, std::numeric_limits<double>::quiet_NaN());
      batched.evaluate(layout, *k, TaskContext{seed, 2}, fitness);
      CHECK_FALSE(batched.last_stats().fused);
      size_t bad = 0;
      for (size_t n = 0; n < fitness.size(); ++n) bad += !same_fitness(fused_fitness[n], fitness[n]);
      CHECK(bad == 0);
      CHECK(batched.episode_steps() == fused.episode_steps());
    }
  }
}
