// Resume on the GPU: a run to 20 generations on the CUDA backend, and the same run stopped at 10
// and resumed to 20, give the same stats.jsonl (apart from time_ fields) and byte-identical
// best_genome.json and config.yaml. Also: a checkpoint written by a CUDA run resumes on the CUDA
// backend from a mid-run checkpoint. Skips (exit 77) without a device.
#include <doctest/doctest.h>

#include "tests/gpu/require_device.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "gpu/backend.hpp"
#include "tests/cli_runner.hpp"
#include "tests/run_files.hpp"

using namespace ganglion;
using namespace ganglion::testing;
namespace fs = std::filesystem;

namespace {

const std::string kArgs =
    " --set population_size=150 --set run.stop_when_solved=false --set backend=cuda"
    " --set checkpoint.every=5 --set checkpoint.keep=10 -q";

}  // namespace

TEST_CASE("resume on the CUDA backend reproduces the uninterrupted run") {
  REQUIRE(kHaveDevice);
  REQUIRE_FALSE(ganglion_binary().empty());
  ScratchDir dir("ckpt-gpu");
  const std::string cfg = "'" + source_dir() + "/configs/xor.yaml'";
  const std::string full = dir / "full", part = dir / "part", mid = dir / "mid";

  auto r = run_ganglion("run " + cfg + kArgs + " --generations 20 --out '" + full + "'");
  INFO(r.output);
  REQUIRE(r.exit_code == 3);
  r = run_ganglion("run " + cfg + kArgs + " --generations 10 --out '" + part + "'");
  REQUIRE(r.exit_code == 3);
  r = run_ganglion("resume '" + part + "' --generations 20 -q");
  REQUIRE(r.exit_code == 3);

  const std::string expected = stats_without_times(full + "/stats.jsonl");
  CHECK(expected.size() > 0);
  CHECK(expected == stats_without_times(part + "/stats.jsonl"));
  CHECK(read_text(full + "/best_genome.json") == read_text(part + "/best_genome.json"));
  // The same config; the run ids differ, as part is a run of its own resumed to full's length.
  CHECK(normalise_config_yaml(read_text(full + "/config.yaml"), "") ==
        normalise_config_yaml(read_text(part + "/config.yaml"), ""));

  fs::create_directories(mid + "/checkpoints");
  fs::copy_file(full + "/checkpoints/ckpt-10.gck", mid + "/checkpoints/ckpt-10.gck");
  r = run_ganglion("resume '" + mid + "' -q");
  REQUIRE(r.exit_code == 3);
  CHECK(expected == stats_without_times(mid + "/stats.jsonl"));
  CHECK(read_text(full + "/best_genome.json") == read_text(mid + "/best_genome.json"));
}
