// `ganglion run` as a user calls it: exit codes 0 (solved), 3 (generation limit), 1 (bad config,
// a task that throws), 4 (a generation without valid fitness) and 130 (SIGINT, files saved), and
// the run folder's files.
#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <chrono>
#include <thread>
#include <algorithm>
#include <sstream>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/cli_runner.hpp"

namespace fs = std::filesystem;

namespace {
std::string binary() {
  const char* b = std::getenv("GANGLION_BINARY");
  return b ? b : "";
}
int run(const std::string& args) {
  int rc = std::system((binary() + " " + args + " > /dev/null 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}
fs::path temp_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("ganglion_cmd_run_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(p);
  return p;
}
}  // namespace

TEST_CASE("ganglion run: exit codes and run folder") {
  if (binary().empty() || !fs::exists(binary())) {
    MESSAGE("skipped: GANGLION_BINARY is not set or not built");
    return;
  }
  fs::path dir = temp_dir("solved");
  CHECK(run("run configs/xor.yaml -q --seed 3 --out " + dir.string()) == 0);
  CHECK(fs::exists(dir / "config.yaml"));
  CHECK(fs::exists(dir / "stats.jsonl"));
  CHECK(fs::exists(dir / "best_genome.json"));
  fs::remove_all(dir);

  dir = temp_dir("limit");
  CHECK(run("run configs/xor.yaml -q --generations 1 --out " + dir.string()) == 3);
  CHECK(fs::exists(dir / "best_genome.json"));
  fs::remove_all(dir);

  CHECK(run("run configs/xor.yaml -q --set speciation.compatibility_treshold=2 --out " + temp_dir("bad").string()) == 1);
}

TEST_CASE("ganglion run: SIGINT finishes the generation, saves and exits 130") {
  if (binary().empty() || !fs::exists(binary())) {
    MESSAGE("skipped: GANGLION_BINARY is not set or not built");
    return;
  }
  fs::path dir = temp_dir("sigint");
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    execl(binary().c_str(), binary().c_str(), "run", "configs/parity.yaml", "--set", "task.bits=6", "--set",
          "genome.num_inputs=6", "--set", "run.stop_when_solved=false", "--generations", "1000000", "--threads", "1",
          "--out", dir.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait for the first generation line, then interrupt.
  for (int i = 0; i < 200 && !(fs::exists(dir / "stats.jsonl") && fs::file_size(dir / "stats.jsonl") > 0); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK(fs::exists(dir / "best_genome.json"));
  fs::remove_all(dir);
}

TEST_CASE("ganglion run and resume refuse a run folder another process writes") {
  if (binary().empty() || !fs::exists(binary())) {
    MESSAGE("skipped: GANGLION_BINARY is not set or not built");
    return;
  }
  const fs::path dir = temp_dir("locked");
  REQUIRE(run("run configs/xor.yaml -q --generations 3 --out " + dir.string()) == 3);
  // This process takes the folder's lock as a running `ganglion run` would.
  const int fd = ::open((dir / ".lock").c_str(), O_RDWR | O_CLOEXEC);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
  const std::string before = [&] {
    std::ifstream in(dir / "stats.jsonl");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  CHECK(run("run configs/xor.yaml -q --generations 3 --out " + dir.string()) == 1);
  CHECK(run("resume " + dir.string() + " -q --generations 5") == 1);
  std::ifstream in(dir / "stats.jsonl");
  CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == before);  // nothing written
  ::close(fd);  // the lock goes with the descriptor, as with a process that ends
  CHECK(run("resume " + dir.string() + " -q --generations 5") == 3);
  fs::remove_all(dir);
}

TEST_CASE("ganglion run refuses a folder that holds files unless --force; resume of a finished run does nothing") {
  using namespace ganglion::testing;
  if (binary().empty() || !fs::exists(binary())) return;
  ScratchDir scratch("cmd-run-nonempty");
  const std::string dir = scratch / "run";
  const std::string args = "run configs/xor.yaml -q --set run.stop_when_solved=false --out '" + dir + "'";
  REQUIRE(run_ganglion(args + " --generations 3").exit_code == 3);
  const std::string stats = read_text(dir + "/stats.jsonl");
  auto r = run_ganglion(args + " --generations 4");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("the folder is not empty") != std::string::npos);
  CHECK(r.output.find("--force") != std::string::npos);
  CHECK(read_text(dir + "/stats.jsonl") == stats);
  r = run_ganglion(args + " --generations 4 --force");
  CHECK(r.exit_code == 3);
  // Twice: nothing to do, said even with -q, exit code of the finished run, folder unchanged.
  const std::string after = read_text(dir + "/stats.jsonl");
  CHECK(std::count(after.begin(), after.end(), '\n') == 4);
  for (int i = 0; i < 2; ++i) {
    r = run_ganglion("resume '" + dir + "' -q");
    CHECK(r.exit_code == 3);
    CHECK(r.output.find("nothing to do") != std::string::npos);
    CHECK(read_text(dir + "/stats.jsonl") == after);
  }
  // A name that would leave run.out_dir is refused where it is given.
  r = run_ganglion("run configs/xor.yaml -q --set name=../../escaped --set run.out_dir='" + (scratch / "runs") + "'");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("not a file name") != std::string::npos);
  CHECK(!fs::exists(scratch.path / "escaped"));
}

TEST_CASE("ganglion run and resume on one folder at once: one is refused, no line is lost") {
  using namespace ganglion::testing;
  if (binary().empty() || !fs::exists(binary())) return;
  ScratchDir scratch("cmd-run-race");
  const std::string dir = scratch / "run";
  const int generations = 60;
  for (int attempt = 0; attempt < 6; ++attempt) {
    CAPTURE(attempt);
    fs::remove_all(dir);  // so that a line in stats.jsonl is this attempt's run, which holds the folder by then
    const pid_t pid = spawn_quiet({binary(), "run", "configs/xor.yaml", "-q", "--force", "--out", dir, "--set",
                                   "run.stop_when_solved=false", "--set", "checkpoint.every=1", "--set", "backend=cpu",
                                   "--generations", std::to_string(generations)});
    REQUIRE(pid > 0);
    // Resume as soon as the run has begun (it has written a line), or a little later.
    for (int i = 0; i < 3000 && read_text(dir + "/stats.jsonl").empty(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt));
    const auto r = run_ganglion("resume '" + dir + "' -q");
    INFO(r.output);
    // Refused while the run holds the folder; once it has ended, there is nothing to do.
    const bool refused = r.exit_code == 1 && r.output.find("is in use by pid") != std::string::npos;
    const bool after_end = r.exit_code == 3 && r.output.find("nothing to do") != std::string::npos;
    CHECK((refused || after_end));
    int status = 0;
    ::waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 3);
    // Every generation's line, once, in order, each whole.
    std::istringstream lines(read_text(dir + "/stats.jsonl"));
    std::string line;
    int n = 0;
    while (std::getline(lines, line)) {
      CHECK(line.rfind("{\"generation\":" + std::to_string(n) + ",", 0) == 0);
      CHECK(line.back() == '}');
      ++n;
    }
    CHECK(n == generations);
  }
}

namespace {
// A config for the fixture plug-in's task (tests/plugin_fixture), its own keys appended to `task:`.
fs::path fixture_config(const fs::path& dir, const std::string& task_keys, uint32_t generations) {
  fs::create_directories(dir);
  const fs::path p = dir / "fixture.yaml";
  std::ofstream(p) << "name: fixture\npopulation_size: 20\nseed: 2\nrun: {generations: " << generations
                   << "}\ngenome: {num_inputs: 2, num_outputs: 1}\ncheckpoint: {every: 1}\ntask:\n  plugin: "
                   << GANGLION_FIXTURE_GOOD << "\n  name: fixture_sum\n  " << task_keys << "\n";
  return p;
}
size_t line_count(const fs::path& p) {
  std::ifstream in(p);
  return size_t(std::count(std::istreambuf_iterator<char>(in), {}, '\n'));
}
}  // namespace

TEST_CASE("ganglion run: a task whose every fitness is NaN stops with exit 4, naming task and generation") {
  if (binary().empty() || !fs::exists(binary())) {
    MESSAGE("skipped: GANGLION_BINARY is not set or not built");
    return;
  }
  const fs::path dir = temp_dir("all_nan");
  const fs::path config = fixture_config(dir, "invalid: all", 5);
  const auto r = ganglion::testing::run_ganglion("run " + config.string() + " -q --out " + (dir / "run").string());
  CHECK(r.exit_code == 4);
  CHECK(r.output.find("task 'fixture_sum' gave no valid fitness in generation 0: all 20 values were NaN") !=
        std::string::npos);
  CHECK(r.output.find("internal error") == std::string::npos);
  CHECK(line_count(dir / "run/stats.jsonl") == 0);
  CHECK(fs::exists(dir / "run/checkpoints/ckpt-0.gck"));  // generation 0, to be evaluated again

  // Some NaN values: the run goes on and stats.jsonl counts them (the odd-numbered half).
  const fs::path some = fixture_config(dir / "some", "invalid: odd", 3);
  CHECK(run("run " + some.string() + " -q --out " + (dir / "some/run").string()) == 3);
  std::ifstream stats(dir / "some/run/stats.jsonl");
  std::string line;
  int lines = 0;
  while (std::getline(stats, line)) {
    CHECK(line.find("\"invalid_fitness\":10,") != std::string::npos);
    ++lines;
  }
  CHECK(lines == 3);
  fs::remove_all(dir);
}

TEST_CASE("ganglion run: a task that throws names the task and the generation; the last checkpoint stays") {
  if (binary().empty() || !fs::exists(binary())) {
    MESSAGE("skipped: GANGLION_BINARY is not set or not built");
    return;
  }
  const fs::path dir = temp_dir("throws");
  const fs::path config = fixture_config(dir, "throw_in: 2", 6);
  const auto r = ganglion::testing::run_ganglion("run " + config.string() + " -q --out " + (dir / "run").string());
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("task 'fixture_sum' failed in generation 2: the fixture's simulator broke (throw_in: 2)") !=
        std::string::npos);
  CHECK(r.output.find("internal error") == std::string::npos);
  CHECK(line_count(dir / "run/stats.jsonl") == 2);
  CHECK(fs::exists(dir / "run/checkpoints/ckpt-2.gck"));
  CHECK(!fs::exists(dir / "run/checkpoints/ckpt-3.gck"));
  // The checkpoint resumes at the generation that failed (here failing again the same way).
  const auto again = ganglion::testing::run_ganglion("resume " + (dir / "run").string() + " -q --trust-plugin");
  CHECK(again.exit_code == 1);
  CHECK(again.output.find("failed in generation 2") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("ganglion run --report: a page that reloads itself while the run goes on, a final one at the end") {
  if (binary().empty() || !fs::exists(binary())) {
    MESSAGE("skipped: GANGLION_BINARY is not set or not built");
    return;
  }
  using namespace ganglion::testing;
  const fs::path dir = temp_dir("live_report");
  const pid_t pid = spawn_quiet({binary(), "run", "configs/xor.yaml", "-q", "--out", dir.string(), "--report",
                                 "--report-seconds", "0.05", "--generations", "150", "--set", "run.stop_when_solved=false",
                                 "--set", "population_size=1500"});
  REQUIRE(pid > 0);
  bool saw_live = false;
  int status = 0;
  // Polled until the run ends: under the sanitizers on a 2-core machine it takes minutes, so the
  // only limit is a generous deadline, past which the run is killed and the test fails.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(15);
  pid_t done = 0;
  while ((done = ::waitpid(pid, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < deadline) {
    if (!saw_live && fs::exists(dir / "report.html"))
      saw_live = read_text(dir / "report.html").find("id=\"live\"") != std::string::npos;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (done == 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    FAIL("the run did not end within 15 minutes");
  }
  REQUIRE(done == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);
  CHECK(saw_live);
  const std::string final_page = read_text(dir / "report.html");
  CHECK(final_page.find("id=\"live\"") == std::string::npos);
  CHECK(final_page.find("\"refresh_seconds\":0.0") != std::string::npos);
  CHECK(final_page.find("<td>stop reason</td><td>generation limit reached after 150 generation(s)</td>") !=
        std::string::npos);
  fs::remove_all(dir);
}
