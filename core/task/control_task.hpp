// Control tasks: an environment written once as host-and-device code, and ControlTask<Env>, the
// Task that runs whole episodes of every network of a population with it.
//
// An environment is a small, trivially copyable struct (its members are its settings) with:
//   using State = ...;                        // trivially copyable, no pointers
//   static constexpr uint32_t kMaxInputs, kMaxOutputs;   // bounds for fixed-size arrays on a GPU
//   GANGLION_HD uint32_t num_inputs() const;  GANGLION_HD uint32_t num_outputs() const;
//   GANGLION_HD void  reset(State&, Rng&) const;                 // start state of an episode
//   GANGLION_HD void  observe(const State&, float* obs) const;   // num_inputs() values
//   GANGLION_HD float step(State&, const float* action) const;   // num_outputs() values -> reward
//   GANGLION_HD bool  done(const State&) const;                  // the episode ended early
//   GANGLION_HD double fitness(const State&, double total_reward, uint32_t steps) const;
// No std:: containers, no exceptions, no virtuals in it: it must compile under nvcc.
//
// Episodes. Network n plays `episodes` episodes; episode e starts from
// Rng::derive(seed, Purpose::Task, generation, e) -- the same start states for every network of a
// generation (selection compares networks on equal terms), new ones each generation, and the
// same on CPU and GPU. An episode ends when done() or after max_steps steps; its fitness is
// env.fitness(...); a network's fitness is the mean (or min) over its episodes.
//
// Two ways to run them:
//  * per step, host-driven (any backend; the CPU path): all episodes of all networks advance
//    together, one Evaluator::activate(PerNetwork, rows = episodes) per time step; episodes that
//    ended are no longer stepped. Feed-forward populations are compacted when more than half of
//    the networks have finished (the evaluator is reloaded with the survivors), so a few long
//    episodes do not pay for the whole population.
//  * by the backend's episode runner (core/task/episode_runner.hpp), when the backend has one
//    and it runs Env: the CUDA backend runs whole episodes inside one kernel
//    (gpu/fused_episodes.cuh), given one line in a .cu file next to the environment, e.g.
//    experiments/pole/pole_fused.cu:
//       #include "experiments/pole/pole_envs.hpp"
//       #include "gpu/fused_episodes.cuh"
//       GANGLION_REGISTER_FUSED_EPISODES(ganglion::pole::DoublePole,
//                                        ganglion::run_fused_episodes<ganglion::pole::DoublePole>);
//    ControlTask<Env> asks the backend of its TaskContext for the runner at each evaluate();
//    `episode_runner: per_step` in the task's config section forces the per-step path (for
//    `ganglion bench episodes` comparisons).
//
// A runner must compute exactly what the per-step path does, for each (network n, episode e):
//     Episode<Env> ep;  episode_begin(env, ep, spec, n, e);
//     recurrent node values = 0;
//     while (!ep.done) { float obs[Env::kMaxInputs]; env.observe(ep.state, obs);
//                        <activate network n once on obs, as the evaluator would, with its
//                         recurrent values of the previous step>;
//                        episode_advance(env, ep, outputs, spec.max_steps); }
//     episode_fitness[...] = episode_fitness(env, ep);  episode_steps[...] = ep.steps;
// Activation must match the evaluator's (same CSR order, same activation functions) so that
// episode lengths agree with the CPU backend up to fp32 rounding. The env physics is double;
// compile it with --fmad=false if bit-equal trajectories are wanted.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "core/hostdevice.hpp"
#include "core/network/backend.hpp"
#include "core/network/evaluator.hpp"
#include "core/network/layout.hpp"
#include "core/parallel.hpp"
#include "core/rng.hpp"
#include "core/task/episode_runner.hpp"
#include "core/task/task.hpp"

