// ControlTask<Env> (core/task/control_task.hpp): the per-step episode runner against a plain reference
// loop, start states from the seed, compaction of finished networks, per-row recurrent state,
// the backend's episode runner taking over, a shard's own starts (first_network), config keys, host
// tasks and the non-Markov champion test.
#include <doctest/doctest.h>

#include <cstdlib>
#include <functional>
#include <random>

#include "core/config/config.hpp"
#include "core/task/control_task.hpp"
#include "core/network/cpu_evaluator.hpp"
#include "core/error.hpp"
#include "core/execution.hpp"
#include "core/task/host_task.hpp"
#include "experiments/pole/pole_envs.hpp"
#include "experiments/pole/pole_tasks.hpp"
#include "tests/task_networks.hpp"

using namespace ganglion;
using namespace ganglion::pole;

namespace {

uint64_t test_seed() {
  if (const char* s = std::getenv("GANGLION_TEST_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

// A linear cart-pole policy per network: out0 = 0, out1 = gains . obs + bias (push right when > 0).
struct Policy {
  float w[4];
  float b;
};

// An evaluator that computes the policies directly (no layout arrays needed): it lets the tests
// count calls and rows exactly.
class PolicyEvaluator : public Evaluator {
 public:
  explicit PolicyEvaluator(std::vector<Policy> p) : policies(std::move(p)) {}
  std::string name() const override { return "policy"; }
  void load(const PopulationLayout&) override { ++loads; }
  void reset_state() override {}
  void activate(const float* inputs, size_t rows, InputMode mode, float* outputs) override {
    REQUIRE(mode == InputMode::PerNetwork);
    ++calls;
    for (size_t n = 0; n < policies.size(); ++n)
      for (size_t r = 0; r < rows; ++r) {
        const float* o = inputs + (n * rows + r) * 4;
        const Policy& p = policies[n];
        float acc = 0.0f;
        for (int i = 0; i < 4; ++i) acc += p.w[i] * o[i];
        outputs[(n * rows + r) * 2 + 0] = 0.0f;
        outputs[(n * rows + r) * 2 + 1] = acc + p.b;
      }
  }
  std::vector<Policy> policies;
  int calls = 0;
  int loads = 0;
};

PopulationLayout fake_layout(uint32_t n, uint32_t ni, uint32_t no) {
  PopulationLayout l;
  l.num_networks = n;
  l.num_inputs = ni;
  l.num_outputs = no;
  return l;
}

// The obvious loop: one episode at a time.
template <class Env, class Act>
double reference_episode(const Env& env, const EpisodeSpec& spec, uint32_t network, uint32_t episode, Act act,
                         uint32_t* steps_out = nullptr) {
  typename Env::State s;
  Rng rng = Rng::derive(spec.seed, Purpose::Task, spec.generation, spec.same_starts ? episode : network * spec.episodes + episode);
  env.reset(s, rng);
  double total = 0.0;
  uint32_t steps = 0;
  while (steps < spec.max_steps) {
    float obs[Env::kMaxInputs];
    float out[Env::kMaxOutputs];
    env.observe(s, obs);
    act(obs, out);
    total += env.step(s, out);
    ++steps;
    if (env.done(s)) break;
  }
  if (steps_out) *steps_out = steps;
  return env.fitness(s, total, steps);
}

std::vector<Policy> some_policies(uint64_t seed, size_t n) {
  Rng rng(seed);
  std::vector<Policy> p(n);
  for (auto& q : p) {
    for (float& w : q.w) w = float(rng.uniform(-1.0, 3.0));
    q.b = float(rng.uniform(-0.05, 0.05));
  }
  p[0] = Policy{{0.0f, 0.0f, 0.0f, 0.0f}, 1.0f};   // always right: falls fast
  p[1] = Policy{{0.1f, 0.5f, 10.0f, 2.0f}, 0.0f};  // a balancing controller
  return p;
}

}  // namespace

TEST_CASE("per-step episodes match a one-episode-at-a-time reference (Gym cart-pole, mean and min)") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed);
  const auto policies = some_policies(seed, 12);
  for (EpisodeAggregate how : {EpisodeAggregate::Mean, EpisodeAggregate::Min}) {
    ControlOptions o;
    o.episodes = 3;
    o.max_steps = 500;
    o.aggregate = how;
    ControlTask<GymCartPole> task("cartpole", GymCartPole{}, o, 475.0);
    PolicyEvaluator evaluator(policies);
    std::vector<double> fitness;
    task.evaluate(fake_layout(12, 4, 2), evaluator, TaskContext{seed, 7}, fitness);
    REQUIRE(fitness.size() == 12);

    EpisodeSpec spec{seed, 7, 3, 500, true};
    uint32_t longest = 0;
    uint64_t total_steps = 0;
    for (uint32_t n = 0; n < 12; ++n) {
      double values[3];
      for (uint32_t e = 0; e < 3; ++e) {
        uint32_t steps = 0;
        values[e] = reference_episode(GymCartPole{}, spec, n, e, [&](const float* obs, float* out) {
          float acc = 0.0f;
          for (int i = 0; i < 4; ++i) acc += policies[n].w[i] * obs[i];
          out[0] = 0.0f;
          out[1] = acc + policies[n].b;
        }, &steps);
        CHECK(task.episode_steps()[n * 3 + e] == steps);
        longest = std::max(longest, steps);
        total_steps += steps;
      }
      CHECK(fitness[n] == doctest::Approx(aggregate_episodes(how, values, 3)));
    }
    CHECK(fitness[1] == 500.0);  // the controller balances every episode
    CHECK(fitness[0] < 20.0);
    // One activate() per time step until the longest episode ends; finished ones are not stepped.
    CHECK(evaluator.calls == int(longest));
    CHECK(task.last_stats().env_steps == total_steps);
    CHECK_FALSE(task.last_stats().fused);
    CHECK(task.solved(fitness[1]));
  }
}

TEST_CASE("start states: the same for every network in a generation, new each generation, from the seed") {
  EpisodeSpec spec{99, 3, 4, 500, true};
  GymCartPole env;
  Episode<GymCartPole> a, b, c;
  episode_begin(env, a, spec, 0, 2);
  episode_begin(env, b, spec, 17, 2);
  CHECK(a.state.x == b.state.x);
  CHECK(a.state.theta_dot == b.state.theta_dot);
  spec.generation = 4;
  episode_begin(env, c, spec, 0, 2);
  CHECK(c.state.x != a.state.x);
  spec.generation = 3;
  spec.same_starts = false;
  episode_begin(env, c, spec, 17, 2);
  CHECK(c.state.x != a.state.x);
  Rng direct = Rng::derive(99, Purpose::Task, 3, 17 * 4 + 2);
  GymCartPole::State d;
  env.reset(d, direct);
  CHECK(c.state.x == d.x);
}

TEST_CASE("a shard of the population (TaskContext::first_network, network_stride) draws the whole population's own starts") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed);
  const auto policies = some_policies(seed, 12);
  std::vector<Genome> genomes;
  for (size_t n = 0; n < policies.size(); ++n) {
    const Policy& p = policies[n];
    genomes.push_back(testing::linear_genome(n + 1, 4, {{0, 0, 0, 0, 0}, {p.w[0], p.w[1], p.w[2], p.w[3], p.b}}));
  }
  const PopulationLayout layout = testing::layout_of(genomes);
  CpuEvaluator evaluator(1);
  ControlOptions o;
  o.episodes = 3;
  o.max_steps = 200;
  o.same_starts = false;
  ControlTask<GymCartPole> task("cartpole", GymCartPole{}, o, 475.0);
  std::vector<double> whole, part;
  evaluator.load(layout);
  task.evaluate(layout, evaluator, TaskContext{seed, 4}, whole);
  const PopulationLayout tail = select_networks(layout, {5, 6, 7, 8, 9, 10, 11});
  evaluator.load(tail);
  TaskContext shard{seed, 4};
  shard.first_network = 5;
  task.evaluate(tail, evaluator, shard, part);
  REQUIRE(part.size() == 7);
  for (size_t i = 0; i < part.size(); ++i) CHECK(part[i] == whole[5 + i]);
  // Without the offset the shard's networks would play network 0..6's starts.
  task.evaluate(tail, evaluator, TaskContext{seed, 4}, part);
  const std::vector<double> head(whole.begin() + 5, whole.end());
  CHECK(part != head);
  // Every third network from network 1 (a shard of rank 1 of 3): network_stride.
  const PopulationLayout third = select_networks(layout, {1, 4, 7, 10});
  evaluator.load(third);
  TaskContext strided{seed, 4};
  strided.first_network = 1;
  strided.network_stride = 3;
  task.evaluate(third, evaluator, strided, part);
  REQUIRE(part.size() == 4);
  for (size_t i = 0; i < part.size(); ++i) CHECK(part[i] == whole[1 + 3 * i]);
}

