// `ganglion experiment` as a user runs it: one run folder per seed under --out, the published
// figures of experiments/xor/published.yaml beside Ganglion's, a bad figures file named with
// its line and the key it does not know, and exit 4 with the message when a seed's run stopped
// for a generation without valid fitness.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/cli_runner.hpp"

using namespace ganglion::testing;
namespace fs = std::filesystem;

TEST_CASE("ganglion experiment: a run folder per seed and the published columns") {
  if (ganglion_binary().empty()) {
    MESSAGE("GANGLION_BINARY not set: run through ctest");
    return;
  }
  ScratchDir dir("cmd-experiment");
  const std::string xor_config = "'" + source_dir() + "/configs/xor.yaml'";
  const std::string args = " --runs 2 --first-seed 3 --set population_size=50 --set run.generations=3 --set backend=cpu";
  auto r = run_ganglion("experiment xor --config " + xor_config + args + " --out '" + (dir / "exp") + "'");
  INFO(r.output);
  CHECK((r.exit_code == 0 || r.exit_code == 3));
  CHECK(r.output.find("| xor (population 50, seeds 3..4) | Ganglion | NEAT paper (2002) |") != std::string::npos);
  CHECK(r.output.find("| 4,755 (sd 2,553) | > 10,000 |") != std::string::npos);
  for (const char* seed : {"seed-3", "seed-4"})
    for (const char* file : {"config.yaml", "stats.jsonl", "best_genome.json", "checkpoints"})
      CHECK_MESSAGE(fs::exists(dir.path / "exp" / seed / file), seed, "/", file);
  CHECK(!fs::exists(dir.path / "exp" / "seed-5"));

  {
    std::ofstream bad(dir / "published.yaml");
    bad << "- column: somebody\n  generations_men: \"1\"\n";
  }
  r = run_ganglion("experiment xor --config " + xor_config + args + " --out '" + (dir / "exp2") + "' --published '" +
                   (dir / "published.yaml") + "'");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("published.yaml:1: unknown figure 'generations_men' (did you mean 'generations_mean'?)") !=
        std::string::npos);
  CHECK(!fs::exists(dir.path / "exp2"));  // the figures are read before any run starts
}

TEST_CASE("ganglion experiment: a seed stopped for no valid fitness is named, exit 4") {
  if (ganglion_binary().empty()) {
    MESSAGE("GANGLION_BINARY not set: run through ctest");
    return;
  }
  ScratchDir dir("cmd-experiment-nan");
  std::ofstream(dir / "fixture.yaml") << "name: fixture\npopulation_size: 20\nrun: {generations: 3}\n"
                                         "genome: {num_inputs: 2, num_outputs: 1}\ntask: {plugin: '"
                                      << GANGLION_FIXTURE_GOOD << "', name: fixture_sum, invalid: all}\n";
  const auto r = run_ganglion("experiment --config '" + (dir / "fixture.yaml") + "' --runs 2 --set backend=cpu " +
                              "--out '" + (dir / "exp") + "'");
  INFO(r.output);
  CHECK(r.exit_code == 4);
  CHECK(r.output.find("seed 1: task 'fixture_sum' gave no valid fitness in generation 0: all 20 values") !=
        std::string::npos);
  CHECK(r.output.find("seed 2: task 'fixture_sum' gave no valid fitness in generation 0") != std::string::npos);
  CHECK(fs::exists(dir.path / "exp" / "seed-1" / "checkpoints" / "ckpt-0.gck"));
}
