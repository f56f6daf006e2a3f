// `ganglion experiment` as a user runs it: one run folder per seed under --out, the published
// figures of experiments/xor/published.yaml beside Ganglion's, and a bad figures file named with
// its line and the key it does not know.
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