TEST_CASE("compiled networks on the CPU evaluator: compaction changes nothing but the work") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed);
  const auto policies = some_policies(seed, 40);
  std::vector<Genome> genomes;
  for (size_t n = 0; n < policies.size(); ++n) {
    const Policy& p = policies[n];
    genomes.push_back(testing::linear_genome(n + 1, 4, {{0, 0, 0, 0, 0}, {p.w[0], p.w[1], p.w[2], p.w[3], p.b}}));
  }
  PopulationLayout layout = testing::layout_of(genomes);
  CpuEvaluator evaluator(2);

  std::vector<std::vector<double>> results;
  std::vector<uint64_t> activations;
  for (bool compact : {false, true}) {
    ControlOptions o;
    o.episodes = 2;
    o.max_steps = 500;
    o.compact = compact;
    ControlTask<GymCartPole> task("cartpole", GymCartPole{}, o, 475.0);
    evaluator.load(layout);
    std::vector<double> fitness;
    task.evaluate(layout, evaluator, TaskContext{seed, 0}, fitness);
    results.push_back(fitness);
    activations.push_back(task.last_stats().activations);
  }
  CHECK(results[0] == results[1]);
  CHECK(activations[1] < activations[0]);
  EpisodeSpec spec{seed, 0, 2, 500, true};
  for (uint32_t n = 0; n < 40; ++n) {
    double values[2];
    for (uint32_t e = 0; e < 2; ++e)
      values[e] = reference_episode(GymCartPole{}, spec, n, e, [&](const float* obs, float* out) {
        float acc = 0.0f;
        for (int i = 0; i < 4; ++i) acc += policies[n].w[i] * obs[i];
        out[0] = 0.0f;
        out[1] = acc + policies[n].b;
      });
    CHECK(results[1][n] == doctest::Approx((values[0] + values[1]) / 2));
  }
}

