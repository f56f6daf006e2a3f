// The pole-balancing tasks built on ControlTask<Env> (experiments/pole/pole_envs.hpp):
//   single_pole     NEAT's single pole, solved at 100,000 steps
//   double_pole     double pole with velocities (Markov), solved at 100,000 steps
//   double_pole_nv  double pole without velocities: Gruau's fitness over 1000 steps; each
//                   generation one champion (the best network, or with champion_test:
//                   best_untested the best one not tested before) must then balance 100,000 steps
//                   from the standard start and at least 200 of the 625 generalisation starts for
//                   1000 steps
//   cartpole        Gym's CartPole-v1, 500 steps, solved at a mean return of 475
#pragma once

#include <cstdint>
#include <unordered_set>

#include "core/task/control_task.hpp"
#include "experiments/pole/pole_envs.hpp"

namespace ganglion::pole {

// The 625 start states of the generalisation test (Gruau et al. 1996, Stanley's code): x, x',
// theta1, theta1' each at 0.05, 0.25, 0.5, 0.75 and 0.95 of their ranges (x in +-2.16 m,
// x' in +-1.35 m/s, theta1 in +-3.6 degrees, theta1' in +-8.6 degrees/s), short pole upright.
constexpr uint32_t kGeneralizationStarts = 625;
void generalization_start(uint32_t index, DoublePoleState& state);

// Runs `network` of `layout` alone on the CPU evaluator.
// Steps balanced from the standard start (stops at max_steps).
uint32_t double_pole_long_test(const DoublePole& env, const PopulationLayout& layout, uint32_t network,
                               uint32_t max_steps);
// How many of the 625 generalisation starts it balances for `steps` steps (Stanley counts a start
// when at least steps - 1 steps were balanced).
uint32_t double_pole_generalization(const DoublePole& env, const PopulationLayout& layout, uint32_t network,
                                    uint32_t steps = 1000);

// Which network of a generation takes the champion test (task.champion_test).
//   Best          the generation's best network, every generation (also when it is an unchanged
//                 elite copy that failed the same test before).
//   BestUntested  the best network whose genome was never tested before. Still one test per
//                 generation, but a failed champion copied unchanged into later generations is
//                 not tested again (its result cannot change: all test starts are fixed), so the
//                 next best gets the chance. Stanley's pole2 code does the same by species: it
//                 tests the champion of the best species whose best improved since its last
//                 test ("checked"), and the best species' only when every species is checked.
//                 The tested genome ids are part of the task's checkpointed state.
enum class ChampionChoice { Best, BestUntested };

// The generalisation test as a task's standard test (`ganglion eval`), with the published
// scores of the double pole without velocities beside it.
ProtocolTest generalization_test(const DoublePole& env, const PopulationLayout& one);

// double_pole and double_pole_nv: ControlTask<DoublePole> whose standard test is the
// generalisation test.
class DoublePoleTask : public ControlTask<DoublePole> {
 public:
  using ControlTask<DoublePole>::ControlTask;
  std::vector<ProtocolTest> protocol_tests(const PopulationLayout& one) const override {
    return {generalization_test(env_, one)};
  }
};

// double_pole_nv: ControlTask<DoublePole> plus the champion tests that decide "solved".
class DoublePoleNonMarkovTask : public DoublePoleTask {
 public:
  DoublePoleNonMarkovTask(ControlOptions options, uint32_t long_steps, uint32_t min_generalization,
                          ChampionChoice choice = ChampionChoice::Best);
  bool solved(double) const override { return false; }  // only a tested champion solves it
  bool solved_network(uint32_t network, double fitness) const override;
  std::string solve_criterion() const override;

  struct ChampionResult {
    int64_t network = -1;        // index in the last layout, -1 before the first evaluation
    uint32_t long_steps = 0;     // balanced in the long test
    uint32_t generalization = 0; // starts passed (0 when the long test failed)
    bool solved = false;
  };
  const ChampionResult& last_champion() const { return champion_; }
  // "tested: ID ID ..." (ascending) once best_untested has tested a genome; empty otherwise.
  std::string save_state() const override;
  void restore_state(const std::string& state) override;

 protected:
  void after_evaluate(const PopulationLayout& layout, Evaluator& evaluator, const TaskContext& ctx,
                      std::vector<double>& fitness) override;

 private:
  uint32_t long_steps_;
  uint32_t min_generalization_;
  ChampionChoice choice_;
  // Genome ids already tested (BestUntested; ids are unique within a run), saved in checkpoints
  // (save_state) so that a resumed run tests the same champions as the uninterrupted one.
  std::unordered_set<uint64_t> tested_;
  ChampionResult champion_;
};

}  // namespace ganglion::pole
