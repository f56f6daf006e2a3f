// The run folder's rules (docs/run-folder.md), through the session API: a new run only in an
// empty folder (or over a run's files with overwrite), a fresh run id in config.yaml and every
// checkpoint, resume refusing a checkpoint of another run or config, resuming a finished run
// twice changing nothing, checkpoints from the very start, the final checkpoint before the
// folder's last files, run names that stay inside run.out_dir, and data files recorded absolute
// with their content hash; events.jsonl of starts, resumes and stops.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include <nlohmann/json.hpp>

#include "core/config/config_paths.hpp"
#include "core/error.hpp"
#include "evolution/checkpoint.hpp"
#include "evolution/run_folder.hpp"
#include "evolution/session.hpp"
#include "gpu/backend.hpp"
#include "tests/cli_runner.hpp"

using namespace ganglion;
using namespace ganglion::testing;
namespace fs = std::filesystem;

namespace {

Config short_xor(uint32_t generations, std::vector<std::string> more = {}) {
  std::vector<std::string> o = {"population_size=40", "run.stop_when_solved=false", "backend=cpu",
                                "run.generations=" + std::to_string(generations)};
  o.insert(o.end(), more.begin(), more.end());
  return load_config(source_dir() + "/configs/xor.yaml", o);
}

SessionBackends backends() { return SessionBackends{make_execution_context, {}}; }

SessionOptions into(const std::string& dir, bool overwrite = false) {
  SessionOptions o;
  o.run_dir = dir;
  o.overwrite = overwrite;
  return o;
}

size_t lines_of(const std::string& text) { return size_t(std::count(text.begin(), text.end(), '\n')); }

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

}  // namespace

TEST_CASE("a new run starts only in an empty folder, or over a run's files when told to") {
  ScratchDir dir("rf-nonempty");
  const std::string run = dir / "run";
  Session(Session::start(short_xor(3), backends(), into(run))).run();
  const std::string stats = read_text(run + "/stats.jsonl");
  REQUIRE(lines_of(stats) == 3);
  // Refused, naming what is there and the ways out; nothing is touched.
  CHECK_THROWS_WITH_AS(Session::start(short_xor(5), backends(), into(run)),
                       doctest::Contains("the folder is not empty (best_genome.json, checkpoints, config.yaml"), Error);
  CHECK_THROWS_WITH_AS(Session::start(short_xor(5), backends(), into(run)), doctest::Contains("--force"), Error);
  CHECK(read_text(run + "/stats.jsonl") == stats);
  // Any file counts, not only a run's.
  const std::string other = dir / "other";
  fs::create_directories(other);
  write_text(other + "/notes.txt", "mine");
  CHECK_THROWS_WITH_AS(Session::start(short_xor(2), backends(), into(other)), doctest::Contains("notes.txt"), Error);
  // overwrite removes the run's own files only, so a folder with other files is still refused.
  CHECK_THROWS_WITH_AS(Session::start(short_xor(2), backends(), into(other, true)),
                       doctest::Contains("files a run does not write (notes.txt)"), Error);
  CHECK(read_text(other + "/notes.txt") == "mine");
  // overwrite starts clean: the old run's lines and checkpoints are gone.
  Session s = Session::start(short_xor(5), backends(), into(run, true));
  s.run();
  CHECK(lines_of(read_text(run + "/stats.jsonl")) == 5);
  for (const auto& f : list_checkpoints(run + "/checkpoints")) CHECK(f.generation != 3);
  // An empty folder, or one with only the lock file of an earlier session, is fine.
  const std::string empty = dir / "empty";
  fs::create_directories(empty);
  write_text(empty + "/.lock", "pid 1 on nowhere\n");
  CHECK_NOTHROW(Session::start(short_xor(2), backends(), into(empty)).run());
}