TEST_CASE("select_networks cuts a layout that activates like the original") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed);
  Rng rng(seed);
  std::vector<Genome> genomes;
  for (uint64_t n = 0; n < 6; ++n) {
    std::vector<std::vector<float>> w(2, std::vector<float>(4));
    for (auto& row : w)
      for (float& x : row) x = float(rng.uniform(-2, 2));
    genomes.push_back(testing::linear_genome(n + 1, 3, w, Activation::Tanh));
  }
  PopulationLayout all = testing::layout_of(genomes);
  PopulationLayout same = select_networks(all, {0, 1, 2, 3, 4, 5});
  CHECK(same.node_offset == all.node_offset);
  CHECK(same.edge_offset == all.edge_offset);
  CHECK(same.row_offset == all.row_offset);
  CHECK(same.src == all.src);
  CHECK(same.weight == all.weight);
  CHECK(same.level_start == all.level_start);
  CHECK(same.output_node == all.output_node);
  CHECK(same.max_nodes == all.max_nodes);
  CHECK(same.max_levels == all.max_levels);

  PopulationLayout some = select_networks(all, {4, 1});
  CHECK(some.num_networks == 2);
  CHECK(some.genome_id == std::vector<uint64_t>{5, 2});
  const float in[3] = {0.3f, -0.7f, 0.9f};
  std::vector<float> out_all(6 * 2), out_some(2 * 2);
  CpuEvaluator evaluator(1);
  evaluator.load(all);
  evaluator.activate(in, 1, InputMode::Shared, out_all.data());
  evaluator.load(some);
  evaluator.activate(in, 1, InputMode::Shared, out_some.data());
  CHECK(out_some[0] == out_all[8]);
  CHECK(out_some[1] == out_all[9]);
  CHECK(out_some[2] == out_all[2]);
  CHECK(out_some[3] == out_all[3]);
  CHECK_THROWS_AS(select_networks(all, {6}), Error);
}

