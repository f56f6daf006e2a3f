// The task registry (core/task/task.cpp): built-ins by name, unknown names, and a config whose task
// is written in Python, which only the Python module can run.
#include <doctest/doctest.h>

#include <string>

#include "core/config/config.hpp"
#include "core/error.hpp"
#include "core/task/task.hpp"

using namespace ganglion;

TEST_CASE("a registered task is made by name") {
  const Config config = parse_config("task: {name: parity, bits: 2}\ngenome: {num_inputs: 2}\n", "t.yaml");
  auto task = TaskRegistry::instance().create(config);
  REQUIRE(task);
  CHECK(task->name() == "parity");
  CHECK(task->num_inputs() == 2);
}

TEST_CASE("an unknown task name is refused with the nearest name") {
  const Config config = parse_config("task: {name: parrity}\n", "t.yaml");
  CHECK_THROWS_WITH_AS(TaskRegistry::instance().create(config),
                       doctest::Contains("did you mean 'parity'"), ConfigError);
}

TEST_CASE("a Python task is refused naming the Python command") {
  const Config config = parse_config("task: {python: \"mytasks:make\", size: 3}\n", "py.yaml");
  try {
    TaskRegistry::instance().create(config);
    FAIL("a task.python config was accepted");
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    CHECK(what.find("py.yaml: task.python: 'mytasks:make'") == 0);
    CHECK(what.find("python -m ganglion run CONFIG") != std::string::npos);
  }
}

TEST_CASE("a run of a Python task object is refused naming the Python call") {
  const Config config = parse_config("task: {name: python}\n", "run/config.yaml");
  CHECK_THROWS_WITH_AS(TaskRegistry::instance().create(config),
                       doctest::Contains("ganglion.Session.resume(RUN_DIR, task=...)"), ConfigError);
}
