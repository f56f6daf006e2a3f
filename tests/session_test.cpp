// The session API (evolution/session.hpp, evolution/experiment.hpp) driven without the CLI: a
// short XOR run stepped by hand, stopped and resumed, must equal the uninterrupted run (stats.jsonl
// apart from time_ fields, best_genome.json byte for byte); an experiment keeps one run folder per
// seed, each the single run of that seed; resume refuses a change that would alter the run; a run
// stopped for a generation without valid fitness resumes at that generation.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "evolution/experiment.hpp"
#include "evolution/session.hpp"
#include "gpu/backend.hpp"
#include "tests/cli_runner.hpp"
#include "tests/evolution_fixtures.hpp"
#include "tests/run_files.hpp"

using namespace ganglion;
using namespace ganglion::testing;
namespace fs = std::filesystem;

namespace {

size_t lines_of(const std::string& text) { return size_t(std::count(text.begin(), text.end(), '\n')); }

// XOR, population 50, solving does not stop the run, a checkpoint every 5 generations.
Config short_xor(uint32_t generations, uint64_t seed = 7) {
  return load_config(source_dir() + "/configs/xor.yaml",
                     {"population_size=50", "run.stop_when_solved=false", "backend=cpu", "checkpoint.every=5",
                      "checkpoint.keep=10", "run.generations=" + std::to_string(generations),
                      "seed=" + std::to_string(seed)});
}

SessionBackends backends() { return SessionBackends{make_execution_context, {}}; }

SessionOptions into(const std::string& dir) {
  SessionOptions o;
  o.run_dir = dir;
  return o;
}

// Counts the reporter calls a user reporter gets.
struct CountingReporter final : Reporter {
  int starts = 0, generations = 0, finishes = 0;
  StopReason last = StopReason::None;
  void on_start(const EvolutionState&) override { ++starts; }
  void on_generation(const GenerationStats&, const EvolutionState&, StopReason) override { ++generations; }
  void on_finish(const EvolutionState&, StopReason reason) override {
    ++finishes;
    last = reason;
  }
};

}  // namespace

TEST_CASE("a session stepped, interrupted and resumed is the uninterrupted run") {
  ScratchDir dir("session");
  const std::string full = dir / "full", part = dir / "part", mid = dir / "mid";
  const Config config = short_xor(12);

  Session whole = Session::start(config, backends(), into(full));
  CHECK(whole.state().genomes.size() == 50);  // generation 0 exists before the first step
  CHECK(whole.run() == StopReason::GenerationLimit);
  const RunSummary ws = whole.summary();
  CHECK(ws.reason == StopReason::GenerationLimit);
  CHECK(ws.generations == 12);
  CHECK(ws.evaluations == 12 * 50);
  CHECK(ws.run_dir == full);
  CHECK(ws.checkpoint == full + "/checkpoints/ckpt-12.gck");
  CHECK(fs::exists(full + "/config.yaml"));
  CHECK(fs::exists(full + "/best_genome.json"));
  CHECK(fs::exists(full + "/checkpoints/ckpt-5.gck"));
  CHECK_THROWS_AS(whole.step(), Error);  // stopped: only a resume goes on

  SUBCASE("stepped by hand, interrupted, resumed from its folder") {
    CountingReporter counter;
    SessionOptions o = into(part);
    o.reporters.push_back(&counter);
    Session s = Session::start(config, backends(), o);
    for (int g = 0; g < 6; ++g) CHECK(s.step() == StopReason::None);
    CHECK(s.state().generation == 6);
    CHECK(s.stop_reason() == StopReason::None);
    s.interrupt();
    CHECK(s.stop_reason() == StopReason::Interrupted);
    CHECK(counter.starts == 1);
    CHECK(counter.generations == 6);
    CHECK(counter.finishes == 1);
    CHECK(s.summary().checkpoint == part + "/checkpoints/ckpt-6.gck");

    Session r = Session::resume(part, {}, backends());
    CHECK(r.origin().checkpoint == part + "/checkpoints/ckpt-6.gck");
    CHECK(r.origin().generations_done == 6);
    CHECK(r.origin().stopped_as == "interrupted");
    CHECK(r.run_dir() == part);
    CHECK(r.run() == StopReason::GenerationLimit);
    CHECK(r.summary().generations == 12);
    CHECK(r.summary().evaluations == ws.evaluations);
  }
  SUBCASE("resumed from a mid-run checkpoint into another folder, on one thread") {
    Session r = Session::resume(full + "/checkpoints/ckpt-5.gck", {"threads=1"}, backends(), into(part));
    CHECK(r.config().threads == 1);
    CHECK(r.origin().overrides == std::vector<std::string>{"threads=1"});
    CHECK(r.run() == StopReason::GenerationLimit);
  }
  SUBCASE("a finished run resumed with a higher limit") {
    Session a = Session::start(short_xor(8), backends(), into(part));
    CHECK(a.run() == StopReason::GenerationLimit);
    CHECK(Session::resume(part, {}, backends()).origin().nothing_to_do);  // the limit was not raised
    Session r = Session::resume(part, {"run.generations=12"}, backends());
    CHECK(r.origin().generations_done == 8);
    CHECK(r.run() == StopReason::GenerationLimit);
  }
  const std::string sf = stats_without_times(full + "/stats.jsonl");
  CHECK(lines_of(sf) == 12);
  CHECK(sf == stats_without_times(part + "/stats.jsonl"));
  CHECK(read_text(full + "/best_genome.json") == read_text(part + "/best_genome.json"));
}