TEST_CASE("recurrent networks keep one state per episode row") {
  // Output with a self-loop: it integrates its input over the episode, so each episode's actions
  // depend on that episode's own history only.
  Genome g = testing::linear_genome(1, 3, {{1.5f, -0.5f, 2.0f, 0.0f}}, Activation::Tanh);
  g.connections.push_back({100, 4, 4, 0.7f, true});
  g.sort();
  PopulationLayout layout = testing::layout_of({g}, false);
  REQUIRE(layout.any_recurrent);
  DoublePole env;
  env.markov = false;
  env.random_start = true;

  ControlOptions o;
  o.episodes = 3;
  o.max_steps = 300;
  ControlTask<DoublePole> task("dp", env, o, 1e9);
  CpuEvaluator evaluator(1);
  evaluator.load(layout);
  std::vector<double> fitness;
  task.evaluate(layout, evaluator, TaskContext{5, 1}, fitness);

  EpisodeSpec spec{5, 1, 3, 300, true};
  for (uint32_t e = 0; e < 3; ++e) {
    std::vector<Episode<DoublePole>> one(1);
    episode_begin(env, one[0], spec, 0, e);
    evaluator.load(layout);
    run_episodes_per_step(env, layout, evaluator, 1, 300, one);
    CHECK(task.episode_steps()[e] == one[0].steps);
    CHECK(task.episode_fitness_values()[e] == episode_fitness(env, one[0]));
  }
}

namespace {
// A do-nothing environment for the fused-hook test.
struct CountEnv {
  struct State {
    uint32_t t;
  };
  static constexpr uint32_t kMaxInputs = 1, kMaxOutputs = 1;
  GANGLION_HD uint32_t num_inputs() const { return 1; }
  GANGLION_HD uint32_t num_outputs() const { return 1; }
  GANGLION_HD void reset(State& s, Rng&) const { s.t = 0; }
  GANGLION_HD void observe(const State& s, float* obs) const { obs[0] = float(s.t); }
  GANGLION_HD float step(State& s, const float*) const { return float(++s.t); }
  GANGLION_HD bool done(const State& s) const { return s.t >= 3; }
  GANGLION_HD double fitness(const State&, double total, uint32_t) const { return total; }
};

// A backend whose episode runner runs CountEnv only: every episode gets 100 + its index, 42 steps.
class FakeRunner final : public EpisodeRunner {
 public:
  std::string name() const override { return "fake"; }
  bool runs(std::type_index environment) const override { return environment == std::type_index(typeid(CountEnv)); }
  void run(const EnvironmentRef& environment, const PopulationLayout& layout, const EpisodeSpec& spec,
           double* fitness, uint32_t* steps) override {
    REQUIRE(environment.type() == std::type_index(typeid(CountEnv)));
    (void)environment.as<CountEnv>();
    ++calls;
    for (uint32_t i = 0; i < layout.num_networks * spec.episodes; ++i) {
      fitness[i] = 100.0 + i;
      steps[i] = 42;
    }
  }
  int calls = 0;
};

class FakeBackend final : public Backend {
 public:
  FakeBackend(Evaluator& evaluator, FakeRunner& runner) : evaluator_(evaluator), runner_(runner) {}
  std::string name() const override { return "fake"; }
  std::string describe() const override { return "fake"; }
  Evaluator& evaluator() override { return evaluator_; }
  EpisodeRunner* episode_runner() override { return &runner_; }

 private:
  Evaluator& evaluator_;
  FakeRunner& runner_;
};

// CountEnv under another type: the fake runner has no program for it.
struct OtherCountEnv : CountEnv {};

class NullEvaluator : public Evaluator {
 public:
  std::string name() const override { return "null"; }
  void load(const PopulationLayout&) override {}
  void reset_state() override {}
  void activate(const float*, size_t, InputMode, float*) override { ++calls; }
  int calls = 0;
};
}  // namespace

