// Same seed, same run: every shipped config (configs/*.yaml) on the CPU backend with seeds 1-3
// must give the run folder recorded in tests/data/reference_runs (by
// scripts/record_reference_runs.sh): best_genome.json byte for byte, config.yaml byte for byte
// apart from the run's id and the source folder in paths, stats.jsonl apart from its time_ fields. A change that alters results on purpose re-records the
// references in the same commit and says why.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/cli_runner.hpp"
#include "tests/run_files.hpp"

namespace fs = std::filesystem;
using namespace ganglion::testing;

namespace {

// The first line where two texts differ, for the failure message.
std::string first_difference(const std::string& want, const std::string& got) {
  size_t line = 1, start = 0;
  for (size_t i = 0; i < want.size() && i < got.size(); ++i) {
    if (want[i] != got[i]) {
      const size_t we = want.find('\n', start), ge = got.find('\n', start);
      return "line " + std::to_string(line) + ":\n  want: " + want.substr(start, std::min<size_t>(we - start, 300)) +
             "\n  got:  " + got.substr(start, std::min<size_t>(ge - start, 300));
    }
    if (want[i] == '\n') {
      ++line;
      start = i + 1;
    }
  }
  return "lengths " + std::to_string(want.size()) + " (want) and " + std::to_string(got.size()) + " (got)";
}

}  // namespace

TEST_CASE("shipped configs on the CPU give the recorded run folders (seeds 1-3)") {
  if (ganglion_binary().empty() || !fs::exists(ganglion_binary())) {
    MESSAGE("skipped: GANGLION_BINARY is not set or not built");
    return;
  }
  const fs::path refs = fs::path(source_dir()) / "tests/data/reference_runs";
  std::vector<fs::path> configs;
  for (const auto& e : fs::directory_iterator(fs::path(source_dir()) / "configs"))
    if (e.path().extension() == ".yaml") configs.push_back(e.path());
  REQUIRE(!configs.empty());
  for (const auto& config : configs) {
    for (int seed = 1; seed <= 3; ++seed) {
      const std::string name = config.stem().string() + "-seed" + std::to_string(seed);
      CAPTURE(name);
      const fs::path want = refs / name;
      REQUIRE_MESSAGE(fs::exists(want / "best_genome.json"),
                      "no reference for " << name << ": record it with scripts/record_reference_runs.sh");
      ScratchDir scratch("reference-" + name);
      const fs::path out = scratch.path / "run";
      const auto r = run_ganglion("run '" + config.string() + "' --seed " + std::to_string(seed) +
                                  " --set backend=cpu -q --out '" + out.string() + "'");
      INFO(r.output);
      REQUIRE((r.exit_code == 0 || r.exit_code == 3));
      const std::string best_want = read_text(want / "best_genome.json"), best_got = read_text(out / "best_genome.json");
      CHECK_MESSAGE(best_want == best_got, "best_genome.json " << first_difference(best_want, best_got));
      const std::string cfg_want = read_text(want / "config.yaml");
      const std::string cfg_got = normalise_config_yaml(read_text(out / "config.yaml"), source_dir());
      CHECK_MESSAGE(cfg_want == cfg_got, "config.yaml " << first_difference(cfg_want, cfg_got));
      const std::string stats_want = read_text(want / "stats.jsonl");
      const std::string stats_got = strip_time_fields(read_text(out / "stats.jsonl"));
      CHECK_MESSAGE(stats_want == stats_got, "stats.jsonl " << first_difference(stats_want, stats_got));
    }
  }
}