TEST_CASE("every run has a fresh id, in config.yaml and in its checkpoints") {
  ScratchDir dir("rf-id");
  Session a = Session::start(short_xor(2), backends(), into(dir / "a"));
  Session b = Session::start(short_xor(2), backends(), into(dir / "b"));
  const std::string id = a.config().run.id;
  CHECK(std::regex_match(id, std::regex("[0-9a-f]{16}")));
  CHECK(id != b.config().run.id);
  a.run();
  CHECK(load_config(dir / "a/config.yaml").run.id == id);
  const Checkpoint ck = load_checkpoint(find_checkpoint(dir / "a"));
  CHECK(parse_config(ck.info.config_yaml, "ck").run.id == id);
  // A config that names an id (a re-run of a run folder's config.yaml) is a new run all the same.
  Session again = Session::start(load_config(dir / "a/config.yaml"), backends(), into(dir / "again"));
  CHECK(again.config().run.id != id);
}

TEST_CASE("resume refuses a checkpoint of another run or another config, naming both") {
  ScratchDir dir("rf-identity");
  Session(Session::start(short_xor(4, {"checkpoint.every=1"}), backends(), into(dir / "a"))).run();
  Session(Session::start(short_xor(6, {"checkpoint.every=1"}), backends(), into(dir / "b"))).run();
  const std::string id_a = load_config(dir / "a/config.yaml").run.id;
  const std::string id_b = load_config(dir / "b/config.yaml").run.id;
  // b's newest checkpoint copied into a's folder is newer than a's own: it must not be resumed there.
  fs::copy_file(find_checkpoint(dir / "b"), dir / "a/checkpoints/ckpt-6.gck");
  try {
    Session::resume(dir / "a", {"run.generations=9"}, backends());
    FAIL("resumed a checkpoint of another run");
  } catch (const CheckpointError& e) {
    const std::string m = e.what();
    CHECK(m.find("of run " + id_b) != std::string::npos);
    CHECK(m.find("is of run " + id_a) != std::string::npos);
  }
  fs::remove(dir / "a/checkpoints/ckpt-6.gck");
  // The folder's config.yaml says another config (same run id, another seed): refused, naming the key.
  std::string cfg = read_text(dir / "a/config.yaml");
  cfg = std::regex_replace(cfg, std::regex("\nseed: 1"), "\nseed: 99");
  write_text(dir / "a/config.yaml", cfg);
  CHECK_THROWS_WITH_AS(Session::resume(dir / "a", {"run.generations=9"}, backends()),
                       doctest::Contains("differs from the run folder's"), CheckpointError);
  CHECK_THROWS_WITH_AS(Session::resume(dir / "a", {"run.generations=9"}, backends()), doctest::Contains("seed"),
                       CheckpointError);
  // A folder of checkpoints alone (no config.yaml): the checkpoint is the run.
  fs::remove(dir / "a/config.yaml");
  CHECK(Session::resume(dir / "a", {"run.generations=6"}, backends()).run() == StopReason::GenerationLimit);
}

TEST_CASE("resuming a finished run with nothing to do changes nothing, however often") {
  ScratchDir dir("rf-idempotent");
  const std::string run = dir / "run";
  Session(Session::start(short_xor(4), backends(), into(run))).run();
  const std::string stats = read_text(run + "/stats.jsonl");
  const std::string best = read_text(run + "/best_genome.json");
  const auto files = list_checkpoints(run + "/checkpoints");
  for (int i = 0; i < 3; ++i) {
    Session r = Session::resume(run, {}, backends());
    CHECK(r.origin().nothing_to_do);
    CHECK(r.finished());
    CHECK(r.run() == StopReason::GenerationLimit);
    CHECK(r.summary().generations == 4);
  }
  CHECK(read_text(run + "/stats.jsonl") == stats);
  CHECK(read_text(run + "/best_genome.json") == best);
  CHECK(list_checkpoints(run + "/checkpoints").size() == files.size());
  // A raised limit goes on.
  Session more = Session::resume(run, {"run.generations=6"}, backends());
  CHECK(!more.origin().nothing_to_do);
  CHECK(more.run() == StopReason::GenerationLimit);
  CHECK(lines_of(read_text(run + "/stats.jsonl")) == 6);

  // A solved run stays solved: resuming it again adds nothing.
  const std::string solved = dir / "solved";
  Config c = load_config(source_dir() + "/configs/xor.yaml", {"backend=cpu", "seed=1"});
  const StopReason why = Session::start(c, backends(), into(solved)).run();
  if (why == StopReason::Solved) {
    const std::string lines = read_text(solved + "/stats.jsonl");
    Session r = Session::resume(solved, {"run.generations=1000"}, backends());
    CHECK(r.origin().nothing_to_do);
    CHECK(r.run() == StopReason::Solved);
    CHECK(read_text(solved + "/stats.jsonl") == lines);
  }
}

