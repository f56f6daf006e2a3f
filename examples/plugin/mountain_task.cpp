// examples/plugin/mountain_task.cpp
#include <memory>
#include "core/task/control_task.hpp"
#include "core/task/plugin.hpp"
#include "mountain_env.hpp"

namespace {
std::unique_ptr<ganglion::Task> make_mountain(const ganglion::Config& config, ganglion::TaskParams& params) {
  ganglion::ControlOptions o = ganglion::read_control_options(params, config, /*max_steps=*/200, /*episodes=*/3);
  const double solve = params.get_double("solve_fitness", 90.0, 0.0, 200.0);
  return std::make_unique<ganglion::ControlTask<MountainCar>>("mountain_car", MountainCar{}, o, solve);
}

void register_tasks(ganglion::PluginRegistrar& r) {
  r.add({"mountain_car", "mountain car, 2 inputs, 1 output", make_mountain});
}
}  // namespace

GANGLION_PLUGIN(register_tasks)  // exports ganglion_plugin_abi_version() and ganglion_plugin_register()
