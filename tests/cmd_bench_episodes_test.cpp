// `ganglion bench episodes` as a user calls it: a small cart-pole run on the cpu path prints both
// tables and exits 0; CUDA paths are skipped with a message where there is no device; bad option
// values are refused with a message naming the option and what is valid.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "gpu/backend.hpp"
#include "tests/cli_runner.hpp"

using ganglion::testing::ganglion_binary;
using ganglion::testing::run_ganglion;
using ganglion::testing::source_dir;

namespace {
bool have_binary() { return !ganglion_binary().empty() && std::filesystem::exists(ganglion_binary()); }
std::string config_arg() { return "--config '" + source_dir() + "/configs/cartpole.yaml'"; }
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("bench episodes: a small cpu run prints the tables and exits 0") {
  if (!have_binary()) {
    MESSAGE("skipped: GANGLION_BINARY is not set or not built");
    return;
  }
  const auto r = run_ganglion("bench episodes --population 200 --steps 50 --generations 2 --paths cpu " + config_arg());
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(contains(r.output, "| path | generation | runner | mean episode steps | max episode steps | evaluate ms | rest ms | total ms |"));
  // One warm-up generation, then generations 1 and 2, all on the cpu path.
  CHECK(contains(r.output, "| cpu | 0 (warm-up) | per-step |"));
  CHECK(contains(r.output, "| cpu | 1 | per-step |"));
  CHECK(contains(r.output, "| cpu | 2 | per-step |"));
  CHECK(!contains(r.output, "| cpu | 3 |"));
  CHECK(contains(r.output, "| path | evaluator | ms per generation (mean) |"));
  CHECK(contains(r.output, "TensorNEAT (baseline: TensorNEAT, H100, issue 5)"));
  CHECK(contains(r.output, "fitness across paths: only one path ran"));
}

TEST_CASE("bench episodes: CUDA paths without a device are skipped, and the command succeeds") {
  if (!have_binary()) {
    MESSAGE("skipped: GANGLION_BINARY is not set or not built");
    return;
  }
  if (ganglion::cuda_available()) {
    MESSAGE("skipped: a CUDA device is present, so the CUDA paths run instead");
    return;
  }
  const auto r = run_ganglion("bench episodes --population 50 --steps 20 --generations 1 --warmup 0 "
                              "--paths cpu,cuda-per-step,cuda-fused " + config_arg());
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(contains(r.output, "| cuda per-step | skipped: no CUDA device |"));
  CHECK(contains(r.output, "| cuda fused | skipped: no CUDA device |"));
  CHECK(contains(r.output, "| cpu | 0 | per-step |"));
}

TEST_CASE("bench episodes: bad option values are refused with a clear message") {
  if (!have_binary()) {
    MESSAGE("skipped: GANGLION_BINARY is not set or not built");
    return;
  }
  auto r = run_ganglion("bench episodes --population 0 --paths cpu " + config_arg());
  INFO(r.output);
  CHECK(r.exit_code != 0);
  CHECK(contains(r.output, "--population must be an integer in [2, 100000000], got 0"));

  r = run_ganglion("bench episodes --population 200 --steps 10 --paths cpu,gpu " + config_arg());
  INFO(r.output);
  CHECK(r.exit_code != 0);
  CHECK(contains(r.output, "--paths: 'gpu' is not a path; use cpu, cuda-per-step or cuda-fused"));

  r = run_ganglion("bench episodes --generations many " + config_arg());
  INFO(r.output);
  CHECK(r.exit_code != 0);
  CHECK(contains(r.output, "--generations"));

  // A task that is not a control task has no episodes.
  r = run_ganglion("bench episodes --population 20 --paths cpu --config '" + source_dir() + "/configs/xor.yaml'");
  INFO(r.output);
  CHECK(r.exit_code != 0);
  CHECK(contains(r.output, "task 'xor' is not a control task"));
}
