// double_pole_nv's champion choice (task.champion_test): `best` tests the generation's best network
// every time; `best_untested` never tests a genome id twice, so the same population evaluated again
// hands the test to the next best network, and once every genome was tested no test runs.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "core/network/cpu_evaluator.hpp"
#include "core/error.hpp"
#include "core/task/task.hpp"
#include "experiments/pole/pole_tasks.hpp"
#include "tests/random_genome.hpp"
#include "tests/task_networks.hpp"

using namespace ganglion;
using namespace ganglion::pole;

namespace {

PopulationLayout random_population(uint64_t seed, uint32_t count) {
  Rng rng(seed);
  std::vector<Genome> genomes;
  for (uint64_t n = 0; n < count; ++n)
    genomes.push_back(testing::linear_genome(n + 1, 3,
                                             {{float(rng.uniform(-1, 1)), float(rng.uniform(-1, 1)),
                                               float(rng.uniform(-1, 1)), float(rng.uniform(-1, 1))}},
                                             Activation::NeatSigmoid));
  return testing::layout_of(genomes);
}

// Index of the largest fitness among networks not in `skip` (first index on ties), -1 if none.
int64_t best_except(const std::vector<double>& fitness, const std::vector<int64_t>& skip) {
  int64_t pick = -1;
  for (int64_t n = 0; n < int64_t(fitness.size()); ++n) {
    bool skipped = false;
    for (int64_t s : skip) skipped = skipped || s == n;
    if (!skipped && (pick < 0 || fitness[size_t(n)] > fitness[size_t(pick)])) pick = n;
  }
  return pick;
}

// A population of `count` random networks, loaded into a one-thread CPU evaluator, and the
// options of the tasks under test (1,000-step episodes, as in the config).
struct Generations {
  uint64_t seed = testing::test_seed();
  PopulationLayout layout;
  ControlOptions options;
  CpuEvaluator evaluator{1};
  std::vector<double> fitness;

  explicit Generations(uint32_t count) : layout(random_population(seed, count)) {
    MESSAGE("seed " << seed);
    options.max_steps = 1000;
    evaluator.load(layout);
  }
  DoublePoleNonMarkovTask task(ChampionChoice choice) const { return {options, 100000, 200, choice}; }
  void evaluate(DoublePoleNonMarkovTask& task, uint32_t generation) {
    task.evaluate(layout, evaluator, TaskContext{seed, generation}, fitness);
  }
};

}  // namespace

TEST_CASE("champion_test best: the generation's best network is tested every generation") {
  Generations g(5);
  DoublePoleNonMarkovTask task = g.task(ChampionChoice::Best);
  for (uint32_t generation = 0; generation < 3; ++generation) {
    g.evaluate(task, generation);
    CHECK(task.last_champion().network == best_except(g.fitness, {}));
  }
}

TEST_CASE("champion_test best_untested: a genome is tested once, then the next best takes the test") {
  Generations g(4);
  DoublePoleNonMarkovTask task = g.task(ChampionChoice::BestUntested);
  std::vector<int64_t> tested;
  // The same genomes (same ids) every generation, as unchanged elite copies would be.
  for (uint32_t generation = 0; generation < 4; ++generation) {
    g.evaluate(task, generation);
    const int64_t expected = best_except(g.fitness, tested);
    REQUIRE(expected >= 0);
    CHECK(task.last_champion().network == expected);
    CHECK_FALSE(task.last_champion().solved);
    tested.push_back(expected);
  }
  // All four were tested: no network is tested and none is reported solved.
  g.evaluate(task, 4);
  CHECK(task.last_champion().network == -1);
  for (uint32_t n = 0; n < 4; ++n) CHECK_FALSE(task.solved_network(n, g.fitness[n]));

  // A new genome id (a new child) is a candidate again.
  std::vector<Genome> fresh = {testing::linear_genome(99, 3, {{0.1f, 0.2f, 0.3f, 0.0f}}, Activation::NeatSigmoid)};
  const PopulationLayout next = testing::layout_of(fresh);
  g.evaluator.load(next);
  task.evaluate(next, g.evaluator, TaskContext{g.seed, 5}, g.fitness);
  CHECK(task.last_champion().network == 0);
}

TEST_CASE("best_untested: the tested genomes survive save_state / restore_state; bad state is refused") {
  Generations g(4);
  DoublePoleNonMarkovTask task = g.task(ChampionChoice::BestUntested);
  CHECK(task.save_state().empty());  // nothing tested yet: nothing to keep
  g.evaluate(task, 0);
  g.evaluate(task, 1);
  const std::string state = task.save_state();
  CHECK(state.rfind("tested: ", 0) == 0);

  // A fresh task given that state goes on exactly as the first one does.
  DoublePoleNonMarkovTask resumed = g.task(ChampionChoice::BestUntested);
  resumed.restore_state(state);
  CHECK(resumed.save_state() == state);
  for (uint32_t generation = 2; generation < 5; ++generation) {
    g.evaluate(task, generation);
    g.evaluate(resumed, generation);
    CHECK(resumed.last_champion().network == task.last_champion().network);
  }
  CHECK(resumed.save_state() == task.save_state());
  // Without the state it would have tested the generation's best again.
  DoublePoleNonMarkovTask forgetful = g.task(ChampionChoice::BestUntested);
  g.evaluate(forgetful, 2);
  CHECK(forgetful.last_champion().network == best_except(g.fitness, {}));

  CHECK_THROWS_WITH_AS(resumed.restore_state("tested: 1 x2"), doctest::Contains("'x2' is not a genome id"), Error);
  CHECK_THROWS_WITH_AS(resumed.restore_state("garbage"), doctest::Contains("expected 'tested: ID ...'"), Error);
  CHECK_THROWS_WITH_AS(resumed.restore_state("tested: 99999999999999999999"), doctest::Contains("not a genome id"),
                       Error);
}

TEST_CASE("a task without state refuses a checkpoint's state, naming the task") {
  Config c;
  c.task.name = "double_pole";
  auto task = TaskRegistry::instance().create(c);
  CHECK(task->save_state().empty());
  CHECK_NOTHROW(task->restore_state(""));
  CHECK_THROWS_WITH_AS(task->restore_state("tested: 1"), doctest::Contains("task 'double_pole' keeps no state"), Error);
}

TEST_CASE("task.champion_test is read from the config and a wrong word is named") {
  Config c;
  c.task.name = "double_pole_nv";
  c.task.params = parse_config_value("{champion_test: best_untested}", "params");
  CHECK(TaskRegistry::instance().create(c));

  c.task.params = parse_config_value("{champion_test: best_untestd}", "params");
  CHECK_THROWS_WITH_AS(TaskRegistry::instance().create(c), doctest::Contains("task.champion_test"), ConfigError);
  CHECK_THROWS_WITH_AS(TaskRegistry::instance().create(c), doctest::Contains("best_untested"), ConfigError);
}