TEST_CASE("the backend's episode runner replaces the per-step path unless episode_runner is per_step") {
  ControlOptions o;
  o.episodes = 2;
  o.max_steps = 10;
  ControlTask<CountEnv> task("count", CountEnv{}, o, 1e9);
  NullEvaluator evaluator;
  FakeRunner runner;
  ExecutionContext execution(2, std::make_unique<FakeBackend>(evaluator, runner));
  std::vector<double> fitness;

  // No execution context, so no backend: per step.
  task.evaluate(fake_layout(2, 1, 1), evaluator, TaskContext{}, fitness);
  CHECK(fitness == std::vector<double>{6.0, 6.0});  // 1 + 2 + 3, per step
  CHECK(evaluator.calls == 3);

  task.evaluate(fake_layout(2, 1, 1), evaluator, TaskContext{0, 0, &execution}, fitness);
  CHECK(runner.calls == 1);
  CHECK(evaluator.calls == 3);
  CHECK(task.last_stats().fused);
  CHECK(fitness == std::vector<double>{100.5, 102.5});  // mean of each network's two episodes
  CHECK(task.episode_steps()[3] == 42);

  task.options().allow_fused = false;
  task.evaluate(fake_layout(2, 1, 1), evaluator, TaskContext{0, 0, &execution}, fitness);
  CHECK(runner.calls == 1);
  CHECK_FALSE(task.last_stats().fused);
  CHECK(fitness == std::vector<double>{6.0, 6.0});

  // A runner without a program for the environment: per step again.
  ControlTask<OtherCountEnv> other("other", OtherCountEnv{}, o, 1e9);
  other.evaluate(fake_layout(2, 1, 1), evaluator, TaskContext{0, 0, &execution}, fitness);
  CHECK(runner.calls == 1);
  CHECK_FALSE(other.last_stats().fused);
  CHECK(fitness == std::vector<double>{6.0, 6.0});

  // The CPU backend has no runner.
  ExecutionContext cpu(2);
  task.options().allow_fused = true;
  task.evaluate(fake_layout(2, 1, 1), evaluator, TaskContext{0, 0, &cpu}, fitness);
  CHECK_FALSE(task.last_stats().fused);
  CHECK(fitness == std::vector<double>{6.0, 6.0});
}

TEST_CASE("control task keys from the config, checked strictly") {
  Config c;
  c.genome.num_inputs = 4;
  c.genome.num_outputs = 2;
  c.task.name = "cartpole";
  c.task.params =
      parse_config_value("{episodes: 3, aggregate: min, episode_runner: per_step, max_steps: 200}", "params");
  auto task = TaskRegistry::instance().create(c);
  auto* cp = dynamic_cast<ControlTask<GymCartPole>*>(task.get());
  REQUIRE(cp);
  CHECK(cp->options().episodes == 3);
  CHECK(cp->options().max_steps == 200);
  CHECK(cp->options().aggregate == EpisodeAggregate::Min);
  CHECK_FALSE(cp->options().allow_fused);

  c.task.params = parse_config_value("{aggregate: mim}", "params");
  CHECK_THROWS_WITH_AS(TaskRegistry::instance().create(c), doctest::Contains("task.aggregate"), ConfigError);
  CHECK_THROWS_WITH_AS(TaskRegistry::instance().create(c), doctest::Contains("did you mean 'min'"), ConfigError);

  for (const char* name : {"single_pole", "double_pole", "double_pole_nv", "cartpole"}) {
    Config d;
    d.task.name = name;
    CHECK(TaskRegistry::instance().create(d));
  }
}

namespace {
// A host task: each network steers a 1-D point towards 0 for 10 steps; fitness = -|final x|.
class SteerTask : public HostTask {
 public:
  std::string name() const override { return "steer"; }
  uint32_t num_inputs() const override { return 1; }
  uint32_t num_outputs() const override { return 1; }

 protected:
  void run(HostBatch& batch, const TaskContext&, std::vector<double>& fitness) override {
    std::vector<float> x(batch.num_networks(), 1.0f);
    for (int t = 0; t < 10; ++t) {
      const std::vector<float>& out = batch.step(x);
      for (uint32_t n = 0; n < batch.num_networks(); ++n) x[n] += 0.1f * out[n];
    }
    for (uint32_t n = 0; n < batch.num_networks(); ++n) fitness[n] = -std::fabs(x[n]);
    steps = batch.activations();
  }

 public:
  uint64_t steps = 0;
};
}  // namespace

