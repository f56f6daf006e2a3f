// `mpirun -np K ganglion run|resume` in islands mode (distributed/island_exchange.hpp,
// tools/islands.hpp): one population per rank, migrants every `interval` generations. Two runs
// with the same seed and K are identical; islands.jsonl names the genomes that moved, which are
// their islands' best of that generation; a resume gives the uninterrupted run; a resume with
// another number of ranks is refused, naming both.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "tests/cli_runner.hpp"
#include "tests/distributed/mpi_runner.hpp"
#include "tests/run_files.hpp"

using namespace ganglion::testing;
namespace fs = std::filesystem;

namespace {

// XOR islands that never stop early, 2 migrants every 3 generations.
const std::string kIslands =
    "configs/xor.yaml --seed 5 --set population_size=60 --set run.stop_when_solved=false --set "
    "distributed.mode=islands --set distributed.migrants=2 --set distributed.interval=3 --set checkpoint.every=1 -q";

std::vector<nlohmann::json> lines_of(const fs::path& path) {
  std::vector<nlohmann::json> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

void same_islands(const fs::path& a, const fs::path& b, int islands) {
  INFO(a.string() << " vs " << b.string());
  CHECK(read_text(a / "islands.jsonl") == read_text(b / "islands.jsonl"));
  CHECK(read_text(a / "best_genome.json") == read_text(b / "best_genome.json"));
  for (int r = 0; r < islands; ++r) {
    const fs::path ia = a / ("island-" + std::to_string(r)), ib = b / ("island-" + std::to_string(r));
    CHECK(stats_without_times((ia / "stats.jsonl").string()) == stats_without_times((ib / "stats.jsonl").string()));
    CHECK(read_text(ia / "best_genome.json") == read_text(ib / "best_genome.json"));
  }
}

}  // namespace

TEST_CASE("islands mode: two runs with the same seed and K are identical, and migrants are each island's best") {
  if (ganglion_binary().empty()) return;
  ScratchDir dir("mpi_islands");
  for (const std::string& topology : {std::string("ring"), std::string("random")}) {
    CAPTURE(topology);
    const std::string config = kIslands + " --generations 9 --set distributed.topology=" + topology;
    const fs::path a = dir.path / ("a-" + topology), b = dir.path / ("b-" + topology);
    const auto ra = run_shell(mpirun(3) + ganglion_cmd() + "run " + config + " --out " + a.string());
    INFO(ra.output);
    REQUIRE(ra.exit_code == 3);
    const auto rb = run_shell(mpirun(3) + ganglion_cmd() + "run " + config + " --out " + b.string());
    INFO(rb.output);
    REQUIRE(rb.exit_code == 3);
    same_islands(a, b, 3);
    // The islands differ from each other (seeds of their own).
    CHECK(stats_without_times((a / "island-0/stats.jsonl").string()) !=
          stats_without_times((a / "island-1/stats.jsonl").string()));
    const auto lines = lines_of(a / "islands.jsonl");
    REQUIRE(lines.size() == 9);
    std::vector<std::vector<nlohmann::json>> stats;
    for (int r = 0; r < 3; ++r) stats.push_back(lines_of(a / ("island-" + std::to_string(r)) / "stats.jsonl"));
    int migrations = 0;
    for (const auto& l : lines) {
      const uint32_t g = l["generation"];
      // Migration after generations 2, 5 (8 is the last: no children are made after it).
      const bool expected = (g + 1) % 3 == 0 && g + 1 < 9;
      CHECK(l.contains("migrations") == expected);
      for (int r = 0; r < 3; ++r) CHECK(l["best_fitness"][r] == stats[size_t(r)][g]["best_fitness"]);
      if (!l.contains("migrations")) continue;
      std::vector<int> receivers;
      for (const auto& m : l["migrations"]) {
        ++migrations;
        const int from = m["from"], to = m["to"];
        CHECK(from != to);
        receivers.push_back(to);
        REQUIRE(m["genomes"].size() == 2);
        // The first migrant is the sender's best of the generation, the second no better.
        CHECK(m["genomes"][0] == l["best_genome"][from]);
        CHECK(m["genomes"][0] != m["genomes"][1]);
        CHECK(m["fitness"][0] == stats[size_t(from)][g]["best_fitness"]);
        CHECK(m["fitness"][1].get<double>() <= m["fitness"][0].get<double>());
        if (topology == "ring") CHECK(to == (from + 1) % 3);
      }
      std::sort(receivers.begin(), receivers.end());
      CHECK(receivers == std::vector<int>{0, 1, 2});
    }
    CHECK(migrations == 6);
    const auto manifest = nlohmann::json::parse(read_text(a / "islands.json"));
    CHECK(manifest["islands"] == 3);
    CHECK(manifest["stopped"] == "generation limit reached");
    const int best = manifest["best_island"];
    CHECK(read_text(a / "best_genome.json") == read_text(a / ("island-" + std::to_string(best)) / "best_genome.json"));
  }
}

TEST_CASE("islands mode: rank 0 alone writes the run folder, and its checkpoints hold every island") {
  if (ganglion_binary().empty()) return;
  ScratchDir dir("mpi_islands_writer");
  // Each rank in a working folder of its own, the run folder named relative to it: whatever a rank
  // writes lands in its own folder, and only rank 0's may hold anything.
  const fs::path zero = dir.path / "rank0", one = dir.path / "rank1";
  fs::create_directories(zero);
  fs::create_directories(one);
  const std::string config = fs::absolute(fs::path(source_dir()) / "configs/xor.yaml").string();
  const std::string args = "run '" + config + "'" + kIslands.substr(kIslands.find(' ')) + " --generations 4 --out run";
  const auto r = run_shell(mpirun(1) + "-wdir " + zero.string() + " " + ganglion_cmd() + args + " : -np 1 -wdir " +
                           one.string() + " " + ganglion_cmd() + args);
  INFO(r.output);
  REQUIRE(r.exit_code == 3);
  CHECK(fs::is_empty(one));
  const fs::path run = zero / "run";
  for (const char* f : {"islands.json", "islands.jsonl", "best_genome.json", "island-0/config.yaml",
                        "island-0/stats.jsonl", "island-0/best_genome.json", "island-1/config.yaml",
                        "island-1/stats.jsonl", "island-1/best_genome.json", "checkpoints/ckpt-4.gck"})
    CHECK_MESSAGE(fs::is_regular_file(run / f), f);
  CHECK(lines_of(run / "island-1" / "stats.jsonl").size() == 4);
  CHECK(!fs::exists(run / "island-0" / "checkpoints"));
  // best_genome.json as a one-process run writes it (a loadable genome file, a final newline).
  const std::string best = read_text(run / "best_genome.json");
  REQUIRE(!best.empty());
  CHECK(best.back() == '\n');
  CHECK(run_ganglion("export " + (run / "island-1" / "best_genome.json").string() + " --format json").exit_code == 0);
  // One file per point of the run, holding both islands.
  const auto inspect = run_ganglion("inspect " + (run / "checkpoints" / "ckpt-4.gck").string());
  INFO(inspect.output);
  CHECK(inspect.exit_code == 0);
  CHECK(inspect.output.find("2 islands of islands run") != std::string::npos);
  CHECK(inspect.output.find("# island 0") != std::string::npos);
  CHECK(inspect.output.find("# island 1") != std::string::npos);
  // The file alone is not one run's checkpoint: one process refuses it, naming the command.
  const auto alone = run_ganglion("resume " + (run / "checkpoints" / "ckpt-4.gck").string() + " --generations 9 -q");
  CHECK(alone.exit_code != 0);
  CHECK(alone.output.find("the checkpoint of an islands run (2 islands, 4 generation(s) evaluated); resume its run "
                          "folder with `mpirun -np 2 ganglion resume RUN_DIR`") != std::string::npos);
  // A new run into it is refused; --force starts over, removing the islands run's own files only.
  const std::string again = mpirun(2) + ganglion_cmd() + "run '" + config + "'" + kIslands.substr(kIslands.find(' ')) +
                            " --generations 2 --out " + run.string();
  const auto refused = run_shell(again);
  CHECK(refused.exit_code != 0);
  CHECK(refused.output.find("the folder is not empty") != std::string::npos);
  CHECK(refused.output.find("mpirun -np 2 ganglion resume") != std::string::npos);
  std::ofstream(run / "notes.txt") << "mine";
  const auto forced = run_shell(again + " --force");
  INFO(forced.output);
  CHECK(forced.output.find("the folder holds files an islands run does not write (notes.txt)") != std::string::npos);
  fs::remove(run / "notes.txt");
  const auto clean = run_shell(again + " --force");
  INFO(clean.output);
  CHECK(clean.exit_code == 3);
  CHECK(lines_of(run / "island-1" / "stats.jsonl").size() == 2);
  CHECK(newest_checkpoint(run / "checkpoints") == 2);
  CHECK(!fs::exists(run / "checkpoints" / "ckpt-4.gck"));
}

TEST_CASE("islands mode: a resumed run is the uninterrupted one; another K or one process is refused") {
  if (ganglion_binary().empty()) return;
  ScratchDir dir("mpi_islands_resume");
  const fs::path whole = dir.path / "whole", part = dir.path / "part";
  const auto rw = run_shell(mpirun(2) + ganglion_cmd() + "run " + kIslands + " --generations 10 --out " + whole.string());
  INFO(rw.output);
  REQUIRE(rw.exit_code == 3);
  const auto rp = run_shell(mpirun(2) + ganglion_cmd() + "run " + kIslands + " --generations 4 --out " + part.string());
  INFO(rp.output);
  REQUIRE(rp.exit_code == 3);
  const auto other = run_shell(mpirun(3) + ganglion_cmd() + "resume " + part.string() + " --generations 10 -q");
  INFO(other.output);
  CHECK(other.exit_code != 0);
  CHECK(other.output.find("an islands run of 2 islands (islands.json), but this job has 3 rank(s)") != std::string::npos);
  const auto alone = run_ganglion("resume " + part.string() + " --generations 10 -q");
  CHECK(alone.exit_code != 0);
  CHECK(alone.output.find("but this job has 1 rank(s)") != std::string::npos);
  const auto rr = run_shell(mpirun(2) + ganglion_cmd() + "resume " + part.string() + " --generations 10 -q");
  INFO(rr.output);
  CHECK(rr.exit_code == 3);
  same_islands(whole, part, 2);
}

TEST_CASE("islands mode: a killed rank ends the job, and the run resumes from the islands' common checkpoint") {
  if (ganglion_binary().empty()) return;
  ScratchDir dir("mpi_islands_kill");
  const fs::path run = dir.path / "run";
  const std::string config = kIslands + " --set checkpoint.keep=100000";
  const std::string forever = config + " --generations 1000000 --out " + run.string();
  // Rank 1 is a shell that starts its ganglion and kills it (SIGKILL), then itself, once its island
  // has written the checkpoint after generation 4.
  const std::string killer = killing_rank(forever, run / "checkpoints" / "ckpt-4.gck");
  const auto r = run_shell(mpirun(1) + ganglion_cmd() + "run " + forever + " : -np 1 " + killer);
  INFO(r.output);
  CHECK(r.exit_code != 0);
  CHECK(r.exit_code != 3);
  CHECK(r.output.find("rank 1") != std::string::npos);  // mpirun names the rank that died
  REQUIRE(fs::exists(run / "checkpoints" / "ckpt-4.gck"));
  // One checkpoint file holds every island; a run a few generations past the newest is the
  // uninterrupted run.
  const uint64_t newest = newest_checkpoint(run / "checkpoints");
  const std::string limit = " --generations " + std::to_string(newest + 3);
  const auto rr = run_shell(mpirun(2) + ganglion_cmd() + "resume " + run.string() + limit + " -q");
  INFO(rr.output);
  CHECK(rr.exit_code == 3);
  const fs::path whole = dir.path / "whole";
  const auto rw = run_shell(mpirun(2) + ganglion_cmd() + "run " + config + limit + " --out " + whole.string());
  INFO(rw.output);
  CHECK(rw.exit_code == 3);
  same_islands(whole, run, 2);
}
