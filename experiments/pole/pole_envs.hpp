// Pole-balancing environments, written once for the host compiler and nvcc (GANGLION_HD): the
// CPU backend steps them from ControlTask<Env>, a fused CUDA runner steps them inside a kernel.
// Physics is double precision in all three, as in the reference codes (README.md gives sources),
// with sin and cos from core/network/hd_math.hpp so that the CPU and a GPU follow the same trajectory:
//   SinglePole   NEAT's single pole (Stanley's go_cart / Sutton & Anderson's cart_pole): Euler,
//                0.02 s steps, bang-bang force from two outputs, random start, +-12 degrees.
//   DoublePole   Wieland's double pole with Gomez's Runge-Kutta 4 integration, as in Stanley's
//                NEAT code: two RK4 steps of 0.01 s per network decision, force (out - 0.5) * 20 N,
//                failure at |x| > 2.4 m or either pole beyond 36 degrees. Markov (6 inputs: with
//                velocities) or non-Markov (3 inputs) with Gruau's anti-wiggle fitness.
//   GymCartPole  Gym's CartPole-v1: Euler, 0.02 s, gym's constants, start uniform in +-0.05,
//                reward 1 per step (the terminating step included), 500 steps.
// Nothing here may use std:: containers or exceptions: it must compile as device code.
#pragma once

#include <math.h>
#include <stdint.h>

#include "core/network/hd_math.hpp"
#include "core/hostdevice.hpp"
#include "core/rng.hpp"

namespace ganglion::pole {

// ---------------------------------------------------------------------------------------------
// Single pole (NEAT paper's single pole balancing; physics of Sutton & Anderson's pole.c).
struct SinglePoleState {
  double x, x_dot, theta, theta_dot;
  bool failed;
};

struct SinglePole {
  using State = SinglePoleState;
  static constexpr uint32_t kMaxInputs = 4;
  static constexpr uint32_t kMaxOutputs = 2;

  static constexpr double kGravity = 9.8;
  static constexpr double kMassCart = 1.0;
  static constexpr double kMassPole = 0.1;
  static constexpr double kTotalMass = kMassCart + kMassPole;
  static constexpr double kLength = 0.5;  // half the pole's length
  static constexpr double kPoleMassLength = kMassPole * kLength;
  static constexpr double kForceMag = 10.0;
  static constexpr double kTau = 0.02;
  static constexpr double kFourThirds = 4.0 / 3.0;
  static constexpr double kTwelveDegrees = 0.2094384;
  static constexpr double kTrackLimit = 2.4;

  bool random_start = true;  // NEAT's go_cart starts at a random state

  GANGLION_HD uint32_t num_inputs() const { return 4; }
  GANGLION_HD uint32_t num_outputs() const { return 2; }

  GANGLION_HD void reset(State& s, Rng& rng) const {
    s.failed = false;
    if (random_start) {  // the ranges of go_cart (there drawn in steps of 0.001)
      s.x = rng.uniform(-2.4, 2.4);
      s.x_dot = rng.uniform(-1.0, 1.0);
      s.theta = rng.uniform(-0.2, 0.2);
      s.theta_dot = rng.uniform(-1.5, 1.5);
    } else {
      s.x = s.x_dot = s.theta = s.theta_dot = 0.0;
    }
  }

  // go_cart's normalisation (its bias input is the genome's bias node here).
  GANGLION_HD void observe(const State& s, float* obs) const {
    obs[0] = float((s.x + 2.4) / 4.8);
    obs[1] = float((s.x_dot + 0.75) / 1.5);
    obs[2] = float((s.theta + kTwelveDegrees) / 0.41);
    obs[3] = float((s.theta_dot + 1.0) / 2.0);
  }

  // Pushes left when output 0 is larger, right otherwise. Reward 1 for every step taken.
  GANGLION_HD float step(State& s, const float* action) const {
    const double force = action[0] > action[1] ? -kForceMag : kForceMag;
    double sintheta, costheta;
    hd_sincos(s.theta, sintheta, costheta);
    const double temp = (force + kPoleMassLength * s.theta_dot * s.theta_dot * sintheta) / kTotalMass;
    const double thetaacc =
        (kGravity * sintheta - costheta * temp) / (kLength * (kFourThirds - kMassPole * costheta * costheta / kTotalMass));
    const double xacc = temp - kPoleMassLength * thetaacc * costheta / kTotalMass;
    s.x += kTau * s.x_dot;
    s.x_dot += kTau * xacc;
    s.theta += kTau * s.theta_dot;
    s.theta_dot += kTau * thetaacc;
    s.failed = s.x < -kTrackLimit || s.x > kTrackLimit || s.theta < -kTwelveDegrees || s.theta > kTwelveDegrees;
    return 1.0f;
  }

