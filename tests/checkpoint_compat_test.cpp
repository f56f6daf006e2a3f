// Checkpoints written by an older build (format version 1, tests/data/checkpoint_v1/README.md)
// still load, and resuming them gives exactly the uninterrupted run that build made:
// best_genome.json byte for byte, stats.jsonl apart from its time_ fields.
#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/cli_runner.hpp"
#include "tests/run_files.hpp"

namespace fs = std::filesystem;
using namespace ganglion::testing;

namespace {

std::string strip_metric_fields(const std::string& text) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    auto j = nlohmann::ordered_json::parse(line);
    j.erase("best_loss");
    j.erase("best_accuracy");
    out += j.dump() + "\n";
  }
  return out;
}

void check_resume(const std::string& folder, const std::string& checkpoint, int generations) {
  const fs::path data = fs::path(source_dir()) / "tests/data/checkpoint_v1" / folder;
  CAPTURE(folder);
  CAPTURE(checkpoint);
  ScratchDir scratch("compat-" + folder);
  // The checkpoint is copied so that the resumed run writes nothing into the test data.
  const fs::path run = scratch.path / "run";
  fs::create_directories(run / "checkpoints");
  fs::copy_file(data / checkpoint, run / "checkpoints" / checkpoint);
  const auto r = run_ganglion("resume '" + (run / "checkpoints" / checkpoint).string() + "' --generations " +
                              std::to_string(generations) + " -q");
  INFO(r.output);
  REQUIRE((r.exit_code == 0 || r.exit_code == 3));
  CHECK(read_text(run / "best_genome.json") == read_text(data / "best_genome.json"));
  // The generations run after the resume also carry best_loss and best_accuracy, which the
  // recorded lines predate; everything else is the same.
  CHECK(strip_metric_fields(strip_time_fields(read_text(run / "stats.jsonl"))) == read_text(data / "stats.jsonl"));
}

}  // namespace

TEST_CASE("format-1 checkpoints load and resume exactly") {
  if (ganglion_binary().empty() || !fs::exists(ganglion_binary())) {
    MESSAGE("skipped: GANGLION_BINARY is not set or not built");
    return;
  }
  SUBCASE("inspect reads the version") {
    const auto r = run_ganglion("inspect '" + source_dir() + "/tests/data/checkpoint_v1/xor-seed5/ckpt-2.gck'");
    INFO(r.output);
    CHECK(r.exit_code == 0);
    CHECK(r.output.find("version 1") != std::string::npos);
  }
  SUBCASE("mid-run checkpoint") { check_resume("xor-seed5", "ckpt-2.gck", 12); }
  SUBCASE("final checkpoint (reproduces first)") { check_resume("xor-seed5", "ckpt-4.gck", 12); }
  SUBCASE("task state (double_pole_nv's tested genomes)") { check_resume("double_pole_nv-seed2", "ckpt-2.gck", 6); }
}
