// The pole-balancing environments on the fused CUDA episode runner (gpu/fused_episodes.cuh): with
// `backend: cuda`, whole episodes of the whole population run inside one kernel. Compiled only
// when CUDA is found, with --fmad=false (experiments/CMakeLists.txt) so that trajectories match the
// CPU backend's.
#include "experiments/pole/pole_envs.hpp"
#include "gpu/fused_episodes.cuh"

GANGLION_REGISTER_FUSED_EPISODES(ganglion::pole::SinglePole, ganglion::run_fused_episodes<ganglion::pole::SinglePole>);
GANGLION_REGISTER_FUSED_EPISODES(ganglion::pole::DoublePole, ganglion::run_fused_episodes<ganglion::pole::DoublePole>);
GANGLION_REGISTER_FUSED_EPISODES(ganglion::pole::GymCartPole, ganglion::run_fused_episodes<ganglion::pole::GymCartPole>);