TEST_CASE("one session at a time writes a run folder") {
  ScratchDir dir("session-lock");
  const std::string run = dir / "run";
  Session a = Session::start(short_xor(6), backends(), into(run));
  CHECK(fs::exists(run + "/.lock"));
  CHECK(a.step() == StopReason::None);
  // A second writer, new run or resume, is refused while the first can still write, and the
  // message names the folder and the holder.
  const std::string in_use = run + ": the run folder is in use by pid ";
  CHECK_THROWS_WITH_AS(Session::start(short_xor(6), backends(), into(run)), doctest::Contains(in_use.c_str()), Error);
  a.interrupt();  // writes ckpt-1 and stops: the folder is free
  Session r = Session::resume(run, {}, backends());
  CHECK_THROWS_WITH_AS(Session::resume(run, {}, backends()), doctest::Contains("in use"), Error);
  CHECK(r.run() == StopReason::GenerationLimit);
  Session again = Session::resume(run, {"run.generations=8"}, backends());
  CHECK(again.run() == StopReason::GenerationLimit);
}

TEST_CASE("resume refuses a change that alters the run, naming the key") {
  ScratchDir dir("session-refuse");
  Session s = Session::start(short_xor(3), backends(), into(dir / "run"));
  s.run();
  CHECK_THROWS_WITH_AS(Session::resume(dir / "run", {"run.generations=5", "speciation.compatibility_threshold=2"},
                                       backends()),
                       doctest::Contains("'speciation.compatibility_threshold' cannot change when resuming"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(Session::resume(dir / "run", {"seed=4"}, backends()), doctest::Contains("'seed'"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(Session::resume(dir / "run", {"speciaton.compatibility_threshold=2"}, backends()),
                       doctest::Contains("speciaton"), ConfigError);
  CHECK_THROWS_WITH_AS(Session::resume(dir / "run", {"run.generations"}, backends()),
                       doctest::Contains("expected key=value"), ConfigError);
  // A refused resume leaves the folder as it was: the run still resumes.
  Session r = Session::resume(dir / "run", {"run.generations=5", "log.level=warn", "checkpoint.every=1"}, backends());
  CHECK(r.run() == StopReason::GenerationLimit);
  CHECK(fs::exists(dir / "run/checkpoints/ckpt-4.gck"));

  CHECK(resumable_key("run.generations"));
  CHECK(resumable_key("log.level"));
  CHECK(resumable_key("cuda.kernel"));
  CHECK(!resumable_key("run.fitness_threshold"));
  CHECK(!resumable_key("logx"));
  CHECK(resumable_keys_text().find("checkpoint.every") != std::string::npos);
}

TEST_CASE("a run stopped for no valid fitness resumes at the generation that failed") {
  ScratchDir dir("session-invalid");
  const std::string stopped = dir / "stopped", whole = dir / "whole";
  // XOR's shape; finite fitness in generations 0-2, NaN for every genome in generation 3 only.
  SessionBackends b = backends();
  b.make_task = [](const Config&) -> std::unique_ptr<Task> {
    return std::make_unique<FunctionTask>(2, 1, [](uint32_t n, uint32_t gen) {
      return gen == 3 ? std::nan("") : 1.0 + double((n * 7 + gen) % 11);
    });
  };
  Config config = short_xor(6);
  config.checkpoint.every = 0;  // only the stop writes one
  Session s = Session::start(config, b, into(stopped));
  CHECK(s.run() == StopReason::AllInvalid);
  CHECK(s.summary().generations == 3);
  CHECK(s.summary().checkpoint == stopped + "/checkpoints/ckpt-3.gck");
  CHECK(lines_of(read_text(stopped + "/stats.jsonl")) == 3);

  // Resumed as it was, it stops again at generation 3; with `continue` it is the uninterrupted run.
  {
    Session again = Session::resume(stopped, {}, b);
    CHECK(again.origin().stopped_as == "no valid fitness");
    CHECK(again.origin().generations_done == 3);
    CHECK(again.run() == StopReason::AllInvalid);
  }
  Session r = Session::resume(stopped, {"run.on_all_invalid=continue"}, b);
  CHECK(r.run() == StopReason::GenerationLimit);
  config.run.on_all_invalid = AllInvalidPolicy::Continue;
  Session w = Session::start(config, b, into(whole));
  CHECK(w.run() == StopReason::GenerationLimit);
  const std::string sw = stats_without_times(whole + "/stats.jsonl");
  CHECK(lines_of(sw) == 6);
  CHECK(sw.find("\"invalid_fitness\":50") != std::string::npos);  // generation 3, all 50 counted
  CHECK(sw == stats_without_times(stopped + "/stats.jsonl"));
  CHECK(read_text(whole + "/best_genome.json") == read_text(stopped + "/best_genome.json"));
}

TEST_CASE("a task that throws names itself and the generation, and the last checkpoint resumes") {
  ScratchDir dir("session-throws");
  const std::string run = dir / "run";
  SessionBackends b = backends();
  b.make_task = [](const Config&) -> std::unique_ptr<Task> {
    return std::make_unique<FunctionTask>(2, 1, [](uint32_t n, uint32_t gen) -> double {
      if (gen == 3 && n == 7) throw std::runtime_error("simulator diverged");
      return 1.0 + double(n % 5);
    });
  };
  Config config = short_xor(6);
  config.checkpoint.every = 2;
  Session s = Session::start(config, b, into(run));
  for (int g = 0; g < 3; ++g) CHECK(s.step() == StopReason::None);
  CHECK_THROWS_WITH_AS(s.step(), "task 'function' failed in generation 3: simulator diverged", Error);
  CHECK_THROWS_WITH_AS(s.step(), doctest::Contains("the run failed (task 'function' failed in generation 3"), Error);
  s.interrupt();  // writes nothing: the task's state may be half updated
  CHECK(!fs::exists(run + "/checkpoints/ckpt-3.gck"));
  CHECK(fs::exists(run + "/checkpoints/ckpt-2.gck"));
  CHECK(lines_of(read_text(run + "/stats.jsonl")) == 3);
  // The folder is free at once and resumes from the last checkpoint.
  Session r = Session::resume(run, {}, backends());
  CHECK(r.origin().generations_done == 2);
  CHECK(r.run() == StopReason::GenerationLimit);
}

TEST_CASE("a session without an evaluator factory says what is missing") {
  ScratchDir dir("session-nofactory");
  CHECK_THROWS_WITH_AS(Session::start(short_xor(3), SessionBackends{}, into(dir / "run")),
                       doctest::Contains("make_execution"), Error);
  CHECK(!fs::exists(dir / "run"));  // nothing written before the parts exist
}

TEST_CASE("an experiment over 3 seeds keeps one run folder per seed, each the single run of its seed") {
  ScratchDir dir("session-experiment");
  ExperimentOptions o;
  o.runs = 3;
  o.first_seed = 4;
  o.out_dir = dir / "exp";
  const ExperimentResult result = run_experiment(short_xor(6), o, backends());
  REQUIRE(result.runs.size() == 3);
  CHECK(result.jobs >= 1);
  CHECK(!result.interrupted);
  for (uint64_t seed = 4; seed <= 6; ++seed) {
    const std::string run = seed_run_folder(o.out_dir, seed);
    CHECK(run == o.out_dir + "/seed-" + std::to_string(seed));
    CHECK(result.runs[seed - 4].seed == seed);
    CHECK(result.runs[seed - 4].summary.run_dir == run);
    CHECK(result.runs[seed - 4].summary.generations == 6);
    for (const char* file : {"config.yaml", "stats.jsonl", "best_genome.json", "checkpoints/ckpt-6.gck"})
      CHECK_MESSAGE(fs::exists(run + "/" + file), run, "/", file);
  }
  // The seed's folder is the run `Session::start` makes alone (the thread count aside).
  Session single = Session::start(short_xor(6, 5), backends(), into(dir / "single"));
  single.run();
  CHECK(stats_without_times(dir / "single/stats.jsonl") == stats_without_times(o.out_dir + "/seed-5/stats.jsonl"));
  CHECK(read_text(dir / "single/best_genome.json") == read_text(o.out_dir + "/seed-5/best_genome.json"));

  const ExperimentSummary s = summarise(result.runs);
  CHECK(s.runs == 3);
  CHECK(s.solved <= 3);

  o.runs = 0;
  CHECK_THROWS_AS(run_experiment(short_xor(6), o, backends()), Error);
}

TEST_CASE("a new run's config.yaml lists the task's keys at their defaults and the counts taken from the task") {
  ScratchDir dir("session-complete");
  const std::string out = dir / "run";
  Config config = load_config(source_dir() + "/configs/spirals.yaml",
                              {"population_size=20", "backend=cpu", "threads=1", "run.generations=3"});
  REQUIRE(config.genome.num_inputs == 0);  // left out of the file
  Session s = Session::start(config, backends(), into(out));
  CHECK(s.config().genome.num_inputs == 2);
  CHECK(s.config().genome.num_outputs == 1);
  s.run();
  const Config written = load_config(out + "/config.yaml");
  CHECK(written.genome.num_inputs == 2);
  CHECK(written.genome.num_outputs == 1);
  for (const char* key : {"file", "loss", "fitness", "solve_accuracy", "targets", "inputs", "fitness_offset", "solve_loss"})
    CHECK_MESSAGE(written.task.params.find(key), key);
  CHECK(written.task.params.find("solve_loss")->text() == "-1.0");
  // The written config runs the same run, and resumes (its task keys are the checkpoint's).
  CHECK(fixed_keys_that_differ(written, s.config()).empty());
  // The data task's metrics reach stats.jsonl.
  const std::string stats = read_text(out + "/stats.jsonl");
  CHECK(stats.find("\"best_loss\":") != std::string::npos);
  CHECK(stats.find("\"best_accuracy\":") != std::string::npos);
  Session more = Session::resume(out, {"run.generations=4"}, backends());
  CHECK(more.run() == StopReason::GenerationLimit);
  CHECK(lines_of(read_text(out + "/stats.jsonl")) == 4);
}
