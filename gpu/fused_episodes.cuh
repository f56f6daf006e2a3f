// Fused episodes: whole control-task episodes of a whole population inside one kernel, network
// activation and environment step together, nothing going back to the host until every episode
// has ended. The CUDA backend's episode runner (gpu/cuda_backend.hpp, the contract in
// core/task/episode_runner.hpp) runs the program registered for a control task's environment; an
// environment plugs in with one line in a .cu file next to it (experiments/pole/pole_fused.cu):
//     GANGLION_REGISTER_FUSED_EPISODES(MyEnv, ganglion::run_fused_episodes<MyEnv>);
//
// The kernel. One thread per (network n, episode e); thread t = n * episodes + e. Each thread:
//  1. begins its episode (episode_begin: the start state from the run's seed, as on the CPU);
//  2. per time step: observes, writes the observation into the input nodes and 1 into the bias
//     nodes, computes nodes first..nodes-1 in local order (which is level order: every feed-forward
//     source comes earlier) exactly as the CPU evaluator does for one row -- feed-forward edges in
//     CSR order from this step's values, then recurrent edges from the previous step's values, then
//     activation(bias + response * aggregate): node_update of core/network/node_update.hpp, the one
//     the CPU evaluator and the batched kernels use -- reads the outputs and
//     advances the environment (episode_advance);
//  3. when the episode is done, writes its fitness and length.
// Node values live in shared memory, [node][thread] (consecutive threads in consecutive banks), or,
// when a block's worth does not fit, in an evaluator-owned global buffer with the same
// interleaving ([node][all threads], coalesced). Recurrent populations keep two value arrays and
// swap them each step: the previous step's array is the recurrent state (zero at the start, as
// after Evaluator::reset_state()). No barriers: threads never share values.
//
// Exactness. Translation units that instantiate this are compiled with --fmad=false
// (experiments/CMakeLists.txt), so a multiply-add is rounded twice as on the host, and a node is
// computed by the node update the CPU evaluator and the batched kernels use: a sigmoid network's
// outputs are bit-identical to those of the CPU path and of the CUDA evaluator's batched path, and
// episode lengths agree. The environment's double-precision
// physics may differ in the last bit where CUDA's and the host's sin/cos do.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <string>

#include "core/network/node_update.hpp"
#include "core/task/control_task.hpp"
#include "core/error.hpp"
#include "gpu/cuda_check.hpp"
#include "gpu/cuda_evaluator.hpp"
#include "gpu/device_memory.hpp"
#include "gpu/device_layout.cuh"
#include "gpu/fused_episode_programs.hpp"

namespace ganglion {
namespace fused {

// Where thread-local node values are: value of local node j at base[j * stride].
struct ValueSlots {
  float* cur;
  float* prev;  // recurrent populations only
  uint32_t stride;
};

// One activation of network n on the observation, values into s.cur (prev: last step's values).
__device__ __forceinline__ void activate_one(const kernels::DeviceLayout& L, uint32_t n, const float* obs,
                                             const ValueSlots& s, bool recurrent) {
  const uint32_t g = __ldg(L.node_offset + n);
  const uint32_t nodes = __ldg(L.node_offset + n + 1) - g;
  const uint32_t ni = L.num_inputs;
  const uint32_t first = ni + __ldg(L.num_bias + n);
  for (uint32_t i = 0; i < ni; ++i) s.cur[i * s.stride] = obs[i];
  for (uint32_t i = ni; i < first; ++i) s.cur[i * s.stride] = 1.0f;
  for (uint32_t j = first; j < nodes; ++j) {
    const uint32_t gj = g + j;
    const NodeParams<float> p{static_cast<Activation>(__ldg(L.activation + gj)),
                              static_cast<Aggregation>(__ldg(L.aggregation + gj)), __ldg(L.bias + gj),
                              __ldg(L.response + gj)};
    const uint32_t rb = recurrent ? __ldg(L.rec_row_offset + gj) : 0u;
    const uint32_t re = recurrent ? __ldg(L.rec_row_offset + gj + 1) : 0u;
    s.cur[j * s.stride] = node_update<float>(
        p, __ldg(L.row_offset + gj), __ldg(L.row_offset + gj + 1),
        [&](uint32_t e, float& w, float& x) {
          w = __ldg(L.weight + e);
          x = s.cur[__ldg(L.src + e) * s.stride];
        },
        rb, re,
        [&](uint32_t e, float& w, float& x) {
          w = __ldg(L.rec_weight + e);
          x = s.prev[__ldg(L.rec_src + e) * s.stride];
        });
  }
}

template <class Env>
__global__ void episodes_kernel(kernels::DeviceLayout L, Env env, EpisodeSpec spec, uint32_t total,
                                uint32_t max_nodes, bool recurrent, float* global_values, double* fitness_out,
                                uint32_t* steps_out) {
  extern __shared__ float shared_values[];
  const uint32_t t = blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= total) return;
  const uint32_t n = t / spec.episodes, e = t % spec.episodes;
  ValueSlots s;
  if (global_values) {
    s.cur = global_values + t;
    s.stride = total;
  } else {
    s.cur = shared_values + threadIdx.x;
    s.stride = blockDim.x;
  }
  s.prev = s.cur + size_t(max_nodes) * s.stride;
  if (recurrent)
    for (uint32_t j = 0; j < max_nodes; ++j) s.prev[j * s.stride] = 0.0f;

