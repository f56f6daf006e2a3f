// double_pole_nv's champion choice (task.champion_test): `best` tests the generation's best network
// every time; `best_untested` never tests a genome id twice, so the same population evaluated again
// hands the test to the next best network, and once every genome was tested no test runs.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/config.hpp"
#include "core/cpu_evaluator.hpp"
#include "core/error.hpp"
#include "core/task.hpp"
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

}  // namespace

TEST_CASE("champion_test best: the generation's best network is tested every generation") {
  const uint64_t seed = testing::test_seed();
  MESSAGE("seed " << seed);
  const PopulationLayout layout = random_population(seed, 5);
  ControlOptions o;
  o.max_steps = 1000;
  DoublePoleNonMarkovTask task(o, 100000, 200, ChampionChoice::Best);
  CpuEvaluator evaluator(1);
  evaluator.load(layout);
  std::vector<double> fitness;
  for (uint32_t generation = 0; generation < 3; ++generation) {
    task.evaluate(layout, evaluator, TaskContext{seed, generation}, fitness);
    CHECK(task.last_champion().network == best_except(fitness, {}));
  }
}

TEST_CASE("champion_test best_untested: a genome is tested once, then the next best takes the test") {
  const uint64_t seed = testing::test_seed();
  MESSAGE("seed " << seed);
  const PopulationLayout layout = random_population(seed, 4);
  ControlOptions o;
  o.max_steps = 1000;
  DoublePoleNonMarkovTask task(o, 100000, 200, ChampionChoice::BestUntested);
  CpuEvaluator evaluator(1);
  evaluator.load(layout);
  std::vector<double> fitness;
  std::vector<int64_t> tested;
  // The same genomes (same ids) every generation, as unchanged elite copies would be.
  for (uint32_t generation = 0; generation < 4; ++generation) {
    task.evaluate(layout, evaluator, TaskContext{seed, generation}, fitness);
    const int64_t expected = best_except(fitness, tested);
    REQUIRE(expected >= 0);
    CHECK(task.last_champion().network == expected);
    CHECK_FALSE(task.last_champion().solved);
    tested.push_back(expected);
  }
  // All four were tested: no network is tested and none is reported solved.
  task.evaluate(layout, evaluator, TaskContext{seed, 4}, fitness);
  CHECK(task.last_champion().network == -1);
  for (uint32_t n = 0; n < 4; ++n) CHECK_FALSE(task.solved_network(n, fitness[n]));

  // A new genome id (a new child) is a candidate again.
  std::vector<Genome> fresh = {testing::linear_genome(99, 3, {{0.1f, 0.2f, 0.3f, 0.0f}}, Activation::NeatSigmoid)};
  const PopulationLayout next = testing::layout_of(fresh);
  evaluator.load(next);
  task.evaluate(next, evaluator, TaskContext{seed, 5}, fitness);
  CHECK(task.last_champion().network == 0);
}

TEST_CASE("best_untested: the tested genomes survive save_state / restore_state; bad state is refused") {
  const uint64_t seed = testing::test_seed();
  MESSAGE("seed " << seed);
  const PopulationLayout layout = random_population(seed, 4);
  ControlOptions o;
  o.max_steps = 1000;
  DoublePoleNonMarkovTask task(o, 100000, 200, ChampionChoice::BestUntested);
  CpuEvaluator evaluator(1);
  evaluator.load(layout);
  std::vector<double> fitness;
  CHECK(task.save_state().empty());  // nothing tested yet: nothing to keep
  task.evaluate(layout, evaluator, TaskContext{seed, 0}, fitness);
  task.evaluate(layout, evaluator, TaskContext{seed, 1}, fitness);
  const std::string state = task.save_state();
  CHECK(state.rfind("tested: ", 0) == 0);

  // A fresh task given that state goes on exactly as the first one does.
  DoublePoleNonMarkovTask resumed(o, 100000, 200, ChampionChoice::BestUntested);
  resumed.restore_state(state);
  CHECK(resumed.save_state() == state);
  for (uint32_t generation = 2; generation < 5; ++generation) {
    task.evaluate(layout, evaluator, TaskContext{seed, generation}, fitness);
    resumed.evaluate(layout, evaluator, TaskContext{seed, generation}, fitness);
    CHECK(resumed.last_champion().network == task.last_champion().network);
  }
  CHECK(resumed.save_state() == task.save_state());
  // Without the state it would have tested the generation's best again.
  DoublePoleNonMarkovTask forgetful(o, 100000, 200, ChampionChoice::BestUntested);
  forgetful.evaluate(layout, evaluator, TaskContext{seed, 2}, fitness);
  CHECK(forgetful.last_champion().network == best_except(fitness, {}));

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
  c.task.params = YAML::Load("{champion_test: best_untested}");
  CHECK(TaskRegistry::instance().create(c));

  c.task.params = YAML::Load("{champion_test: best_untestd}");
  std::string msg;
  try {
    TaskRegistry::instance().create(c);
  } catch (const ConfigError& e) {
    msg = e.what();
  }
  CHECK(msg.find("task.champion_test") != std::string::npos);
  CHECK(msg.find("best_untested") != std::string::npos);
}