namespace ganglion {

enum class EpisodeAggregate : uint8_t { Mean = 0, Min = 1 };

// The random stream that decides episode `episode` of network `network`'s start state.
GANGLION_HD GANGLION_INLINE Rng episode_rng(const EpisodeSpec& spec, uint32_t network, uint32_t episode) {
  const uint64_t b =
      spec.same_starts ? uint64_t(episode)
                       : (uint64_t(spec.first_network) + uint64_t(network) * spec.network_stride) * spec.episodes +
                             episode;
  return Rng::derive(spec.seed, Purpose::Task, spec.generation, b);
}

// One running episode. The helpers below are the whole episode logic; the CPU loop and a CUDA
// kernel both call them, so both compute the same thing.
template <class Env>
struct Episode {
  typename Env::State state;
  double total_reward;
  uint32_t steps;
  bool done;
};

template <class Env>
GANGLION_HD GANGLION_INLINE void episode_begin(const Env& env, Episode<Env>& ep, const EpisodeSpec& spec,
                                               uint32_t network, uint32_t episode) {
  Rng rng = episode_rng(spec, network, episode);
  env.reset(ep.state, rng);
  ep.total_reward = 0.0;
  ep.steps = 0;
  ep.done = spec.max_steps == 0;
}

// Applies one action; marks the episode done when the environment says so or max_steps is reached.
template <class Env>
GANGLION_HD GANGLION_INLINE void episode_advance(const Env& env, Episode<Env>& ep, const float* action,
                                                 uint32_t max_steps) {
  ep.total_reward += double(env.step(ep.state, action));
  ++ep.steps;
  ep.done = env.done(ep.state) || ep.steps >= max_steps;
}

template <class Env>
GANGLION_HD GANGLION_INLINE double episode_fitness(const Env& env, const Episode<Env>& ep) {
  return env.fitness(ep.state, ep.total_reward, ep.steps);
}

// Combines the fitness of one network's episodes (mean or min), in episode order.
GANGLION_HD GANGLION_INLINE double aggregate_episodes(EpisodeAggregate how, const double* values, uint32_t n) {
  if (n == 0) return 0.0;
  double acc = values[0];
  for (uint32_t i = 1; i < n; ++i) acc = how == EpisodeAggregate::Min ? (values[i] < acc ? values[i] : acc) : acc + values[i];
  return how == EpisodeAggregate::Min ? acc : acc / double(n);
}

// ---------------------------------------------------------------------------------------------
// Host helpers (not device code).

// A layout holding only the networks `which` of `layout` (in that order), e.g. survivors to
// compact a batch or one champion to test alone.
PopulationLayout select_networks(const PopulationLayout& layout, const std::vector<uint32_t>& which);

// Reads the keys every control task shares: episodes, max_steps, aggregate, episode_runner.
struct ControlOptions {
  uint32_t episodes = 1;
  uint32_t max_steps = 1000;
  EpisodeAggregate aggregate = EpisodeAggregate::Mean;
  bool same_starts = true;
  bool allow_fused = true;    // episode_runner: auto (the backend's runner when it runs Env) | per_step
  bool compact = true;        // compact finished feed-forward networks in the per-step path
  bool serial = false;        // step environments on the calling thread (config threads: 1)
};
// config.source names the place in error messages; config.threads == 1 makes stepping serial.
ControlOptions read_control_options(TaskParams& params, const Config& config, uint32_t default_max_steps,
                                    uint32_t default_episodes = 1);

// Counters of the last evaluate(), for tests and benchmarks.
struct EpisodeStats {
  uint64_t activations = 0;  // network activations requested from the evaluator (networks x rows x steps)
  uint64_t env_steps = 0;    // environment steps taken
  uint32_t time_steps = 0;   // activate() calls
  bool fused = false;        // the backend's episode runner did the work
};

// The per-step, host-driven path. `episodes` holds num_networks * opts.episodes episodes
// (network-major), already begun; each is advanced until done. `evaluator` must hold `layout`
// (the engine loads it before Task::evaluate); its recurrent state is reset first. Environment
// steps are spread over `pool` (serial by default). Used by ControlTask<Env> and by tasks that
// test one network from chosen start states.
template <class Env>
EpisodeStats run_episodes_per_step(const Env& env, const PopulationLayout& layout, Evaluator& evaluator,
                                   uint32_t episodes_per_network, uint32_t max_steps,
                                   std::vector<Episode<Env>>& episodes, bool compact = true,
                                   ThreadPool& pool = serial_pool()) {
  EpisodeStats stats;
  const uint32_t ni = env.num_inputs();
  const uint32_t no = env.num_outputs();
  const uint32_t E = episodes_per_network;
  // Environment steps of different episodes are independent: spread them over the pool.
  auto for_ranges = [&pool](size_t n, size_t min_chunk, const std::function<void(size_t, size_t)>& fn) {
    pool.for_ranges(n, fn, min_chunk);
  };

  // `alive` are the original indices of the networks in the loaded layout, in its order.
  std::vector<uint32_t> alive(layout.num_networks);
  for (uint32_t n = 0; n < layout.num_networks; ++n) alive[n] = n;
  PopulationLayout compacted;
  bool compacted_any = false;
  evaluator.reset_state();
  const bool can_compact = compact && !layout.any_recurrent && layout.node_offset.size() == layout.num_networks + size_t(1);

  std::vector<float> obs, out;
  std::vector<uint8_t> network_running(layout.num_networks, 0);
  while (!alive.empty()) {
    const size_t rows = size_t(alive.size()) * E;
    obs.assign(rows * ni, 0.0f);
    out.assign(rows * size_t(no), 0.0f);
    // Observe every running episode (finished ones feed zeros and are ignored).
    for_ranges(rows, 64, [&](size_t begin, size_t end) {
      for (size_t r = begin; r < end; ++r) {
        const Episode<Env>& ep = episodes[size_t(alive[r / E]) * E + r % E];
        if (!ep.done) env.observe(ep.state, &obs[r * ni]);
      }
    });
    evaluator.activate(obs.data(), E, InputMode::PerNetwork, out.data());
    ++stats.time_steps;
    stats.activations += rows;
    for_ranges(alive.size(), 16, [&](size_t begin, size_t end) {
      for (size_t a = begin; a < end; ++a) {
        bool running = false;
        for (uint32_t e = 0; e < E; ++e) {
          Episode<Env>& ep = episodes[size_t(alive[a]) * E + e];
          if (ep.done) continue;
          episode_advance(env, ep, &out[(a * E + e) * no], max_steps);
          running = running || !ep.done;
        }
        network_running[alive[a]] = running;
      }
    });
    size_t still = 0;
    for (uint32_t n : alive) still += network_running[n];
    if (still == 0) break;
    if (can_compact && still * 2 <= alive.size()) {
      // Compacted layouts are always cut from the original, so `keep` holds original indices.
      std::vector<uint32_t> keep;
      keep.reserve(still);
      for (uint32_t n : alive)
        if (network_running[n]) keep.push_back(n);
      compacted = select_networks(layout, keep);
      evaluator.load(compacted);
      alive.swap(keep);
      compacted_any = true;
    }
  }
  for (const auto& ep : episodes) stats.env_steps += ep.steps;
  if (compacted_any) evaluator.load(layout);  // leave the evaluator as we found it
  return stats;
}

// The Task adapter: runs `Env` episodes for every network, fitness = aggregated episode fitness.
template <class Env>
class ControlTask : public Task {
 public:
  ControlTask(std::string name, Env env, ControlOptions options, double solve_fitness)
      : name_(std::move(name)), env_(env), options_(options), solve_fitness_(solve_fitness),
        random_starts_(starts_vary(env)) {}