TEST_CASE("a host task calls the batched activation once per step") {
  // out = -x (moves towards 0) and out = +x (moves away).
  PopulationLayout layout = testing::layout_of({testing::linear_genome(1, 1, {{-1.0f, 0.0f}}),
                                                testing::linear_genome(2, 1, {{1.0f, 0.0f}})});
  CpuEvaluator evaluator(1);
  evaluator.load(layout);
  SteerTask task;
  std::vector<double> fitness;
  task.evaluate(layout, evaluator, TaskContext{}, fitness);
  CHECK(fitness[0] == doctest::Approx(-std::pow(0.9, 10)));
  CHECK(fitness[1] == doctest::Approx(-std::pow(1.1, 10)));
  CHECK(task.steps == 20);
}

TEST_CASE("double_pole_nv tests the best network; a poor population is not solved") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed);
  Rng rng(seed);
  std::vector<Genome> genomes;
  for (uint64_t n = 0; n < 8; ++n)
    genomes.push_back(testing::linear_genome(n + 1, 3, {{float(rng.uniform(-1, 1)), float(rng.uniform(-1, 1)),
                                                          float(rng.uniform(-1, 1)), 0.0f}}, Activation::NeatSigmoid));
  PopulationLayout layout = testing::layout_of(genomes);
  ControlOptions o;
  o.max_steps = 1000;
  DoublePoleNonMarkovTask task(o, 100000, 200);
  CpuEvaluator evaluator(1);
  evaluator.load(layout);
  std::vector<double> fitness;
  task.evaluate(layout, evaluator, TaskContext{seed, 0}, fitness);
  const auto best = std::max_element(fitness.begin(), fitness.end()) - fitness.begin();
  CHECK(task.last_champion().network == best);
  CHECK_FALSE(task.last_champion().solved);
  for (uint32_t n = 0; n < 8; ++n) CHECK_FALSE(task.solved_network(n, fitness[n]));
  // The long test and generalisation count run on their own for any network.
  CHECK(double_pole_long_test(DoublePole{false, false}, layout, 0, 1000) < 1000);
  CHECK(double_pole_generalization(DoublePole{false, false}, layout, 0) < 200);
}

TEST_CASE("random starts are told from fixed ones by the environment's reset") {
  ControlOptions o;
  CHECK(ControlTask<GymCartPole>("cartpole", GymCartPole{}, o, 475.0).random_starts());
  SinglePole random_single;
  CHECK(ControlTask<SinglePole>("single_pole", random_single, o, 1.0).random_starts());
  SinglePole fixed_single;
  fixed_single.random_start = false;
  CHECK(!ControlTask<SinglePole>("single_pole", fixed_single, o, 1.0).random_starts());
  CHECK(!ControlTask<DoublePole>("double_pole", DoublePole{true, false}, o, 1.0).random_starts());
  CHECK(ControlTask<DoublePole>("double_pole", DoublePole{true, true}, o, 1.0).random_starts());
}

TEST_CASE("play_episodes: fresh starts from the seed given, the same for every network, evaluate() untouched") {
  ControlOptions o;
  o.episodes = 2;
  o.max_steps = 500;
  ControlTask<GymCartPole> task("cartpole", GymCartPole{}, o, 475.0);
  const Genome a = testing::linear_genome(1, 4, {{0, 0, -5, -1, 0}, {0, 0, 5, 1, 0}}, Activation::NeatSigmoid);
  PopulationLayout layout = testing::layout_of({a, a});
  CpuEvaluator ev(1u);
  ev.load(layout);
  std::vector<double> fitness;
  task.evaluate(layout, ev, TaskContext{9, 0}, fitness);
  const std::vector<double> before = task.episode_fitness_values();
  const auto out = task.play_episodes(layout, ev, serial_pool(), 1234, 6);
  REQUIRE(out.size() == 12);
  for (uint32_t e = 0; e < 6; ++e) {
    CHECK(out[e].steps == out[6 + e].steps);  // both networks are one genome: the same starts
    CHECK(out[e].fitness == out[e].total_reward);
  }
  CHECK(task.episode_fitness_values() == before);
  const auto again = task.play_episodes(layout, ev, serial_pool(), 1234, 6);
  for (size_t i = 0; i < out.size(); ++i) CHECK(again[i].steps == out[i].steps);
  std::vector<EpisodeOutcome> first(out.begin(), out.begin() + 6);
  double mean = 0.0;
  for (const auto& e : first) mean += e.fitness / 6.0;
  CHECK(task.fitness_of_episodes(first) == doctest::Approx(mean));
}