  GANGLION_HD bool done(const State& s) const { return s.failed; }
  // go_cart's fitness: the number of steps, the failing one included.
  GANGLION_HD double fitness(const State&, double total_reward, uint32_t) const { return total_reward; }
};

// ---------------------------------------------------------------------------------------------
// Double pole (Wieland 1991; Gomez's RK4 code as used by Stanley & Miikkulainen 2002).
constexpr uint32_t kJiggleWindow = 100;  // Gruau's fitness looks at the last 100 steps

struct DoublePoleState {
  double s[6];  // x, x_dot, theta1, theta1_dot, theta2, theta2_dot
  uint32_t balanced;  // steps that ended inside the bounds
  bool failed;
  // |x| + |x_dot| + |theta1| + |theta1_dot| after each of the last kJiggleWindow balanced steps
  // (a ring; used by the non-Markov fitness only).
  uint32_t jiggle_next;
  double jiggle[kJiggleWindow];
};

struct DoublePole {
  using State = DoublePoleState;
  static constexpr uint32_t kMaxInputs = 6;
  static constexpr uint32_t kMaxOutputs = 1;

  static constexpr double kForceMag = 10.0;
  static constexpr double kTau = 0.01;  // one RK4 step; a network decision spans two
  static constexpr double kMup = 0.000002;  // pole hinge friction
  static constexpr double kGravity = -9.8;
  static constexpr double kMassCart = 1.0;
  static constexpr double kMassPole1 = 0.1;
  static constexpr double kLength1 = 0.5;  // half lengths
  static constexpr double kMassPole2 = 0.01;
  static constexpr double kLength2 = 0.05;
  static constexpr double kThirtySixDegrees = 0.628329;
  static constexpr double kTrackLimit = 2.4;
  static constexpr double kStartTheta1 = 0.07;  // the standard start: long pole at about 4 degrees

  bool markov = true;         // velocities observed (6 inputs) or not (3 inputs)
  bool random_start = false;  // false: the standard start state; true: uniform in the ranges below

  GANGLION_HD uint32_t num_inputs() const { return markov ? 6 : 3; }
  GANGLION_HD uint32_t num_outputs() const { return 1; }

  GANGLION_HD static void set_state(State& st, double x, double x_dot, double t1, double t1_dot, double t2,
                                    double t2_dot) {
    st.s[0] = x;
    st.s[1] = x_dot;
    st.s[2] = t1;
    st.s[3] = t1_dot;
    st.s[4] = t2;
    st.s[5] = t2_dot;
    st.balanced = 0;
    st.failed = false;
    st.jiggle_next = 0;
    for (uint32_t i = 0; i < kJiggleWindow; ++i) st.jiggle[i] = 0.0;
  }

  GANGLION_HD void reset(State& st, Rng& rng) const {
    if (random_start) {  // ranges of the generalisation test's grid
      // One draw per statement: the order in which a call's arguments are evaluated is
      // unspecified (g++ and nvcc differ), and the GPU must draw the same start as the CPU.
      const double x = rng.uniform(-2.16, 2.16);
      const double x_dot = rng.uniform(-1.35, 1.35);
      const double theta1 = rng.uniform(-0.0628, 0.0628);
      const double theta1_dot = rng.uniform(-0.15, 0.15);
      set_state(st, x, x_dot, theta1, theta1_dot, 0.0, 0.0);
    } else {
      set_state(st, 0.0, 0.0, kStartTheta1, 0.0, 0.0, 0.0);
    }
  }

  // Stanley's scaling; his constant 0.5 bias input is the genome's bias node here.
  GANGLION_HD void observe(const State& st, float* obs) const {
    if (markov) {
      obs[0] = float(st.s[0] / 4.8);
      obs[1] = float(st.s[1] / 2.0);
      obs[2] = float(st.s[2] / 0.52);
      obs[3] = float(st.s[3] / 2.0);
      obs[4] = float(st.s[4] / 0.52);
      obs[5] = float(st.s[5] / 2.0);
    } else {
      obs[0] = float(st.s[0] / 4.8);
      obs[1] = float(st.s[2] / 0.52);
      obs[2] = float(st.s[4] / 0.52);
    }
  }

