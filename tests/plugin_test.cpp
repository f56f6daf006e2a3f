// Task plug-ins (core/task/plugin.hpp): libraries built outside ganglion's own libraries by CMake from
// tests/plugin_fixture/ (paths come in as GANGLION_FIXTURE_* definitions). A good one loads
// through the config's task.plugin and runs; missing files, wrong ABI versions, libraries without
// entry points, libraries needing a symbol nobody defines (named demangled), names registered
// twice and files without the config's task.plugin_hash are refused with clear messages.
#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <string>

#include "core/config/config.hpp"
#include "core/network/cpu_evaluator.hpp"
#include "core/error.hpp"
#include "core/task/plugin.hpp"
#include "core/task/task.hpp"
#include "tests/task_networks.hpp"

using namespace ganglion;

namespace {

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

Config plugin_config(const std::string& plugin, const std::string& name, const std::string& params = "{}") {
  Config c;
  c.genome.num_inputs = 2;
  c.genome.num_outputs = 1;
  c.task.name = name;
  c.task.plugin = plugin;
  c.task.params = parse_config_value(params, "params");
  return c;
}

}  // namespace

TEST_CASE("a plug-in named in the config loads, registers its task and runs") {
  Config config = plugin_config(GANGLION_FIXTURE_GOOD, "fixture_sum", "{scale: 2.0}");
  auto task = TaskRegistry::instance().create(config);
  REQUIRE(task);
  CHECK(task->name() == "fixture_sum");
  CHECK(TaskRegistry::instance().find("fixture_sum") != nullptr);

  // out = x1 + 2 x2 - 1 on the all-ones row = 2; fitness = scale * out = 4.
  PopulationLayout layout = testing::layout_of({testing::linear_genome(7, 2, {{1.0f, 2.0f, -1.0f}})});
  CpuEvaluator evaluator(1);
  evaluator.load(layout);
  std::vector<double> fitness;
  task->evaluate(layout, evaluator, TaskContext{}, fitness);
  REQUIRE(fitness.size() == 1);
  CHECK(fitness[0] == doctest::Approx(4.0));

  // Loading the same file again (a second run in one process) is a no-op, not a duplicate.
  CHECK(load_task_plugin(GANGLION_FIXTURE_GOOD).empty());
  CHECK(TaskRegistry::instance().create(config));
  CHECK(loaded_task_plugins().size() == 1);

  // The plug-in's own keys are checked strictly like any task's.
  const std::string msg = error_of([] {
    TaskRegistry::instance().create(plugin_config(GANGLION_FIXTURE_GOOD, "fixture_sum", "{scal: 2.0}"));
  });
  CHECK(msg.find("task.scal") != std::string::npos);
  CHECK(msg.find("scale") != std::string::npos);
}

TEST_CASE("a missing plug-in file is refused with dlopen's reason") {
  const std::string msg = error_of([] {
    TaskRegistry::instance().create(plugin_config("/nonexistent/libnothing.so", "nothing"));
  });
  CHECK(msg.find("/nonexistent/libnothing.so") != std::string::npos);
  CHECK(msg.find("cannot be loaded") != std::string::npos);
  CHECK(msg.find("No such file") != std::string::npos);
}

TEST_CASE("a plug-in with an unresolved symbol is refused, the symbol demangled") {
  const std::string msg = error_of([] { load_task_plugin(GANGLION_FIXTURE_UNRESOLVED); });
  INFO(msg);
  CHECK(msg.find("cannot be loaded") != std::string::npos);
  CHECK(msg.find("undefined symbol") != std::string::npos);
  // The C++ name as written, then the mangled one for nm / c++filt.
  CHECK(msg.find("ganglion::fixture_function_nobody_defines(std::") != std::string::npos);
  CHECK(msg.find(", int) (_ZN8ganglion31fixture_function_nobody_defines") != std::string::npos);
}

TEST_CASE("a plug-in built for another ABI version is refused") {
  const std::string msg = error_of([] { load_task_plugin(GANGLION_FIXTURE_ABI); });
  CHECK(msg.find("ABI version 999") != std::string::npos);
  CHECK(msg.find("this ganglion has version " + std::to_string(GANGLION_PLUGIN_ABI_VERSION)) != std::string::npos);
  CHECK(msg.find("rebuild") != std::string::npos);
}

TEST_CASE("a library without the entry points is refused") {
  const std::string msg = error_of([] { load_task_plugin(GANGLION_FIXTURE_NOENTRY); });
  CHECK(msg.find("is not a Ganglion plug-in") != std::string::npos);
  CHECK(msg.find("GANGLION_PLUGIN(") != std::string::npos);
}

TEST_CASE("a plug-in registering a name that is taken is refused, and registers nothing") {
  REQUIRE(TaskRegistry::instance().find("cartpole") != nullptr);  // built in
  const auto before = TaskRegistry::instance().names();
  const std::string msg = error_of([] { load_task_plugin(GANGLION_FIXTURE_DUP); });
  CHECK(msg.find("registers task 'cartpole'") != std::string::npos);
  CHECK(msg.find("already registered") != std::string::npos);
  CHECK(TaskRegistry::instance().names() == before);
}

TEST_CASE("a plug-in file's content hash is checked against task.plugin_hash before it loads") {
  const std::string hash = plugin_file_hash(GANGLION_FIXTURE_GOOD);
  CHECK(hash.size() == 16);
  CHECK(hash.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(plugin_file_hash(GANGLION_FIXTURE_GOOD) == hash);
  CHECK(plugin_file_hash(GANGLION_FIXTURE_ABI) != hash);

  // The right hash loads (or finds it loaded); another is refused naming both, loaded or not.
  CHECK_NOTHROW(load_task_plugin(GANGLION_FIXTURE_GOOD, "", hash));
  std::string msg = error_of([] { load_task_plugin(GANGLION_FIXTURE_GOOD, "", "0123456789abcdef"); });
  CHECK(msg.find("has content hash " + hash) != std::string::npos);
  CHECK(msg.find("task.plugin_hash is 0123456789abcdef") != std::string::npos);
  msg = error_of([] { load_task_plugin(GANGLION_FIXTURE_NOENTRY, "", "0123456789abcdef"); });
  CHECK(msg.find("task.plugin_hash is 0123456789abcdef") != std::string::npos);
  CHECK(msg.find("is not a Ganglion plug-in") == std::string::npos);  // refused before dlopen
  msg = error_of([] { load_task_plugin("/nonexistent/libnothing.so", "", "0123456789abcdef"); });
  CHECK(msg.find("no such file") != std::string::npos);
  // Through the config, as a run loads it.
  Config config = plugin_config(GANGLION_FIXTURE_GOOD, "fixture_sum");
  config.task.plugin_hash = "fedcba9876543210";
  msg = error_of([&] { TaskRegistry::instance().create(config); });
  CHECK(msg.find("task.plugin_hash is fedcba9876543210") != std::string::npos);

  CHECK_THROWS_WITH_AS(plugin_file_hash(std::filesystem::temp_directory_path().string()),
                       doctest::Contains("is a directory"), Error);
}