TEST_CASE("checkpoints come at the start, by count, by time, and at the end before the folder's last files") {
  ScratchDir dir("rf-ckpt");
  // No count and no time: the start and the end only.
  Session(Session::start(short_xor(5, {"checkpoint.every=0", "checkpoint.seconds=0", "checkpoint.keep=10"}),
                         backends(), into(dir / "ends")))
      .run();
  std::vector<uint64_t> gens;
  for (const auto& f : list_checkpoints(dir / "ends/checkpoints")) gens.push_back(f.generation);
  CHECK(gens == std::vector<uint64_t>{0, 5});
  // The first checkpoint is generation 0 before it is evaluated: it resumes to the whole run.
  fs::create_directories(dir / "from0/checkpoints");
  fs::copy_file(dir / "ends/checkpoints/ckpt-0.gck", dir / "from0/checkpoints/ckpt-0.gck");
  CHECK(Session::resume(dir / "from0", {}, backends()).run() == StopReason::GenerationLimit);
  CHECK(read_text(dir / "from0/best_genome.json") == read_text(dir / "ends/best_genome.json"));
  // By time: a tiny budget checkpoints after every generation.
  Session(Session::start(short_xor(4, {"checkpoint.every=0", "checkpoint.seconds=0.000001", "checkpoint.keep=10"}),
                         backends(), into(dir / "time")))
      .run();
  CHECK(list_checkpoints(dir / "time/checkpoints").size() == 5);  // 0, 1, 2, 3, then the end (4)
  // The end: when best_genome.json cannot be written, the final checkpoint is there already.
  Session s = Session::start(short_xor(3, {"checkpoint.seconds=0"}), backends(), into(dir / "fail"));
  fs::create_directories(dir / "fail/best_genome.json/blocked");  // a folder where the file goes
  CHECK_THROWS(s.run());
  CHECK(list_checkpoints(dir / "fail/checkpoints").back().generation == 3);
}

TEST_CASE("a run name is a file name, so the run folder stays inside run.out_dir") {
  for (const char* bad : {"../../escaped", "a/b", "..", ".", "a\\b"}) {
    CAPTURE(bad);
    CHECK_THROWS_WITH_AS(parse_config(std::string("name: '") + bad + "'\n", "cfg.yaml"),
                         doctest::Contains("is not a file name"), ConfigError);
  }
  CHECK_THROWS_WITH_AS(load_config(source_dir() + "/configs/xor.yaml", {"name=../x"}), doctest::Contains("name"),
                       ConfigError);
  CHECK(parse_config("name: my-run.2\n", "cfg.yaml").name == "my-run.2");
}

