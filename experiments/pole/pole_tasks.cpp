#include "experiments/pole/pole_tasks.hpp"

#include <algorithm>
#include <charconv>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/network/cpu_evaluator.hpp"
#include "core/error.hpp"
#include "core/task/task.hpp"
#include "core/task/task_choice.hpp"

namespace ganglion::pole {

void generalization_start(uint32_t index, DoublePoleState& state) {
  static const double fractions[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
  const uint32_t i0 = (index / 125) % 5, i1 = (index / 25) % 5, i2 = (index / 5) % 5, i3 = index % 5;
  DoublePole::set_state(state, fractions[i0] * 4.32 - 2.16, fractions[i1] * 2.70 - 1.35,
                        fractions[i2] * 0.12566304 - 0.06283152, fractions[i3] * 0.30019504 - 0.15009752, 0.0, 0.0);
}

uint32_t double_pole_long_test(const DoublePole& env, const PopulationLayout& layout, uint32_t network,
                               uint32_t max_steps) {
  PopulationLayout one = select_networks(layout, {network});
  CpuEvaluator evaluator(serial_pool());
  evaluator.load(one);
  std::vector<Episode<DoublePole>> episodes(1);
  DoublePole standard = env;
  standard.random_start = false;
  Rng unused(0);
  standard.reset(episodes[0].state, unused);
  episodes[0].total_reward = 0.0;
  episodes[0].steps = 0;
  episodes[0].done = false;
  run_episodes_per_step(standard, one, evaluator, 1, max_steps, episodes, false);
  return episodes[0].state.balanced;
}

uint32_t double_pole_generalization(const DoublePole& env, const PopulationLayout& layout, uint32_t network,
                                    uint32_t steps) {
  PopulationLayout one = select_networks(layout, {network});
  CpuEvaluator evaluator(serial_pool());
  evaluator.load(one);
  std::vector<Episode<DoublePole>> episodes(kGeneralizationStarts);
  for (uint32_t i = 0; i < kGeneralizationStarts; ++i) {
    generalization_start(i, episodes[i].state);
    episodes[i].total_reward = 0.0;
    episodes[i].steps = 0;
    episodes[i].done = false;
  }
  // All 625 starts are rows of one network: each row keeps its own recurrent state.
  run_episodes_per_step(env, one, evaluator, kGeneralizationStarts, steps, episodes, false);
  uint32_t passed = 0;
  for (const auto& ep : episodes) passed += ep.state.balanced + 1 >= steps ? 1 : 0;
  return passed;
}

ProtocolTest generalization_test(const DoublePole& env, const PopulationLayout& one) {
  ProtocolTest t;
  t.name = "generalization";
  t.description = "starts of the 625 (x, x', theta1, theta1' each at 0.05, 0.25, 0.5, 0.75, 0.95 of +-2.16 m, "
                  "+-1.35 m/s, +-3.6 deg, +-8.6 deg/s; short pole upright) balanced for 1,000 steps";
  t.score = double_pole_generalization(env, one, 0, 1000);
  t.out_of = kGeneralizationStarts;
  // Stanley & Miikkulainen (2002), "Evolving neural networks through augmenting topologies",
  // the table of double pole balancing without velocities (README.md, "Protocols").
  const std::string source = "Stanley & Miikkulainen 2002, double pole without velocities";
  t.published = {{"NEAT", "286", source}, {"ESP", "289", source}, {"cellular encoding", "300", source}};
  return t;
}

DoublePoleNonMarkovTask::DoublePoleNonMarkovTask(ControlOptions options, uint32_t long_steps,
                                                 uint32_t min_generalization, ChampionChoice choice)
    : DoublePoleTask("double_pole_nv", DoublePole{false, false}, options, 0.0),
      long_steps_(long_steps),
      min_generalization_(min_generalization),
      choice_(choice) {}

std::string DoublePoleNonMarkovTask::solve_criterion() const {
  return "the generation's champion balances " + std::to_string(long_steps_) + " steps and then " +
         std::to_string(min_generalization_) + " or more of the 625 generalisation starts";
}

bool DoublePoleNonMarkovTask::solved_network(uint32_t network, double) const {
  return champion_.solved && int64_t(network) == champion_.network;
}

void DoublePoleNonMarkovTask::after_evaluate(const PopulationLayout& layout, Evaluator&, const TaskContext&,
                                             std::vector<double>& fitness) {
  champion_ = ChampionResult{};
  if (fitness.empty()) return;
  // Layouts packed without genome ids (hand-made ones) have no history to skip.
  const bool skip_tested = choice_ == ChampionChoice::BestUntested && layout.genome_id.size() == fitness.size();
  int64_t pick = -1;
  for (uint32_t n = 0; n < fitness.size(); ++n) {
    if (skip_tested && tested_.count(layout.genome_id[n])) continue;
    if (pick < 0 || fitness[n] > fitness[size_t(pick)]) pick = n;
  }
  if (pick < 0) return;  // every network was tested before: none can pass now
  const auto best = uint32_t(pick);
  if (skip_tested) tested_.insert(layout.genome_id[best]);
  champion_.network = best;
  // A champion that did not even balance the 1000 evaluation steps cannot pass.
  if (episode_steps_[size_t(best) * options_.episodes] < options_.max_steps) return;
  champion_.long_steps = double_pole_long_test(env_, layout, best, long_steps_);
  if (champion_.long_steps < long_steps_) return;
  champion_.generalization = double_pole_generalization(env_, layout, best, 1000);
  champion_.solved = champion_.generalization >= min_generalization_;
}

std::string DoublePoleNonMarkovTask::save_state() const {
  if (tested_.empty()) return {};
  std::vector<uint64_t> ids(tested_.begin(), tested_.end());
  std::sort(ids.begin(), ids.end());
  std::string out = "tested:";
  for (uint64_t id : ids) out += " " + std::to_string(id);
  return out;
}

void DoublePoleNonMarkovTask::restore_state(const std::string& state) {
  tested_.clear();
  if (state.empty()) return;
  std::istringstream in(state);
  std::string word;
  if (!(in >> word) || word != "tested:")
    throw Error("double_pole_nv: expected 'tested: ID ...', got '" + state.substr(0, 40) + "'");
  while (in >> word) {
    uint64_t id = 0;
    const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), id);
    if (ec != std::errc() || end != word.data() + word.size())
      throw Error("double_pole_nv: '" + word.substr(0, 40) + "' is not a genome id");
    tested_.insert(id);
  }
}