  const uint32_t no = L.num_outputs;
  const uint32_t* outputs = L.output_node + size_t(n) * no;
  Episode<Env> ep;
  episode_begin(env, ep, spec, n, e);
  while (!ep.done) {
    float obs[Env::kMaxInputs > 0 ? Env::kMaxInputs : 1];
    float action[Env::kMaxOutputs > 0 ? Env::kMaxOutputs : 1];
    env.observe(ep.state, obs);
    activate_one(L, n, obs, s, recurrent);
    for (uint32_t k = 0; k < no; ++k) action[k] = s.cur[__ldg(outputs + k) * s.stride];
    if (recurrent) {  // this step's values are the next step's state
      float* tmp = s.cur;
      s.cur = s.prev;
      s.prev = tmp;
    }
    episode_advance(env, ep, action, spec.max_steps);
  }
  fitness_out[t] = episode_fitness(env, ep);
  steps_out[t] = ep.steps;
}

}  // namespace fused

// The program registered for Env (the contract: core/task/episode_runner.hpp). Runs on the
// population `cuda` holds, which is `layout`: the CUDA backend's runner has checked that it is
// loaded, so nothing is uploaded here.
template <class Env>
void run_fused_episodes(CudaEvaluator& cuda, const PopulationLayout& layout, const Env& env, const EpisodeSpec& spec,
                        double* episode_fitness, uint32_t* episode_steps) {
  if (layout.num_inputs != env.num_inputs() || layout.num_outputs != env.num_outputs() ||
      env.num_inputs() > Env::kMaxInputs || env.num_outputs() > Env::kMaxOutputs)
    throw Error("fused episodes: the networks have " + std::to_string(layout.num_inputs) + " inputs and " +
                std::to_string(layout.num_outputs) + " outputs, the environment wants " +
                std::to_string(env.num_inputs()) + " and " + std::to_string(env.num_outputs()));
  const uint64_t total64 = uint64_t(layout.num_networks) * spec.episodes;
  if (total64 == 0) return;
  if (total64 > 0x7fffffffull) throw Error("fused episodes: too many episodes in one call (" + std::to_string(total64) + ")");
  const uint32_t total = uint32_t(total64);
  const CudaDeviceView view = cuda.device_view();
  cudaStream_t stream = view.stream;

  uint32_t max_nodes = 1;
  for (uint32_t n = 0; n < layout.num_networks; ++n) max_nodes = std::max(max_nodes, layout.nodes_of(n));
  const bool recurrent = layout.total_rec_edges() > 0;
  const size_t per_thread = size_t(max_nodes) * sizeof(float) * (recurrent ? 2 : 1);

  // Results, then node values when they must live in global memory, in one scratch buffer.
  const size_t fitness_bytes = size_t(total) * sizeof(double);
  const size_t steps_bytes = (size_t(total) * sizeof(uint32_t) + 255) / 256 * 256;
  uint32_t threads = 64;
  while (threads > 32 && per_thread * threads > view.shared_per_block) threads /= 2;
  const bool in_shared = per_thread * threads <= view.shared_per_block;
  const size_t smem = in_shared ? per_thread * threads : 0;
  const size_t value_bytes = in_shared ? 0 : per_thread * total;
  auto* scratch = static_cast<unsigned char*>(cuda.device_scratch(fitness_bytes + steps_bytes + value_bytes));
  auto* d_fitness = reinterpret_cast<double*>(scratch);
  auto* d_steps = reinterpret_cast<uint32_t*>(scratch + fitness_bytes);
  float* d_values = in_shared ? nullptr : reinterpret_cast<float*>(scratch + fitness_bytes + steps_bytes);

  if (smem > 48 * 1024)
    GANGLION_CUDA_CHECK(cudaFuncSetAttribute(fused::episodes_kernel<Env>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                             int(smem)));
  CudaEvent start, stop;
  GANGLION_CUDA_CHECK(cudaEventRecord(start.get(), stream));
  const uint32_t blocks = (total + threads - 1) / threads;
  fused::episodes_kernel<Env><<<blocks, threads, smem, stream>>>(*view.layout, env, spec, total, max_nodes, recurrent,
                                                                 d_values, d_fitness, d_steps);
  GANGLION_CUDA_CHECK_LAUNCH("fused::episodes_kernel");
  GANGLION_CUDA_CHECK(cudaEventRecord(stop.get(), stream));
  GANGLION_CUDA_CHECK(cudaMemcpyAsync(episode_fitness, d_fitness, fitness_bytes, cudaMemcpyDeviceToHost, stream));
  GANGLION_CUDA_CHECK(
      cudaMemcpyAsync(episode_steps, d_steps, size_t(total) * sizeof(uint32_t), cudaMemcpyDeviceToHost, stream));
  GANGLION_CUDA_CHECK(cudaStreamSynchronize(stream));
  float ms = 0.0f;
  GANGLION_CUDA_CHECK(cudaEventElapsedTime(&ms, start.get(), stop.get()));
  cuda.set_last_kernel_ms(ms);
}

// Registers `fn` (a function like run_fused_episodes<Env>) as Env's fused episode program. One line
// at namespace scope in a .cu file compiled with --fmad=false (experiments/ does so for *.cu).
#define GANGLION_REGISTER_FUSED_EPISODES(Env, fn)                                                            \
  static ::ganglion::FusedEpisodeRegistration GANGLION_TASK_CONCAT(ganglion_fused_episodes_, __LINE__)(     \
      typeid(Env), [](::ganglion::CudaEvaluator& evaluator, const ::ganglion::PopulationLayout& layout,       \
                      const ::ganglion::EnvironmentRef& environment, const ::ganglion::EpisodeSpec& spec,     \
                      double* episode_fitness, uint32_t* episode_steps) {                                     \
        fn(evaluator, layout, environment.as<Env>(), spec, episode_fitness, episode_steps);                   \
      })

}  // namespace ganglion
