// A task plug-in built outside ganglion's libraries (CMake builds it as a MODULE; see
// tests/CMakeLists.txt), loaded by tests/plugin_test.cpp and, through the `ganglion` program, by
// the CLI tests. Its task keys make it misbehave on purpose:
//   invalid: none | all | odd   NaN fitness for no genome, every genome, or every odd-numbered one
//   throw_in: G                 evaluate() throws std::runtime_error in generation G (-1: never)
// Compile definitions make the variants:
//   FIXTURE_TASK_NAME  the task it registers ("fixture_sum" by default)
//   FIXTURE_ABI        a wrong ABI version to report
//   FIXTURE_NO_ENTRY   export no entry points at all
//   FIXTURE_UNRESOLVED call a ganglion function that no program defines (dlopen fails)
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/task/plugin.hpp"

#ifndef FIXTURE_TASK_NAME
#define FIXTURE_TASK_NAME "fixture_sum"
#endif

namespace {

// Fitness = scale * (sum of the network's outputs on one all-ones input row).
class FixtureTask : public ganglion::Task {
 public:
  FixtureTask(uint32_t inputs, double scale, std::string invalid, int64_t throw_in)
      : inputs_(inputs), scale_(scale), invalid_(std::move(invalid)), throw_in_(throw_in) {}
  std::string name() const override { return FIXTURE_TASK_NAME; }
  uint32_t num_inputs() const override { return inputs_; }
  uint32_t num_outputs() const override { return 1; }
  void evaluate(const ganglion::PopulationLayout& layout, ganglion::Evaluator& evaluator,
                const ganglion::TaskContext& context, std::vector<double>& fitness) override {
    if (int64_t(context.generation) == throw_in_)
      throw std::runtime_error("the fixture's simulator broke (throw_in: " + std::to_string(throw_in_) + ")");
    std::vector<float> in(inputs_, 1.0f), out(layout.num_networks);
    evaluator.load(layout);
    evaluator.activate(in.data(), 1, ganglion::InputMode::Shared, out.data());
    fitness.assign(layout.num_networks, 0.0);
    for (uint32_t n = 0; n < layout.num_networks; ++n) {
      const bool nan = invalid_ == "all" || (invalid_ == "odd" && n % 2 == 1);
      fitness[n] = nan ? std::nan("") : scale_ * out[n];
    }
  }

 private:
  uint32_t inputs_;
  double scale_;
  std::string invalid_;
  int64_t throw_in_;
};

[[maybe_unused]] void register_tasks(ganglion::PluginRegistrar& registrar) {
  registrar.add({FIXTURE_TASK_NAME, "a test plug-in: scale * output on an all-ones row",
                 [](const ganglion::Config& config, ganglion::TaskParams& params) -> std::unique_ptr<ganglion::Task> {
                   const double scale = params.get_double("scale", 1.0, -1e6, 1e6);
                   std::string invalid = params.get_string("invalid", "none");
                   if (invalid != "none" && invalid != "all" && invalid != "odd")
                     throw ganglion::ConfigError("task.invalid: '" + invalid + "' (valid: none, all, odd)");
                   const int64_t throw_in = params.get_int("throw_in", -1, -1, 1000000);
                   return std::make_unique<FixtureTask>(config.genome.num_inputs, scale, invalid, throw_in);
                 }});
}

}  // namespace

#if defined(FIXTURE_UNRESOLVED)
namespace ganglion {
double fixture_function_nobody_defines(const std::string& what, int n);
}
GANGLION_PLUGIN_EXPORT double fixture_calls_the_missing_function() {
  return ganglion::fixture_function_nobody_defines("x", 1);
}
#endif

#if !defined(FIXTURE_NO_ENTRY)
#if defined(FIXTURE_ABI)
GANGLION_PLUGIN_EXPORT uint32_t ganglion_plugin_abi_version() { return FIXTURE_ABI; }
GANGLION_PLUGIN_EXPORT void ganglion_plugin_register(ganglion::PluginRegistrar* r) { register_tasks(*r); }
#else
GANGLION_PLUGIN(register_tasks)
#endif
#else
GANGLION_PLUGIN_EXPORT int not_a_ganglion_plugin() { return 0; }
#endif