namespace {

std::unique_ptr<Task> make_single_pole(const Config& config, TaskParams& params) {
  ControlOptions o = read_control_options(params, config, 100000);
  SinglePole env;
  env.random_start = params.get_bool("random_start", true);
  const double solve = double(params.get_int("solve_steps", o.max_steps, 1, 1000000000));
  return std::make_unique<ControlTask<SinglePole>>("single_pole", env, o, solve);
}

std::unique_ptr<Task> make_double_pole(const Config& config, TaskParams& params) {
  ControlOptions o = read_control_options(params, config, 100000);
  DoublePole env;
  env.markov = true;
  env.random_start = params.get_bool("random_start", false);
  const double solve = double(params.get_int("solve_steps", o.max_steps, 1, 1000000000));
  return std::make_unique<DoublePoleTask>("double_pole", env, o, solve);
}

std::unique_ptr<Task> make_double_pole_nv(const Config& config, TaskParams& params) {
  ControlOptions o = read_control_options(params, config, 1000);
  const auto long_steps = uint32_t(params.get_int("long_test_steps", 100000, 1, 1000000000));
  const auto min_gen = uint32_t(params.get_int("min_generalization", 200, 0, kGeneralizationStarts));
  const std::string choice =
      get_task_choice(params, config.source, "champion_test", "best", {"best", "best_untested"});
  auto task = std::make_unique<DoublePoleNonMarkovTask>(
      o, long_steps, min_gen, choice == "best" ? ChampionChoice::Best : ChampionChoice::BestUntested);
  return task;
}

std::unique_ptr<Task> make_cartpole(const Config& config, TaskParams& params) {
  ControlOptions o = read_control_options(params, config, 500);
  const double solve = params.get_double("solve_return", 475.0, 0.0, 1e9);
  GymCartPole env;
  env.full_length = params.get_bool("full_length", false);
  return std::make_unique<ControlTask<GymCartPole>>("cartpole", env, o, solve);
}

}  // namespace

GANGLION_REGISTER_TASK("single_pole", "single pole balancing (NEAT's; 4 inputs, 2 outputs, 100,000 steps)",
                       make_single_pole);
GANGLION_REGISTER_TASK("double_pole", "double pole balancing with velocities (Markov; 6 inputs, 1 output)",
                       make_double_pole);
GANGLION_REGISTER_TASK("double_pole_nv",
                       "double pole balancing without velocities (non-Markov; 3 inputs, 1 output; Gruau's fitness)",
                       make_double_pole_nv);
GANGLION_REGISTER_TASK("cartpole", "Gym CartPole-v1 (4 inputs, 2 outputs, 500 steps, reward 1 per step)",
                       make_cartpole);

}  // namespace ganglion::pole
