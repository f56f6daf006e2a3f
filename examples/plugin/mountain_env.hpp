// examples/plugin/mountain_env.hpp
#pragma once
#include <math.h>
#include "core/hostdevice.hpp"
#include "core/rng.hpp"

struct MountainCarState { double x, v; };

struct MountainCar {
  using State = MountainCarState;
  static constexpr uint32_t kMaxInputs = 2, kMaxOutputs = 1;  // bounds for arrays on the GPU
  GANGLION_HD uint32_t num_inputs() const { return 2; }
  GANGLION_HD uint32_t num_outputs() const { return 1; }
  GANGLION_HD void reset(State& s, ganglion::Rng& rng) const { s.x = rng.uniform(-0.6, -0.4); s.v = 0.0; }
  GANGLION_HD void observe(const State& s, float* obs) const { obs[0] = float(s.x); obs[1] = float(s.v * 10.0); }
  GANGLION_HD float step(State& s, const float* action) const {
    const double force = action[0] > 0.5f ? 1.0 : -1.0;
    s.v += 0.001 * force - 0.0025 * cos(3.0 * s.x);
    s.v = s.v < -0.07 ? -0.07 : (s.v > 0.07 ? 0.07 : s.v);
    s.x += s.v;
    if (s.x < -1.2) { s.x = -1.2; s.v = 0.0; }
    return -1.0f;  // reward per step: reach the goal fast
  }
  GANGLION_HD bool done(const State& s) const { return s.x >= 0.5; }
  GANGLION_HD double fitness(const State&, double total_reward, uint32_t) const { return 200.0 + total_reward; }
};
