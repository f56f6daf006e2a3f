// `ganglion eval` as a user runs it: the config beside best_genome.json, a data task's summary
// and outputs CSV, a control task's episodes CSV, the double pole's generalisation beside the
// published figures, and bad input that exits 1 naming the file.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/genome/genome.hpp"
#include "tests/cli_runner.hpp"
#include "tests/task_networks.hpp"

using namespace ganglion;
using namespace ganglion::testing;
namespace fs = std::filesystem;

namespace {

// A run folder as far as eval cares: a genome and the config it was evolved with.
void make_folder(const ScratchDir& dir, const std::string& config, const Genome& g) {
  fs::copy_file(source_dir() + "/configs/" + config, dir / "config.yaml");
  save_genome(g, dir / "best_genome.json");
}

size_t lines(const std::string& s) { return size_t(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST_CASE("eval of a data task: the config beside the genome, loss, accuracy and the outputs as CSV") {
  if (ganglion_binary().empty()) return;
  ScratchDir dir("eval-data");
  make_folder(dir, "xor.yaml", linear_genome(4, 2, {{1.5f, -0.5f, 0.25f}}, Activation::NeatSigmoid));
  auto r = run_ganglion("eval '" + (dir / "best_genome.json") + "' --out '" + (dir / "out.csv") + "'");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("genome 4 on task 'xor'") != std::string::npos);
  CHECK(r.output.find("loss       mae") != std::string::npos);
  CHECK(r.output.find("accuracy   0.") != std::string::npos);
  const std::string csv = read_text(dir / "out.csv");
  CHECK(csv.rfind("input_1,input_2,target_1,output_1\n", 0) == 0);
  CHECK(lines(csv) == 5);

  const std::string to_stdout = "'" + ganglion_binary() + "' eval '" + (dir / "best_genome.json") + "' --out -";
  r = run_shell("(" + to_stdout + " 2>/dev/null)");
  CHECK(r.exit_code == 0);
  CHECK(r.output == csv);  // the summary went to stderr
  r = run_shell("(" + to_stdout + " 2>&1 >/dev/null)");
  CHECK(r.output.find("loss       mae") != std::string::npos);

  std::ofstream(dir / "bad.csv") << "a,b,y\n0,0,0\n0,1\n";
  r = run_ganglion("eval '" + (dir / "best_genome.json") + "' --data '" + (dir / "bad.csv") + "'");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find(dir / "bad.csv" + ":3: 2 columns, expected 3") != std::string::npos);
}

TEST_CASE("eval of a control task: episodes from the seed, written as CSV") {
  if (ganglion_binary().empty()) return;
  ScratchDir dir("eval-control");
  make_folder(dir, "cartpole.yaml",
              linear_genome(8, 4, {{0, 0, -5, -1, 0}, {0, 0, 5, 1, 0}}, Activation::NeatSigmoid));
  const std::string genome = "'" + (dir / "best_genome.json") + "'";
  auto r = run_ganglion("eval " + genome + " --episodes 5 --seed 2 --out '" + (dir / "eps.csv") + "'");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("5 fresh episodes, starts drawn from seed 2") != std::string::npos);
  CHECK(r.output.find("return     mean") != std::string::npos);
  const std::string csv = read_text(dir / "eps.csv");
  CHECK(csv.rfind("episode,steps,return,fitness\n", 0) == 0);
  CHECK(lines(csv) == 6);
  auto again = run_ganglion("eval " + genome + " --episodes 5 --seed 2 --out '" + (dir / "eps2.csv") + "'");
  CHECK(read_text(dir / "eps2.csv") == csv);

  r = run_ganglion("eval " + genome + " --data x.csv");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("control task") != std::string::npos);
  r = run_ganglion("eval " + genome + " --episodes 0");
  CHECK(r.exit_code != 0);
}

TEST_CASE("eval of the double pole: the generalisation test beside the published figures") {
  if (ganglion_binary().empty()) return;
  ScratchDir dir("eval-pole");
  make_folder(dir, "double_pole_nv.yaml", linear_genome(2, 3, {{-0.5f, -3.0f, -3.0f, 0.4f}}, Activation::NeatSigmoid));
  auto r = run_ganglion("eval '" + (dir / "best_genome.json") + "' --episodes 1");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("generalization  ") != std::string::npos);
  CHECK(r.output.find(" of 625") != std::string::npos);
  CHECK(r.output.find("NEAT                 286 of 625") != std::string::npos);
  CHECK(r.output.find("ESP                  289 of 625") != std::string::npos);
  r = run_ganglion("eval '" + (dir / "best_genome.json") + "' --episodes 1 --no-tests");
  CHECK(r.output.find("generalization") == std::string::npos);
}

TEST_CASE("eval refuses bad input, naming the place") {
  if (ganglion_binary().empty()) return;
  ScratchDir dir("eval-bad");
  auto r = run_ganglion("eval '" + (dir / "missing.json") + "' --config '" + source_dir() + "/configs/xor.yaml'");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find(dir / "missing.json") != std::string::npos);
  save_genome(linear_genome(3, 2, {{1, 1, 1}}, Activation::NeatSigmoid), dir / "g.json");
  r = run_ganglion("eval '" + (dir / "g.json") + "'");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("no config.yaml beside the genome") != std::string::npos);
  r = run_ganglion("eval '" + (dir / "g.json") + "' --config '" + source_dir() + "/configs/cartpole.yaml'");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("genome 3 has 2 input and 1 output nodes, but task 'cartpole'") != std::string::npos);
}
