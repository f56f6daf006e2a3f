// core/io/read_file.hpp, and the commands that read user files: a FIFO, a directory or a missing
// path given where a file is expected is refused at once, naming the path, never waited on.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <sys/stat.h>

#include "core/config/config.hpp"
#include "core/error.hpp"
#include "core/io/read_file.hpp"
#include "tests/cli_runner.hpp"

namespace fs = std::filesystem;
using namespace ganglion;
using namespace ganglion::testing;

TEST_CASE("read_regular_file: files, FIFOs, folders and missing paths") {
  ScratchDir dir("read-file");
  const std::string file = dir / "a.txt";
  std::ofstream(file) << "hello\n";
  std::string text, problem;
  REQUIRE(read_regular_file(file, "text file", text, problem));
  CHECK(text == "hello\n");

  const std::string fifo = dir / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  text = "unchanged";
  CHECK_FALSE(read_regular_file(fifo, "config file", text, problem));
  CHECK(problem.find("FIFO") != std::string::npos);
  CHECK(problem.find("config file") != std::string::npos);
  CHECK(text == "unchanged");

  CHECK_FALSE(read_regular_file(dir.path.string(), "config file", text, problem));
  CHECK(problem.find("directory") != std::string::npos);
  CHECK_FALSE(read_regular_file(dir / "missing", "config file", text, problem));
  CHECK(problem.find("no such file") != std::string::npos);

  CHECK_THROWS_WITH_AS(load_config(fifo, {}), doctest::Contains("pipe: not a regular file (a FIFO)"), ConfigError);
}

TEST_CASE("read_regular_file: a size bound refuses larger files before reading them, and takes files up to it") {
  ScratchDir dir("read-file-bound");
  const std::string file = dir / "six.txt";
  std::ofstream(file) << "hello\n";
  std::string text, problem;
  CHECK(read_regular_file(file, "text file", text, problem, 6));  // exactly the bound
  CHECK(text == "hello\n");
  text = "unchanged";
  CHECK_FALSE(read_regular_file(file, "text file", text, problem, 5));
  CHECK(problem == "6 bytes or more; allowed: a text file of at most 5 bytes");
  CHECK(text == "unchanged");
  // A file whose size stat does not give (as in /proc) is bounded while it is read.
  if (fs::exists("/proc/self/status")) {
    CHECK_FALSE(read_regular_file("/proc/self/status", "status file", text, problem, 10));
    CHECK(problem == "11 bytes or more; allowed: a status file of at most 10 bytes");
    CHECK(read_regular_file("/proc/self/status", "status file", text, problem));
    CHECK(text.size() > 10);
  }
}

TEST_CASE("commands given a FIFO end at once with a message") {
  if (ganglion_binary().empty() || !fs::exists(ganglion_binary())) {
    MESSAGE("skipped: GANGLION_BINARY is not set or not built");
    return;
  }
  ScratchDir dir("fifo-commands");
  const std::string fifo = dir / "input";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // `timeout` turns a hang into exit 124, so a regression fails here instead of stalling CTest.
  for (const std::string command : {"run", "resume", "inspect", "export"}) {
    CAPTURE(command);
    const auto r = run_shell("timeout 20 '" + ganglion_binary() + "' " + command + " '" + fifo + "'");
    INFO(r.output);
    CHECK(r.exit_code == 1);
    CHECK(r.output.find(fifo + ": not a regular file") != std::string::npos);
  }
}