  std::string name() const override { return name_; }
  uint32_t num_inputs() const override { return env_.num_inputs(); }
  uint32_t num_outputs() const override { return env_.num_outputs(); }
  bool solved(double fitness) const override { return fitness >= solve_fitness_; }
  std::string solve_criterion() const override {
    std::ostringstream s;
    s << "fitness >= " << solve_fitness_;
    return s.str();
  }

  void evaluate(const PopulationLayout& layout, Evaluator& evaluator, const TaskContext& ctx,
                std::vector<double>& fitness) override {
    const uint32_t N = layout.num_networks;
    const uint32_t E = options_.episodes;
    EpisodeSpec spec;
    spec.seed = ctx.seed;
    spec.generation = ctx.generation;
    spec.episodes = E;
    spec.max_steps = options_.max_steps;
    spec.same_starts = options_.same_starts;
    spec.first_network = ctx.first_network;
    spec.network_stride = ctx.network_stride;
    fitness.assign(N, 0.0);
    episode_fitness_.assign(size_t(N) * E, 0.0);
    episode_steps_.assign(size_t(N) * E, 0);
    stats_ = EpisodeStats{};

    EpisodeRunner* runner = options_.allow_fused && ctx.backend() ? ctx.backend()->episode_runner() : nullptr;
    if (runner && runner->runs(typeid(Env))) {
      runner->run(EnvironmentRef(env_), layout, spec, episode_fitness_.data(), episode_steps_.data());
      stats_.fused = true;
      for (uint32_t s : episode_steps_) stats_.env_steps += s;
    } else {
      std::vector<Episode<Env>> episodes(size_t(N) * E);
      for (uint32_t n = 0; n < N; ++n)
        for (uint32_t e = 0; e < E; ++e) episode_begin(env_, episodes[size_t(n) * E + e], spec, n, e);
      stats_ = run_episodes_per_step(env_, layout, evaluator, E, spec.max_steps, episodes, options_.compact,
                                     options_.serial ? serial_pool() : ctx.pool());
      for (size_t i = 0; i < episodes.size(); ++i) {
        episode_fitness_[i] = episode_fitness(env_, episodes[i]);
        episode_steps_[i] = episodes[i].steps;
      }
    }
    for (uint32_t n = 0; n < N; ++n)
      fitness[n] = aggregate_episodes(options_.aggregate, &episode_fitness_[size_t(n) * E], E);
    after_evaluate(layout, evaluator, ctx, fitness);
  }

