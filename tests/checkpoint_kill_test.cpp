// Kill safety: `ganglion run` (then `ganglion resume`) writes a checkpoint every generation and is
// killed with SIGKILL at random moments, over and over, for about ten seconds. After every kill
// the newest checkpoint must load, temp files left by a kill must never be taken for checkpoints,
// and the run must resume from what is there. And every shipped config with its default
// checkpoint settings, killed once at a random moment, resumes to the uninterrupted run's files.
#include <doctest/doctest.h>

#include <algorithm>
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

#include "core/io/checkpoint_io.hpp"
#include "evolution/checkpoint.hpp"
#include "tests/cli_runner.hpp"
#include "tests/run_files.hpp"

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
      ganglion_binary(), "run", source_dir() + "/configs/xor.yaml", "--out", run_dir, "-q", "--force",
      "--set", "population_size=300", "--set", "run.stop_when_solved=false", "--set", "backend=cpu",
      "--set", "checkpoint.every=1", "--set", "checkpoint.keep=3", "--generations", "1000000"};
  const std::vector<std::string> resume_args = {ganglion_binary(), "resume", run_dir, "-q"};

  auto newest = [&]() -> int64_t {
    auto files = list_checkpoints(ckpt_dir);
    return files.empty() ? -1 : static_cast<int64_t>(files.back().generation);
  };
  // Waits until a checkpoint newer than `than` appears (or the time is up).
  auto wait_for_newer = [&](int64_t than, std::chrono::seconds limit) {
    const auto t0 = std::chrono::steady_clock::now();
    while (newest() <= than && std::chrono::steady_clock::now() - t0 < limit)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
  };

  const auto start = std::chrono::steady_clock::now();
  int kills = 0, loaded = 0, temp_seen = 0, resumes = 0, iterations = 0;
  uint32_t last_generation = 0;
  while (std::chrono::steady_clock::now() - start < std::chrono::seconds(10) || iterations < 4) {
    ++iterations;
    const int64_t before = newest();
    const bool have = before >= 0;
    if (have) ++resumes;
    pid_t pid = spawn_quiet(have ? resume_args : run_args);
    REQUIRE(pid > 0);
    // Half the time: kill just after a new checkpoint lands (the next write is then near); else at
    // a random moment, which may be before the program even got going. The first launch always
    // waits for a checkpoint, however slowly the program starts (sanitizer builds).
    if (!have || rng() % 2 == 0) {
      wait_for_newer(before, std::chrono::seconds(have ? 20 : 60));
      std::this_thread::sleep_for(std::chrono::milliseconds(int(rng() % 30)));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(int(rng() % 400)));
    }
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
    // (More than 3 files can be there: each kill between a rename and the rotation after it leaves
    // one extra; the next rotation removes them, checked at the end.)
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
  MESSAGE(iterations << " launches, " << kills << " kills, " << resumes << " resumes, newest checkpoint loaded " << loaded << " times, temp files seen "
                << temp_seen << " times, reached generation " << last_generation);
  CHECK(kills >= 3);

  // A clean finish: rotation leaves exactly `keep` checkpoints and no temp file of the killed runs.
  auto r = run_ganglion("resume '" + run_dir + "' --generations " + std::to_string(last_generation + 3) + " -q");
  INFO(r.output);
  CHECK(r.exit_code == 3);
  CHECK(list_checkpoints(ckpt_dir).size() == 3);
  size_t temps = 0;
  for (const auto& e : fs::directory_iterator(ckpt_dir))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) ++temps;
  CHECK(temps == 0);
  CHECK(loaded > 0);
  CHECK(last_generation > 0);
}

TEST_CASE("every shipped config with its default checkpoints, killed at a random moment, resumes to the same run") {
  if (ganglion_binary().empty()) {
    MESSAGE("GANGLION_BINARY not set: run through ctest");
    return;
  }
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed << " (GANGLION_TEST_SEED replays it)");
  std::mt19937_64 rng(seed);
  ScratchDir dir("ckpt-kill-configs");
  std::vector<fs::path> configs;
  for (const auto& e : fs::directory_iterator(fs::path(source_dir()) / "configs"))
    if (e.path().extension() == ".yaml") configs.push_back(e.path());
  std::sort(configs.begin(), configs.end());
  REQUIRE(!configs.empty());
  for (const auto& config : configs) {
    const std::string name = config.stem().string();
    CAPTURE(name);
    const std::string full = dir / (name + "-full"), cut = dir / (name + "-cut");
    // Only the backend and the length are set: checkpoints are the config's and the defaults'.
    auto args = [&](const std::string& out) {
      return std::vector<std::string>{ganglion_binary(), "run", config.string(), "-q", "--set", "backend=cpu",
                                      "--generations", "12", "--out", out};
    };
    const auto t0 = std::chrono::steady_clock::now();
    int status = 0;
    pid_t pid = spawn_quiet(args(full));
    ::waitpid(pid, &status, 0);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
    REQUIRE(WIFEXITED(status));
    REQUIRE((WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 3));

    pid = spawn_quiet(args(cut));
    const auto wait = std::chrono::milliseconds(int64_t(rng() % uint64_t(took.count() + 1)));
    std::this_thread::sleep_for(wait);
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    INFO("killed after " << wait.count() << " ms of " << took.count() << " ms");
    if (list_checkpoints(cut + "/checkpoints").empty()) {
      // Killed before the run's first checkpoint: it had evaluated nothing, so nothing is lost.
      CHECK(read_text(cut + "/stats.jsonl").empty());
      auto again = args(cut);
      again.push_back("--force");
      pid = spawn_quiet(again);
      ::waitpid(pid, &status, 0);
      CHECK(WIFEXITED(status));
      CHECK((WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 3));
    } else {
      const auto r = run_ganglion("resume '" + cut + "' -q");
      INFO(r.output);
      CHECK((r.exit_code == 0 || r.exit_code == 3));
    }
    CHECK(stats_without_times(full + "/stats.jsonl") == stats_without_times(cut + "/stats.jsonl"));
    CHECK(read_text(full + "/best_genome.json") == read_text(cut + "/best_genome.json"));
    CHECK(!read_text(cut + "/best_genome.json").empty());
  }
}