TEST_CASE("data files are recorded absolute with their hash; resume works from any folder and refuses changed data") {
  ScratchDir dir("rf-paths");
  const std::string csv = dir / "data.csv";
  fs::copy_file(source_dir() + "/experiments/regression/data/sine_product.csv", csv);
  // A config in its own folder naming the file relatively.
  fs::create_directories(dir / "cfg");
  std::string text = read_text(source_dir() + "/configs/regression.yaml");
  text = std::regex_replace(text, std::regex("file: [^ ]+"), "file: ../data.csv");
  write_text(dir / "cfg/reg.yaml", text);
  const fs::path cwd = fs::current_path();
  fs::current_path(dir.path);  // a working folder that is neither the config's nor the data's
  fs::create_directories("elsewhere");
  fs::current_path("elsewhere");
  Config c = load_config("../cfg/reg.yaml", {"backend=cpu", "run.generations=3", "population_size=30",
                                             "run.stop_when_solved=false"});
  fs::current_path(cwd);
  CHECK(c.task.params.find("file")->text() == fs::canonical(csv).string());
  Session(Session::start(c, backends(), into(dir / "run"))).run();
  const Config recorded = load_config(dir / "run/config.yaml");
  REQUIRE(recorded.task.params.find("file_hash"));
  CHECK(recorded.task.params.find("file_hash")->text().rfind("xxh64:", 0) == 0);
  // Resume from another working folder.
  fs::current_path(dir / "cfg");
  const StopReason r = Session::resume(dir / "run", {"run.generations=5"}, backends()).run();
  fs::current_path(cwd);
  CHECK(r == StopReason::GenerationLimit);
  // A changed data file is refused on resume, naming it.
  write_text(csv, read_text(csv) + "0.5,0.5,0.5\n");
  const std::string changed = "the data file " + fs::canonical(csv).string() + " has changed";
  CHECK_THROWS_WITH_AS(Session::resume(dir / "run", {"run.generations=7"}, backends()),
                       doctest::Contains(changed.c_str()), ConfigError);
  CHECK(!is_path_task_key("files"));
  CHECK(is_path_task_key("train_file"));
  CHECK(is_file_hash_task_key("train_file_hash"));
}

TEST_CASE("the generation inside a checkpoint decides, not its name") {
  ScratchDir dir("rf-ckpt-name");
  Session(Session::start(short_xor(4, {"checkpoint.every=1", "checkpoint.keep=10"}), backends(), into(dir / "run")))
      .run();
  // An older checkpoint copied over a higher number: refused, naming both generations.
  fs::copy_file(dir / "run/checkpoints/ckpt-2.gck", dir / "run/checkpoints/ckpt-9.gck");
  CHECK_THROWS_WITH_AS(Session::resume(dir / "run", {"run.generations=12"}, backends()),
                       doctest::Contains("named for generation 9 but holds the run after 2 generation(s)"),
                       CheckpointError);
  fs::remove(dir / "run/checkpoints/ckpt-9.gck");
  CHECK(Session::resume(dir / "run", {"run.generations=6"}, backends()).run() == StopReason::GenerationLimit);
}

TEST_CASE("events.jsonl records the run's start, each resume and each stop") {
  ScratchDir dir("rf-events");
  const std::string run = dir / "run";
  Session(Session::start(short_xor(3, {"checkpoint.every=1"}), backends(), into(run))).run();
  Session(Session::resume(run, {"run.generations=5"}, backends())).run();
  // A finished run resumed with nothing to do writes no line.
  Session(Session::resume(run, {}, backends())).run();
  std::vector<nlohmann::json> events;
  {
    std::ifstream in(run + "/events.jsonl");
    for (std::string line; std::getline(in, line);) events.push_back(nlohmann::json::parse(line));
  }
  REQUIRE(events.size() == 4);
  CHECK(events[0].at("event") == "start");
  CHECK(events[0].at("generation") == 0);
  CHECK(events[0].at("task") == "xor");
  CHECK(events[0].at("backend") == "cpu");
  CHECK(events[0].at("solve_criterion") == "every output on the right side of 0.5");
  CHECK(events[1].at("event") == "stop");
  CHECK(events[1].at("generations") == 3);
  CHECK(events[1].at("reason") == "generation limit reached");
  CHECK(events[2].at("event") == "resume");
  CHECK(events[2].at("generation") == 3);
  CHECK(events[2].at("overrides") == nlohmann::json::array({"run.generations=5"}));
  CHECK(events[2].at("checkpoint").get<std::string>().find("ckpt-3.gck") != std::string::npos);
  CHECK(events[3].at("event") == "stop");
  CHECK(events[3].at("generations") == 5);
  for (const auto& e : events) CHECK(e.at("time").get<std::string>().size() == 20);  // 2026-01-01T10:00:00Z
  // --force starts over: the old lines go with the run's other files.
  Session(Session::start(short_xor(2), backends(), into(run, true))).run();
  CHECK(lines_of(read_text(run + "/events.jsonl")) == 2);
}