  bool random_starts() const override { return random_starts_; }
  bool plays_episodes() const override { return true; }

  std::vector<EpisodeOutcome> play_episodes(const PopulationLayout& layout, Evaluator& evaluator, ThreadPool& pool,
                                            uint64_t seed, uint32_t episodes) override {
    EpisodeSpec spec;
    spec.seed = seed;
    spec.episodes = episodes;
    spec.max_steps = options_.max_steps;
    std::vector<Episode<Env>> runs(size_t(layout.num_networks) * episodes);
    for (uint32_t n = 0; n < layout.num_networks; ++n)
      for (uint32_t e = 0; e < episodes; ++e) episode_begin(env_, runs[size_t(n) * episodes + e], spec, n, e);
    run_episodes_per_step(env_, layout, evaluator, episodes, spec.max_steps, runs, options_.compact,
                          options_.serial ? serial_pool() : pool);
    std::vector<EpisodeOutcome> out(runs.size());
    for (size_t i = 0; i < runs.size(); ++i)
      out[i] = EpisodeOutcome{runs[i].steps, runs[i].total_reward, episode_fitness(env_, runs[i])};
    return out;
  }

  double fitness_of_episodes(const std::vector<EpisodeOutcome>& episodes) const override {
    std::vector<double> f(episodes.size());
    for (size_t i = 0; i < episodes.size(); ++i) f[i] = episodes[i].fitness;
    return aggregate_episodes(options_.aggregate, f.data(), uint32_t(f.size()));
  }

  const Env& env() const { return env_; }
  const ControlOptions& options() const { return options_; }
  ControlOptions& options() { return options_; }
  // Per-episode results of the last evaluate() ([network][episode]).
  const std::vector<double>& episode_fitness_values() const { return episode_fitness_; }
  const std::vector<uint32_t>& episode_steps() const { return episode_steps_; }
  const EpisodeStats& last_stats() const { return stats_; }

 protected:
  // Called at the end of evaluate() with the finished fitness values (e.g. to test a champion).
  virtual void after_evaluate(const PopulationLayout&, Evaluator&, const TaskContext&, std::vector<double>&) {}

  // Whether env.reset() gives different start states for different streams: reset from a few
  // streams and compare the states byte for byte (State is trivially copyable; both start zeroed,
  // so padding compares equal). An environment that ignores its Rng has fixed starts.
  static bool starts_vary(const Env& env) {
    typename Env::State first, other;
    std::memset(static_cast<void*>(&first), 0, sizeof first);
    Rng r0 = Rng::derive(0, Purpose::Test, 0);
    env.reset(first, r0);
    for (uint64_t k = 1; k <= 4; ++k) {
      std::memset(static_cast<void*>(&other), 0, sizeof other);
      Rng rk = Rng::derive(0, Purpose::Test, k);
      env.reset(other, rk);
      if (std::memcmp(static_cast<const void*>(&first), static_cast<const void*>(&other), sizeof first) != 0)
        return true;
    }
    return false;
  }

  std::string name_;
  Env env_;
  ControlOptions options_;
  double solve_fitness_;
  bool random_starts_;
  std::vector<double> episode_fitness_;
  std::vector<uint32_t> episode_steps_;
  EpisodeStats stats_;
};

}  // namespace ganglion
