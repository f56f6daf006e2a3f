// The pole-balancing simulators (experiments/pole/pole_envs.hpp) against hand-computed steps.
// Expected values come from a separate transcription of the published equations (Gym's
// cartpole.py; Wieland's double pole with Gomez's RK4 as in Stanley's NEAT code), evaluated in
// double precision outside this code base.
#include <doctest/doctest.h>

#include <cmath>

#include "experiments/pole/pole_envs.hpp"
#include "experiments/pole/pole_tasks.hpp"

using namespace ganglion;
using namespace ganglion::pole;
using doctest::Approx;

namespace {
const float kRight[2] = {0.0f, 1.0f};  // argmax = 1: push right
const float kLeft[2] = {1.0f, 0.0f};
}  // namespace

TEST_CASE("gym cart-pole: one Euler step each way matches the hand-computed state") {
  GymCartPole env;
  GymCartPole::State s{0.01, -0.02, 0.03, 0.04, false};
  GymCartPole::State r = s;
  CHECK(env.step(r, kRight) == 1.0f);
  CHECK(r.x == Approx(0.0096).epsilon(1e-14));
  CHECK(r.x_dot == Approx(0.17467919574755525).epsilon(1e-14));
  CHECK(r.theta == Approx(0.0308).epsilon(1e-14));
  CHECK(r.theta_dot == Approx(-0.24306871796000815).epsilon(1e-14));
  CHECK_FALSE(env.done(r));

  GymCartPole::State l = s;
  env.step(l, kLeft);
  CHECK(l.x_dot == Approx(-0.21553901710278936).epsilon(1e-14));
  CHECK(l.theta_dot == Approx(0.34199522377603919).epsilon(1e-14));

  env.step(r, kLeft);  // right then left
  CHECK(r.x == Approx(0.013093583914951107).epsilon(1e-14));
  CHECK(r.x_dot == Approx(-0.020868848948191993).epsilon(1e-14));
  CHECK(r.theta == Approx(0.025938625640799833).epsilon(1e-14));
  CHECK(r.theta_dot == Approx(0.059167999939416543).epsilon(1e-14));
}

TEST_CASE("gym cart-pole: termination at 12 degrees and 2.4 m, start within +-0.05, raw observation") {
  GymCartPole env;
  GymCartPole::State s{0.0, 0.0, 0.2094, 0.1, false};  // 12 degrees = 0.20944 rad
  env.step(s, kRight);
  CHECK(s.theta > GymCartPole::kThetaThreshold);
  CHECK(env.done(s));
  GymCartPole::State t{2.39, 1.0, 0.0, 0.0, false};
  env.step(t, kRight);
  CHECK(env.done(t));

  Rng rng(42);
  for (int i = 0; i < 100; ++i) {
    env.reset(s, rng);
    CHECK(std::fabs(s.x) <= 0.05);
    CHECK(std::fabs(s.x_dot) <= 0.05);
    CHECK(std::fabs(s.theta) <= 0.05);
    CHECK(std::fabs(s.theta_dot) <= 0.05);
    CHECK_FALSE(s.terminated);
  }
  float obs[4];
  env.observe(GymCartPole::State{0.5, -0.25, 0.125, 2.0, false}, obs);
  CHECK(obs[0] == 0.5f);
  CHECK(obs[1] == -0.25f);
  CHECK(obs[2] == 0.125f);
  CHECK(obs[3] == 2.0f);
}

TEST_CASE("gym cart-pole: full_length runs to max_steps with the same fitness") {
  EpisodeSpec spec{7, 3, 1, 300, true};
  const float push_right[2] = {0.0f, 1.0f};  // always right: the pole falls within a few dozen steps
  GymCartPole normal, full;
  full.full_length = true;
  Episode<GymCartPole> a, b;
  episode_begin(normal, a, spec, 0, 0);
  episode_begin(full, b, spec, 0, 0);
  while (!a.done) episode_advance(normal, a, push_right, spec.max_steps);
  while (!b.done) episode_advance(full, b, push_right, spec.max_steps);
  CHECK(a.steps < 100);
  CHECK(b.steps == 300);
  CHECK(episode_fitness(full, b) == episode_fitness(normal, a));
  CHECK(episode_fitness(normal, a) == double(a.steps));  // reward 1 per step, the terminating one included
}

TEST_CASE("single pole: go_cart's Euler step, bang-bang action and normalised inputs") {
  SinglePole env;
  SinglePole::State s{0.5, 0.1, -0.05, 0.2, false};
  CHECK(env.step(s, kLeft) == 1.0f);  // output 0 larger: push left
  CHECK(s.x == Approx(0.502).epsilon(1e-14));
  CHECK(s.x_dot == Approx(-0.094372496655487387).epsilon(1e-14));
  CHECK(s.theta == Approx(-0.046).epsilon(1e-14));
  CHECK(s.theta_dot == Approx(0.47650049670685213).epsilon(1e-14));
  CHECK_FALSE(env.done(s));

  float obs[4];
  env.observe(SinglePole::State{0.0, 0.0, 0.0, 0.0, false}, obs);
  CHECK(obs[0] == Approx(0.5));
  CHECK(obs[1] == Approx(0.5));
  CHECK(obs[2] == Approx(0.2094384 / 0.41));
  CHECK(obs[3] == Approx(0.5));
  SinglePole::State f{0.0, 0.0, 0.2094, 0.5, false};
  env.step(f, kRight);
  CHECK(env.done(f));
}

TEST_CASE("double pole: Wieland's accelerations at the standard start") {
  double y[6] = {0.0, 0.0, 0.07, 0.0, 0.0, 0.0};
  double d[6] = {0, 0, 0, 0, 0, 0};
  DoublePole::derivatives(0.0, y, d);
  CHECK(d[1] == Approx(-0.04989176577694153).epsilon(1e-13));
  CHECK(d[3] == Approx(1.1028142271445174).epsilon(1e-13));
  CHECK(d[5] == Approx(0.74837648665412282).epsilon(1e-13));
}

