// `mpirun -np K ganglion run|resume` in shard mode (distributed/shard_evaluation.hpp): the run
// folder is the one-process run's for any K (stats.jsonl apart from time_ fields, best_genome.json
// byte for byte), a checkpoint of K ranks resumes with any other number, and a failing or killed
// rank ends the job with a message naming it, leaving a checkpoint that resumes.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <unistd.h>

#include "tests/cli_runner.hpp"
#include "tests/distributed/mpi_runner.hpp"
#include "tests/run_files.hpp"

using namespace ganglion::testing;
namespace fs = std::filesystem;

namespace {

// A short XOR run and a short cart-pole run whose networks draw start states of their own
// (same_starts false: each network's streams depend on its population index).
const char* kXor = "configs/xor.yaml --seed 2 --generations 8 --set population_size=60 -q";
const std::string kCartpoleAnyLength =
    "configs/cartpole.yaml --seed 3 --set population_size=40 --set task.max_steps=60 --set task.episodes=2 "
    "--set task.same_starts=false --set run.stop_when_solved=false -q";
const std::string kCartpole = kCartpoleAnyLength + " --generations 5";

void same_run(const fs::path& a, const fs::path& b) {
  INFO(a.string() << " vs " << b.string());
  CHECK(fs::exists(b / "stats.jsonl"));
  CHECK(stats_without_times((a / "stats.jsonl").string()) == stats_without_times((b / "stats.jsonl").string()));
  CHECK(read_text(a / "best_genome.json") == read_text(b / "best_genome.json"));
  CHECK(normalise_config_yaml(read_text(a / "config.yaml"), "") ==
        normalise_config_yaml(read_text(b / "config.yaml"), ""));
}

// Exit codes of a finished run: 0 solved, 3 generation limit.
bool finished(const CommandResult& r) { return r.exit_code == 0 || r.exit_code == 3; }

}  // namespace

TEST_CASE("shard mode: 2 and 3 ranks give the one-process run, XOR and cart-pole") {
  if (ganglion_binary().empty()) return;
  ScratchDir dir("mpi_shard");
  for (const std::string& config : {std::string(kXor), kCartpole}) {
    const fs::path one = dir.path / "one";
    fs::remove_all(one);
    const auto r1 = run_ganglion(std::string("run ") + config + " --out " + one.string());
    INFO(r1.output);
    REQUIRE(finished(r1));
    for (int k : {2, 3}) {
      const fs::path many = dir.path / ("np" + std::to_string(k));
      fs::remove_all(many);
      const auto rk = run_shell(mpirun(k) + ganglion_cmd() + "run " + config + " --out " + many.string());
      INFO(rk.output);
      CHECK(rk.exit_code == r1.exit_code);
      same_run(one, many);
    }
  }
}

TEST_CASE("shard mode: a 2-rank checkpoint resumes with 3 ranks and with one process") {
  if (ganglion_binary().empty()) return;
  ScratchDir dir("mpi_resume");
  const std::string config = kCartpoleAnyLength + " --set checkpoint.every=1";
  const fs::path whole = dir.path / "whole";
  const auto rw = run_ganglion("run " + config + " --generations 8 --out " + whole.string());
  INFO(rw.output);
  REQUIRE(finished(rw));
  for (const std::string& again : {mpirun(3) + ganglion_cmd(), ganglion_cmd()}) {
    const fs::path part = dir.path / "part";
    fs::remove_all(part);
    const auto rp = run_shell(mpirun(2) + ganglion_cmd() + "run " + config + " --generations 4 --out " + part.string());
    INFO(rp.output);
    REQUIRE(finished(rp));
    const auto rr = run_shell(again + "resume " + part.string() + " --generations 8 -q");
    INFO(rr.output);
    CHECK(rr.exit_code == rw.exit_code);
    CHECK(stats_without_times((whole / "stats.jsonl").string()) ==
          stats_without_times((part / "stats.jsonl").string()));
    CHECK(read_text(whole / "best_genome.json") == read_text(part / "best_genome.json"));
  }
}

TEST_CASE("shard mode: ranks given different configs are refused, naming both values") {
  if (ganglion_binary().empty()) return;
  ScratchDir dir("mpi_config");
  const std::string out = (dir.path / "run").string();
  // MPMD: rank 0 and rank 1 run the same command with one value changed.
  const auto r = run_shell(mpirun(1) + ganglion_cmd() + "run " + kXor + " --out " + out + " : -np 1 " + ganglion_cmd() +
                           "run " + kXor + " --set population_size=61 --out " + out);
  INFO(r.output);
  CHECK(r.exit_code != 0);
  CHECK(r.output.find("rank 1's config differs from rank 0's") != std::string::npos);
  CHECK(r.output.find("population_size: 60") != std::string::npos);
  CHECK(r.output.find("population_size: 61") != std::string::npos);
  CHECK(r.output.find("rank 1 of 2: ") != std::string::npos);  // the rank that failed, and why
  CHECK(r.output.find("ending the MPI job") != std::string::npos);
  CHECK(!fs::exists(fs::path(out) / "stats.jsonl"));
}

TEST_CASE("under MPI, commands other than run and resume are refused") {
  if (ganglion_binary().empty()) return;
  const auto r = run_shell(mpirun(2) + ganglion_cmd() + "config configs/xor.yaml");
  INFO(r.output);
  CHECK(r.exit_code != 0);
  CHECK(r.output.find("`ganglion config` runs as one process") != std::string::npos);
}

TEST_CASE("shard mode: a killed rank ends the job, and the run resumes from the newest checkpoint") {
  if (ganglion_binary().empty()) return;
  ScratchDir dir("mpi_kill");
  const fs::path run = dir.path / "run";
  // Every checkpoint kept, so that the one the killer waits for stays; a limit the run never reaches.
  const std::string config = kCartpoleAnyLength + " --set checkpoint.every=1 --set checkpoint.keep=100000";
  const std::string forever = config + " --generations 1000000 --out " + run.string();
  // Rank 1 is a shell that starts its ganglion and kills it (SIGKILL), then itself, once rank 0
  // has written the checkpoint after generation 3.
  const std::string killer = killing_rank(forever, run / "checkpoints" / "ckpt-3.gck");
  const auto r = run_shell(mpirun(1) + ganglion_cmd() + "run " + forever + " : -np 1 " + killer);
  INFO(r.output);
  CHECK(r.exit_code != 0);
  CHECK(r.exit_code != 3);
  CHECK(r.output.find("rank 1") != std::string::npos);  // mpirun names the rank that died
  REQUIRE(fs::exists(run / "checkpoints" / "ckpt-3.gck"));
  // The newest checkpoint resumes; a run to a few generations past it is the uninterrupted run.
  const std::string limit = " --generations " + std::to_string(newest_checkpoint(run / "checkpoints") + 3);
  const auto rr = run_shell(ganglion_cmd() + "resume " + run.string() + limit + " -q");
  INFO(rr.output);
  CHECK(rr.exit_code == 3);
  const fs::path whole = dir.path / "whole";
  const auto rw = run_ganglion("run " + config + limit + " --out " + whole.string());
  CHECK(rw.exit_code == 3);
  CHECK(stats_without_times((whole / "stats.jsonl").string()) == stats_without_times((run / "stats.jsonl").string()));
  CHECK(read_text(whole / "best_genome.json") == read_text(run / "best_genome.json"));
}
