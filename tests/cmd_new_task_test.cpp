// `ganglion new-task` (tools/cmd_new_task.cpp) as a user runs it: each kind's four files, the name
// put in everywhere and no placeholder left; a bad name, an unknown kind and a folder that is not
// empty refused, nothing written or overwritten. Building and running the generated folders
// against an installed package is the `package_plugin` test (tests/package/package_test.cmake).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/cli_runner.hpp"

using namespace ganglion::testing;
namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

TEST_CASE("ganglion new-task writes a plug-in folder of each kind") {
  if (ganglion_binary().empty()) {
    MESSAGE("GANGLION_BINARY not set: run through ctest");
    return;
  }
  ScratchDir dir("cmd-new-task");
  for (const std::string kind : {"data", "control", "host"}) {
    INFO("kind ", kind);
    const std::string name = "my_" + kind;
    const auto r = run_ganglion("new-task " + name + " --kind " + kind + " --out '" + (dir / kind) + "'");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK(r.output.find("cmake --build build") != std::string::npos);
    const std::string files[] = {"CMakeLists.txt", name + ".cpp", "README.md", "config.yaml"};
    for (const std::string& file : files) {
      const std::string text = slurp(dir.path / kind / file);
      CHECK_MESSAGE(!text.empty(), file);
      CHECK_MESSAGE(text.find('@') == std::string::npos, file, " keeps a placeholder:\n", text);
      CHECK_MESSAGE(text.find(name) != std::string::npos, file);
    }
    const std::string cmake = slurp(dir.path / kind / "CMakeLists.txt");
    CHECK(cmake.find("find_package(Ganglion ") != std::string::npos);
    CHECK(cmake.find("add_library(" + name + " MODULE " + name + ".cpp)") != std::string::npos);
    CHECK(cmake.find("Ganglion::plugin") != std::string::npos);
    const std::string config = slurp(dir.path / kind / "config.yaml");
    CHECK(config.find("plugin: build/lib" + name + ".so") != std::string::npos);
    CHECK(config.find("name: " + name + "\n") != std::string::npos);
    const std::string source = slurp(dir.path / kind / (name + ".cpp"));
    CHECK(source.find("GANGLION_PLUGIN(register_tasks)") != std::string::npos);
    const char* base = kind == "data"      ? "ganglion::DataTask"
                       : kind == "control" ? "ganglion::ControlTask<"
                                           : "ganglion::HostTask";
    CHECK(source.find(base) != std::string::npos);
  }
}

TEST_CASE("ganglion new-task refuses a bad name, an unknown kind and a folder in use") {
  if (ganglion_binary().empty()) {
    MESSAGE("GANGLION_BINARY not set: run through ctest");
    return;
  }
  ScratchDir dir("cmd-new-task-refused");
  auto r = run_ganglion("new-task My-Task --kind data --out '" + (dir / "a") + "'");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("'My-Task' is not a task name") != std::string::npos);
  CHECK(!fs::exists(dir.path / "a"));

  r = run_ganglion("new-task ok --kind robot --out '" + (dir / "b") + "'");
  CHECK(r.exit_code != 0);
  CHECK(r.output.find("robot") != std::string::npos);
  CHECK(!fs::exists(dir.path / "b"));

  fs::create_directories(dir.path / "used");
  std::ofstream(dir.path / "used" / "config.yaml") << "mine\n";
  r = run_ganglion("new-task ok --kind host --out '" + (dir / "used") + "'");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("is not an empty folder; nothing was written") != std::string::npos);
  CHECK(slurp(dir.path / "used" / "config.yaml") == "mine\n");

  fs::create_directories(dir.path / "empty");  // an empty folder is fine
  CHECK(run_ganglion("new-task ok --kind host --out '" + (dir / "empty") + "'").exit_code == 0);
  CHECK(run_ganglion("new-task ok2 --out '" + (dir / "c") + "'").exit_code != 0);  // --kind is required
  CHECK(!fs::exists(dir.path / "c"));
  CHECK(fs::exists(dir.path / "empty" / "ok.cpp"));
}