TEST_CASE("double pole: one decision is two RK4 steps of 0.01 s with force (out - 0.5) * 20") {
  DoublePole env;
  DoublePole::State st;
  Rng rng(1);
  env.reset(st, rng);  // standard start: theta1 = 0.07
  CHECK(st.s[2] == 0.07);
  const float action[1] = {0.75f};  // 5 N
  CHECK(env.step(st, action) == 1.0f);
  const double expected[6] = {0.00096297448835612183, 0.096303989032092904, 0.068764083605383289,
                              -0.12366387457253875,   -0.014509590288939767, -1.4578482848577019};
  for (int i = 0; i < 6; ++i) {
    INFO("state " << i);
    CHECK(st.s[i] == Approx(expected[i]).epsilon(1e-12));
  }
  CHECK(st.balanced == 1);
  CHECK_FALSE(env.done(st));
}

TEST_CASE("double pole: bounds, observations and Gruau's fitness") {
  DoublePole env;
  DoublePole::State st;
  DoublePole::set_state(st, 0.0, 0.0, 0.62, 0.0, 0.0, 0.0);
  const float push[1] = {0.5f};
  // Falls past 36 degrees within a few decisions.
  int steps = 0;
  while (!env.done(st) && steps < 100) {
    env.step(st, push);
    ++steps;
  }
  CHECK(env.done(st));
  CHECK(st.balanced == uint32_t(steps - 1));

  float obs[6];
  DoublePole::set_state(st, 2.4, 2.0, 0.52, -1.0, -0.26, 4.0);
  env.observe(st, obs);
  CHECK(obs[0] == Approx(0.5));
  CHECK(obs[1] == Approx(1.0));
  CHECK(obs[2] == Approx(1.0));
  CHECK(obs[3] == Approx(-0.5));
  CHECK(obs[4] == Approx(-0.5));
  CHECK(obs[5] == Approx(2.0));
  DoublePole nv;
  nv.markov = false;
  CHECK(nv.num_inputs() == 3);
  nv.observe(st, obs);
  CHECK(obs[0] == Approx(0.5));
  CHECK(obs[1] == Approx(1.0));
  CHECK(obs[2] == Approx(-0.5));

  // Markov fitness: steps balanced.
  st.balanced = 1234;
  CHECK(env.fitness(st, 0.0, 0) == 1234.0);
  // Non-Markov: 0.1 * balanced / 1000, plus 0.9 * 0.75 / jiggle once more than 100 steps balanced.
  st.balanced = 100;
  CHECK(nv.fitness(st, 0.0, 0) == Approx(0.01));
  st.balanced = 1000;
  for (uint32_t i = 0; i < kJiggleWindow; ++i) st.jiggle[i] = 0.01 * (i + 1);  // sums to 50.5
  CHECK(nv.fitness(st, 0.0, 0) == Approx(0.1 + 0.9 * 0.75 / 50.5));
}

TEST_CASE("double pole: the jiggle ring keeps the last 100 balanced steps") {
  DoublePole nv;
  nv.markov = false;
  DoublePole::State st;
  // Poles upright and still, cart gliding at 0.1 m/s with no force: an equilibrium, so the jiggle
  // |x| + |x'| grows step by step and never fails.
  DoublePole::set_state(st, 0.5, 0.1, 0.0, 0.0, 0.0, 0.0);
  const float no_force[1] = {0.5f};
  double last[kJiggleWindow];
  for (uint32_t step = 0; step < 150; ++step) {
    nv.step(st, no_force);
    last[step % kJiggleWindow] = std::fabs(st.s[0]) + std::fabs(st.s[1]) + std::fabs(st.s[2]) + std::fabs(st.s[3]);
  }
  CHECK_FALSE(nv.done(st));
  CHECK(st.balanced == 150);
  CHECK(st.s[0] == Approx(0.5 + 150 * 0.02 * 0.1).epsilon(1e-9));
  double expected = 0.0;
  for (uint32_t i = 0; i < kJiggleWindow; ++i) expected += last[i];
  CHECK(DoublePole::jiggle_total(st) == Approx(expected).epsilon(1e-12));
  CHECK(nv.fitness(st, 0.0, 150) == Approx(0.1 * 0.15 + 0.9 * 0.75 / expected));
}

TEST_CASE("double pole: the 625 generalisation starts") {
  DoublePole::State st;
  generalization_start(0, st);
  CHECK(st.s[0] == Approx(0.05 * 4.32 - 2.16));
  CHECK(st.s[1] == Approx(0.05 * 2.70 - 1.35));
  CHECK(st.s[2] == Approx(0.05 * 0.12566304 - 0.06283152));
  CHECK(st.s[3] == Approx(0.05 * 0.30019504 - 0.15009752));
  CHECK(st.s[4] == 0.0);
  CHECK(st.s[5] == 0.0);
  generalization_start(312, st);  // the middle of the grid: (2, 2, 2, 2)
  for (int i = 0; i < 6; ++i) CHECK(std::fabs(st.s[i]) < 1e-12);
  generalization_start(624, st);
  CHECK(st.s[0] == Approx(0.95 * 4.32 - 2.16));
  CHECK(st.s[3] == Approx(0.95 * 0.30019504 - 0.15009752));
  generalization_start(1, st);  // the last index varies theta1_dot fastest
  CHECK(st.s[3] == Approx(0.25 * 0.30019504 - 0.15009752));
  CHECK(st.s[2] == Approx(0.05 * 0.12566304 - 0.06283152));
}
