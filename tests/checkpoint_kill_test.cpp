// Kill safety: `ganglion run` (then `ganglion resume`) writes a checkpoint every generation and is
// killed with SIGKILL at random moments, over and over, for about ten seconds. After every kill
// the newest checkpoint must load, temp files left by a kill must never be taken for checkpoints,
// and the run must resume from what is there.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "core/checkpoint_io.hpp"
#include "evolution/checkpoint.hpp"
#include "tests/cli_runner.hpp"

using namespace ganglion;
using namespace ganglion::testing;
namespace fs = std::filesystem;

namespace {

uint64_t test_seed() {
  const char* env = std::getenv("GANGLION_TEST_SEED");
  return env ? std::strtoull(env, nullptr, 10) : (uint64_t(std::random_device{}()) << 32 | std::random_device{}());
}

}  // namespace

TEST_CASE("SIGKILL at random moments never leaves an unloadable newest checkpoint") {
  if (ganglion_binary().empty()) {
    MESSAGE("GANGLION_BINARY not set: run through ctest");
    return;
  }
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed << " (GANGLION_TEST_SEED replays it)");
  std::mt19937_64 rng(seed);
  ScratchDir dir("ckpt-kill");
  const std::string run_dir = dir / "run";
  const std::string ckpt_dir = run_dir + "/checkpoints";

  // Population 300 makes each checkpoint big enough (tens of KB) that kills land inside writes too.
  const std::vector<std::string> run_args = {
      ganglion_binary(), "run", source_dir() + "/configs/xor.yaml", "--out", run_dir, "-q",
      "--set", "population_size=300", "--set", "run.stop_when_solved=false", "--set", "backend=cpu",
      "--set", "checkpoint.every=1", "--set", "checkpoint.keep=3", "--generations", "1000000"};
  const std::vector<std::string> resume_args = {ganglion_binary(), "resume", run_dir, "-q"};

  const auto start = std::chrono::steady_clock::now();
  int kills = 0, loaded = 0, temp_seen = 0, resumes = 0;
  uint32_t last_generation = 0;
  while (std::chrono::steady_clock::now() - start < std::chrono::seconds(10)) {
    const bool have = !list_checkpoints(ckpt_dir).empty();
    if (have) ++resumes;
    pid_t pid = spawn_quiet(have ? resume_args : run_args);
    REQUIRE(pid > 0);
    // Most of the time let it get going (process start, a generation or two), sometimes kill at once.
    std::uniform_int_distribution<int> wait_ms(0, 400);
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 4 == 0 ? int(rng() % 20) : wait_ms(rng)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) ++kills;
    else {
      INFO("the program exited by itself with code " << WEXITSTATUS(status) << " before the kill");
      CHECK(WIFEXITED(status));
    }

    // Temp files of a killed writer may be there; they must never count as checkpoints.
    std::error_code ec;
    if (fs::is_directory(ckpt_dir, ec))
      for (const auto& e : fs::directory_iterator(ckpt_dir)) {
        const std::string name = e.path().filename().string();
        if (name.find(".tmp-") != std::string::npos) ++temp_seen;
      }
    auto files = list_checkpoints(ckpt_dir);
    for (const auto& f : files) CHECK(fs::path(f.path).filename().string().find(".tmp") == std::string::npos);
    CHECK(files.size() <= 4);  // keep 3, plus at most the one written as the kill came
    if (files.empty()) continue;
    // The newest checkpoint always loads, and the run only moves forwards.
    INFO("newest " << files.back().path);
    Checkpoint c = load_checkpoint(files.back().path);
    ++loaded;
    CHECK(c.completed_generations() == files.back().generation);
    CHECK(c.completed_generations() >= last_generation);
    last_generation = c.completed_generations();
    CHECK(c.state.history.size() == c.completed_generations());
    CHECK(find_checkpoint(run_dir) == files.back().path);
  }
  MESSAGE(kills << " kills, " << resumes << " resumes, newest checkpoint loaded " << loaded << " times, temp files seen "
                << temp_seen << " times, reached generation " << last_generation);
  CHECK(kills > 5);
  CHECK(loaded > 0);
  CHECK(last_generation > 0);
}