  // Accelerations (derivs[1], [3], [5]) of Wieland's equations; positions' derivatives are the
  // velocities and are filled in by the integrator.
  GANGLION_HD static void derivatives(double force, const double* st, double* derivs) {
    double sintheta_1, costheta_1, sintheta_2, costheta_2;
    hd_sincos(st[2], sintheta_1, costheta_1);
    const double gsintheta_1 = kGravity * sintheta_1;
    hd_sincos(st[4], sintheta_2, costheta_2);
    const double gsintheta_2 = kGravity * sintheta_2;
    const double ml_1 = kLength1 * kMassPole1;
    const double ml_2 = kLength2 * kMassPole2;
    const double temp_1 = kMup * st[3] / ml_1;
    const double temp_2 = kMup * st[5] / ml_2;
    const double fi_1 = (ml_1 * st[3] * st[3] * sintheta_1) + (0.75 * kMassPole1 * costheta_1 * (temp_1 + gsintheta_1));
    const double fi_2 = (ml_2 * st[5] * st[5] * sintheta_2) + (0.75 * kMassPole2 * costheta_2 * (temp_2 + gsintheta_2));
    const double mi_1 = kMassPole1 * (1 - (0.75 * costheta_1 * costheta_1));
    const double mi_2 = kMassPole2 * (1 - (0.75 * costheta_2 * costheta_2));
    derivs[1] = (force + fi_1 + fi_2) / (mi_1 + mi_2 + kMassCart);
    derivs[3] = -0.75 * (derivs[1] * costheta_1 + gsintheta_1 + temp_1) / kLength1;
    derivs[5] = -0.75 * (derivs[1] * costheta_2 + gsintheta_2 + temp_2) / kLength2;
  }

  GANGLION_HD static void full_derivatives(double force, const double* y, double* dydx) {
    derivatives(force, y, dydx);
    dydx[0] = y[1];
    dydx[2] = y[3];
    dydx[4] = y[5];
  }

  // One classical Runge-Kutta 4 step of length kTau (the same arithmetic as Gomez's rk4()).
  GANGLION_HD static void rk4(double force, double* y) {
    double k1[6], k2[6], k3[6], k4[6], yt[6];
    const double hh = kTau * 0.5;
    const double h6 = kTau / 6.0;
    full_derivatives(force, y, k1);
    for (int i = 0; i < 6; ++i) yt[i] = y[i] + hh * k1[i];
    full_derivatives(force, yt, k2);
    for (int i = 0; i < 6; ++i) yt[i] = y[i] + hh * k2[i];
    full_derivatives(force, yt, k3);
    for (int i = 0; i < 6; ++i) yt[i] = y[i] + kTau * k3[i];
    full_derivatives(force, yt, k4);
    for (int i = 0; i < 6; ++i) y[i] = y[i] + h6 * (k1[i] + k4[i] + 2.0 * (k2[i] + k3[i]));
  }

  GANGLION_HD static bool outside_bounds(const double* s) {
    return s[0] < -kTrackLimit || s[0] > kTrackLimit || s[2] < -kThirtySixDegrees || s[2] > kThirtySixDegrees ||
           s[4] < -kThirtySixDegrees || s[4] > kThirtySixDegrees;
  }

  // One network decision: two RK4 steps of 0.01 s with the same force. Reward 1 when the state
  // is still inside the bounds afterwards.
  GANGLION_HD float step(State& st, const float* action) const {
    const double force = (double(action[0]) - 0.5) * kForceMag * 2.0;
    rk4(force, st.s);
    rk4(force, st.s);
    if (outside_bounds(st.s)) {
      st.failed = true;
      return 0.0f;
    }
    ++st.balanced;
    st.jiggle[st.jiggle_next] = fabs(st.s[0]) + fabs(st.s[1]) + fabs(st.s[2]) + fabs(st.s[3]);
    st.jiggle_next = (st.jiggle_next + 1) % kJiggleWindow;
    return 1.0f;
  }

  GANGLION_HD bool done(const State& st) const { return st.failed; }

  // Sum of the jiggle ring, oldest first (a fixed order, so CPU and GPU sum alike).
  GANGLION_HD static double jiggle_total(const State& st) {
    double total = 0.0;
    for (uint32_t i = 0; i < kJiggleWindow; ++i) total += st.jiggle[(st.jiggle_next + i) % kJiggleWindow];
    return total;
  }

  // Markov: steps balanced. Non-Markov: Gruau's f = 0.1 f1 + 0.9 f2 with f1 = balanced / 1000
  // and f2 = 0.75 / (sum over the last 100 steps of |x| + |x'| + |t1| + |t1'|), f2 = 0 when
  // fewer than 100 steps were balanced (Gruau et al. 1996; Stanley's NEAT code).
  GANGLION_HD double fitness(const State& st, double, uint32_t) const {
    if (markov) return double(st.balanced);
    const double f1 = double(st.balanced) / 1000.0;
    if (st.balanced <= kJiggleWindow) return 0.1 * f1;
    return 0.1 * f1 + 0.9 * (0.75 / jiggle_total(st));
  }
};

// ---------------------------------------------------------------------------------------------
// Gym's CartPole-v1 (gym/envs/classic_control/cartpole.py, Euler integrator).
struct GymCartPoleState {
  double x, x_dot, theta, theta_dot;
  bool terminated;  // the pole fell or the cart left the track (sticky)
};

struct GymCartPole {
  using State = GymCartPoleState;
  static constexpr uint32_t kMaxInputs = 4;
  static constexpr uint32_t kMaxOutputs = 2;

  static constexpr double kGravity = 9.8;
  static constexpr double kMassCart = 1.0;
  static constexpr double kMassPole = 0.1;
  static constexpr double kTotalMass = kMassPole + kMassCart;
  static constexpr double kLength = 0.5;
  static constexpr double kPoleMassLength = kMassPole * kLength;
  static constexpr double kForceMag = 10.0;
  static constexpr double kTau = 0.02;
  static constexpr double kThetaThreshold = 12.0 * 2.0 * 3.14159265358979323846 / 360.0;
  static constexpr double kXThreshold = 2.4;

  // false: Gym's episode ends at termination. true: the episode goes on to max_steps with no more
  // reward, so the fitness is the same, but every episode costs max_steps steps -- the work of
  // fixed-length batched implementations (a vmapped loop over the whole population), for timing
  // comparisons with them (`ganglion bench episodes --set task.full_length=true`).
  bool full_length = false;

  GANGLION_HD uint32_t num_inputs() const { return 4; }
  GANGLION_HD uint32_t num_outputs() const { return 2; }

  GANGLION_HD void reset(State& s, Rng& rng) const {
    s.x = rng.uniform(-0.05, 0.05);
    s.x_dot = rng.uniform(-0.05, 0.05);
    s.theta = rng.uniform(-0.05, 0.05);
    s.theta_dot = rng.uniform(-0.05, 0.05);
    s.terminated = false;
  }

  // Gym's observation: the raw state as float32.
  GANGLION_HD void observe(const State& s, float* obs) const {
    obs[0] = float(s.x);
    obs[1] = float(s.x_dot);
    obs[2] = float(s.theta);
    obs[3] = float(s.theta_dot);
  }

  // Action = argmax of the two outputs (ties push left): 1 pushes right. Reward 1 for every step
  // up to and including the terminating one.
  GANGLION_HD float step(State& s, const float* action) const {
    const bool already = s.terminated;
    const double force = action[1] > action[0] ? kForceMag : -kForceMag;
    double sintheta, costheta;
    hd_sincos(s.theta, sintheta, costheta);
    const double temp = (force + kPoleMassLength * s.theta_dot * s.theta_dot * sintheta) / kTotalMass;
    const double thetaacc =
        (kGravity * sintheta - costheta * temp) / (kLength * (4.0 / 3.0 - kMassPole * costheta * costheta / kTotalMass));
    const double xacc = temp - kPoleMassLength * thetaacc * costheta / kTotalMass;
    s.x = s.x + kTau * s.x_dot;
    s.x_dot = s.x_dot + kTau * xacc;
    s.theta = s.theta + kTau * s.theta_dot;
    s.theta_dot = s.theta_dot + kTau * thetaacc;
    s.terminated =
        already || s.x < -kXThreshold || s.x > kXThreshold || s.theta < -kThetaThreshold || s.theta > kThetaThreshold;
    return already ? 0.0f : 1.0f;
  }

  GANGLION_HD bool done(const State& s) const { return s.terminated && !full_length; }
  GANGLION_HD double fitness(const State&, double total_reward, uint32_t) const { return total_reward; }
};

}  // namespace ganglion::pole
