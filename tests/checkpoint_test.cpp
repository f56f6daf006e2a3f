// Checkpoints of real runs: an EvolutionState survives encode/decode field for field, and a run
// resumed from a checkpoint is the uninterrupted run: stats.jsonl equal apart from time_ fields,
// best_genome.json and config.yaml byte for byte (CPU; tests/gpu/ has the device version).
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <thread>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config/config.hpp"
#include "core/task/task.hpp"
#include "evolution/checkpoint.hpp"
#include "evolution/engine.hpp"
#include "gpu/backend.hpp"
#include "tests/cli_runner.hpp"
#include "tests/run_files.hpp"

using namespace ganglion;
using namespace ganglion::testing;
namespace fs = std::filesystem;

namespace {

void check_same_run(const std::string& a, const std::string& b) {
  const std::string sa = stats_without_times(a + "/stats.jsonl");
  CHECK(std::count(sa.begin(), sa.end(), '\n') == 20);
  CHECK(sa == stats_without_times(b + "/stats.jsonl"));
  CHECK(read_text(a + "/best_genome.json") == read_text(b + "/best_genome.json"));
  CHECK(!read_text(a + "/best_genome.json").empty());
  // The same config; the run ids differ where b is a run of its own resumed to a's length.
  CHECK(normalise_config_yaml(read_text(a + "/config.yaml"), "") ==
        normalise_config_yaml(read_text(b + "/config.yaml"), ""));
}

// XOR, population 50, solving does not stop the run: all generations run.
const std::string kRunArgs = " --set population_size=50 --set run.stop_when_solved=false --set backend=cpu -q"
                             " --set checkpoint.every=5 --set checkpoint.keep=10";

std::string xor_config() { return "'" + source_dir() + "/configs/xor.yaml'"; }

}  // namespace

TEST_CASE("an EvolutionState survives encode and decode field for field") {
  Config config = load_config(source_dir() + "/configs/xor.yaml",
                              {"population_size=60", "run.stop_when_solved=false", "backend=cpu", "threads=2"});
  auto task = TaskRegistry::instance().create(config);
  auto evaluator = make_evaluator(config);
  Engine engine(config, *task, *evaluator);
  engine.init();
  for (int i = 0; i < 8; ++i) REQUIRE(engine.step() == StopReason::None);
  const EvolutionState& st = engine.state();
  REQUIRE(st.species.size() > 0);
  REQUIRE(st.history.size() == 8);

  CheckpointInfo info;
  info.config_yaml = config_to_yaml(config);
  info.stop_reason = "";
  Bytes body = encode_checkpoint(st, info);
  Checkpoint back = decode_checkpoint(body, "memory");
  const EvolutionState& b = back.state;
  CHECK(back.info.config_yaml == info.config_yaml);
  CHECK_FALSE(back.info.needs_reproduce);
  CHECK(back.completed_generations() == 8);
  CHECK(b.generation == st.generation);
  CHECK(b.evaluations == st.evaluations);
  CHECK(b.next_genome_id == st.next_genome_id);
  CHECK(b.next_species_id == st.next_species_id);
  CHECK(b.compatibility_threshold == st.compatibility_threshold);
  CHECK(b.genomes == st.genomes);
  for (size_t i = 0; i < st.genomes.size(); ++i) {
    CHECK(b.genomes[i].fitness == st.genomes[i].fitness);
    CHECK(b.genomes[i].evaluated == st.genomes[i].evaluated);
  }
  REQUIRE(b.species.size() == st.species.size());
  for (size_t i = 0; i < st.species.size(); ++i) {
    CHECK(b.species[i].id == st.species[i].id);
    CHECK(b.species[i].created == st.species[i].created);
    CHECK(b.species[i].last_improved == st.species[i].last_improved);
    CHECK(b.species[i].best_score == st.species[i].best_score);
    CHECK(b.species[i].has_best == st.species[i].has_best);
    CHECK(b.species[i].members == st.species[i].members);
    CHECK(b.species[i].representative == st.species[i].representative);
  }
  CHECK(b.innovations.next_innovation == st.innovations.next_innovation);
  CHECK(b.innovations.next_node_id == st.innovations.next_node_id);
  CHECK(b.innovations.connections == st.innovations.connections);
  CHECK(b.innovations.splits.size() == st.innovations.splits.size());
  CHECK(b.has_best == st.has_best);
  CHECK(b.best == st.best);
  CHECK(b.best.fitness == st.best.fitness);
  CHECK(b.solved == st.solved);
  CHECK(b.solution == st.solution);
  CHECK(b.restarts == st.restarts);
  REQUIRE(b.history.size() == st.history.size());
  for (size_t i = 0; i < st.history.size(); ++i) CHECK(stats_to_json(b.history[i]) == stats_to_json(st.history[i]));
  // XOR measures a loss and an accuracy (the METR section).
  REQUIRE(b.history[0].best_loss);
  CHECK(*b.history[0].best_loss == *st.history[0].best_loss);
  REQUIRE(b.history[0].best_accuracy);
  // Everything that is stored comes back: encoding the decoded state gives the same bytes.
  CHECK(encode_checkpoint(b, back.info) == body);

  // Stepping the restored state gives what stepping the original gives.
  auto task2 = TaskRegistry::instance().create(config);
  Engine engine2(config, *task2, *evaluator);
  engine2.restore(std::move(back.state));
  for (int i = 0; i < 3; ++i) {
    engine.step();
    engine2.step();
  }
  CHECK(engine2.state().genomes == engine.state().genomes);
  GenerationStats a = engine2.state().history.back(), b2 = engine.state().history.back();
  clear_times(a);
  clear_times(b2);
  CHECK(stats_to_json(a) == stats_to_json(b2));
}

TEST_CASE("an islands checkpoint holds every island's checkpoint whole, and is refused where one run is expected") {
  Config config = load_config(source_dir() + "/configs/xor.yaml", {"population_size=30", "backend=cpu", "threads=1"});
  std::vector<Bytes> files;
  std::vector<Bytes> bodies;
  for (uint64_t seed : {11u, 12u}) {
    config.seed = seed;
    auto task = TaskRegistry::instance().create(config);
    auto evaluator = make_evaluator(config);
    Engine engine(config, *task, *evaluator);
    engine.init();
    for (int i = 0; i < 3; ++i) REQUIRE(engine.step() == StopReason::None);
    CheckpointInfo info;
    info.config_yaml = config_to_yaml(config);
    bodies.push_back(encode_checkpoint(engine.state(), info));
    files.push_back(encode_container(bodies.back()));
  }
  IslandsCheckpoint whole;
  whole.run_id = "0123456789abcdef";
  whole.completed = 3;
  whole.islands = files;
  const Bytes body = encode_islands_checkpoint(whole);
  REQUIRE(is_islands_checkpoint(body));
  CHECK_FALSE(is_islands_checkpoint(bodies[0]));
  const IslandsCheckpoint back = decode_islands_checkpoint(body, "islands.gck");
  CHECK(back.run_id == whole.run_id);
  CHECK(back.completed == 3);
  REQUIRE(back.islands.size() == 2);
  for (int r = 0; r < 2; ++r) {
    CHECK(back.islands[size_t(r)] == files[size_t(r)]);
    const Checkpoint island = island_checkpoint(back.islands[size_t(r)], "islands.gck", r);
    CHECK(island.completed_generations() == 3);
    CHECK(encode_checkpoint(island.state, island.info) == bodies[size_t(r)]);
  }
  CHECK(back.islands[0] != back.islands[1]);  // two seeds, two islands
  // One run's resume (or inspect's plain decoding) of it names what it is and the command.
  try {
    decode_checkpoint(body, "islands.gck");
    FAIL("an islands checkpoint decoded as one run");
  } catch (const CheckpointError& e) {
    CHECK(std::string(e.what()).find("islands.gck: the checkpoint of an islands run (2 islands, 3 generation(s) "
                                     "evaluated); resume its run folder with `mpirun -np 2") != std::string::npos);
  }
  // Cut short, or an island's own bytes damaged: refused, naming the file (and the island).
  for (size_t cut : {body.size() - 1, body.size() / 2, size_t(12)}) {
    CAPTURE(cut);
    CHECK_THROWS_AS(decode_islands_checkpoint(Bytes(body.begin(), body.begin() + long(cut)), "islands.gck"),
                    CheckpointError);
  }
  Bytes damaged = files[1];
  damaged[damaged.size() - 3] ^= 0x40;
  try {
    island_checkpoint(damaged, "islands.gck", 1);
    FAIL("a damaged island decoded");
  } catch (const CheckpointError& e) {
    CHECK(std::string(e.what()).find("islands.gck (island 1)") != std::string::npos);
  }
}

TEST_CASE("the timing fields beyond HIST's come back from the TIME section, by name") {
  EvolutionState st;
  st.history.resize(2);
  st.history[0].time_speciate = 0.25;
  st.history[1].time_upload = 0.5;
  st.history[1].time_reporters = 0.125;
  st.history[1].time_total = 2.0;
  CheckpointInfo info;
  const Bytes body = encode_checkpoint(st, info);
  const Checkpoint back = decode_checkpoint(body, "memory");
  REQUIRE(back.state.history.size() == 2);
  CHECK(back.state.history[0].time_speciate == 0.25);
  CHECK(back.state.history[1].time_upload == 0.5);
  CHECK(back.state.history[1].time_reporters == 0.125);
  CHECK(back.state.history[1].time_total == 2.0);

  // The TIME section is the last: 4-byte tag, u64 length, payload. Without it (checkpoints from
  // before it) the fields are 0; with a name this Ganglion does not know, that field is skipped.
  size_t time_at = body.size();
  for (size_t i = body.size() - 4; i > 0; --i)
    if (std::string(body.begin() + long(i), body.begin() + long(i) + 4) == "TIME") {
      time_at = i;
      break;
    }
  REQUIRE(time_at < body.size());
  const Bytes without(body.begin(), body.begin() + long(time_at));
  const Checkpoint old = decode_checkpoint(without, "memory");
  CHECK(old.state.history[0].time_speciate == 0.0);
  CHECK(old.state.history[1].time_total == 2.0);

  BinaryWriter w;
  w.bytes(without.data(), without.size());
  const size_t s = w.begin_section("TIME");
  w.varint(2);
  w.string("from_the_future");
  w.string("speciate");
  for (double v : {1.0, 0.75, 3.0, 0.5}) w.f64(v);
  w.end_section(s);
  const Checkpoint later = decode_checkpoint(w.take(), "memory");
  CHECK(later.state.history[0].time_speciate == 0.75);
  CHECK(later.state.history[1].time_speciate == 0.5);
  CHECK(later.state.history[1].time_upload == 0.0);
}

TEST_CASE("resume from a checkpoint reproduces the uninterrupted run (CPU)") {
  if (ganglion_binary().empty()) {
    MESSAGE("GANGLION_BINARY not set: run through ctest");
    return;
  }
  ScratchDir dir("ckpt-resume");
  const std::string full = dir / "full", part = dir / "part", mid = dir / "mid";

  // Uninterrupted: 20 generations, a checkpoint every 5.
  auto r = run_ganglion("run " + xor_config() + kRunArgs + " --generations 20 --out '" + full + "'");
  INFO(r.output);
  REQUIRE(r.exit_code == 3);  // generation limit
  REQUIRE(fs::exists(full + "/checkpoints/ckpt-10.gck"));
  REQUIRE(fs::exists(full + "/checkpoints/ckpt-20.gck"));

  SUBCASE("stopped at its generation limit of 10, then resumed to 20") {
    r = run_ganglion("run " + xor_config() + kRunArgs + " --generations 10 --out '" + part + "'");
    REQUIRE(r.exit_code == 3);
    REQUIRE(fs::exists(part + "/checkpoints/ckpt-10.gck"));
    r = run_ganglion("resume '" + part + "' --generations 20 -q");
    INFO(r.output);
    REQUIRE(r.exit_code == 3);
    check_same_run(full, part);
    CHECK(fs::exists(part + "/checkpoints/ckpt-20.gck"));
  }
  SUBCASE("from a mid-run checkpoint, on another thread count") {
    fs::create_directories(mid + "/checkpoints");
    fs::copy_file(full + "/checkpoints/ckpt-10.gck", mid + "/checkpoints/ckpt-10.gck");
    r = run_ganglion("resume '" + mid + "/checkpoints/ckpt-10.gck' --threads 1 -q");
    INFO(r.output);
    REQUIRE(r.exit_code == 3);
    // config.yaml now records threads: 1; the run itself must not notice.
    const std::string sa = stats_without_times(full + "/stats.jsonl");
    CHECK(sa == stats_without_times(mid + "/stats.jsonl"));
    CHECK(read_text(full + "/best_genome.json") == read_text(mid + "/best_genome.json"));
  }
  SUBCASE("a stats.jsonl that ran past the checkpoint is cut back to it") {
    fs::create_directories(mid + "/checkpoints");
    fs::copy_file(full + "/checkpoints/ckpt-10.gck", mid + "/checkpoints/ckpt-10.gck");
    fs::copy_file(full + "/stats.jsonl", mid + "/stats.jsonl");  // 20 lines, as if killed later
    r = run_ganglion("resume '" + mid + "' -q");
    REQUIRE(r.exit_code == 3);
    check_same_run(full, mid);
  }
}

TEST_CASE("a task's state goes into checkpoints: double_pole_nv (champion_test best_untested) resumes exactly") {
  if (ganglion_binary().empty()) return;
  ScratchDir dir("ckpt-task-state");
  const std::string full = dir / "full", mid = dir / "mid";
  // Short episodes and champion tests keep this fast. Every generation tests one champion, so by
  // the checkpoint the task holds ten tested genome ids; a resume without them would hand the
  // first test to an elite tested before and go another way.
  const std::string args = " --set population_size=40 --set run.stop_when_solved=false --set backend=cpu -q"
                           " --set checkpoint.every=5 --set checkpoint.keep=10 --set task.champion_test=best_untested"
                           " --set task.max_steps=200 --set task.long_test_steps=500";
  auto r = run_ganglion("run '" + source_dir() + "/configs/double_pole_nv.yaml'" + args + " --generations 20 --out '" +
                        full + "'");
  INFO(r.output);
  REQUIRE(r.exit_code == 3);
  REQUIRE(fs::exists(full + "/checkpoints/ckpt-10.gck"));
  const Checkpoint ck = load_checkpoint(full + "/checkpoints/ckpt-10.gck");
  CHECK(ck.info.task_state.rfind("tested: ", 0) == 0);

  fs::create_directories(mid + "/checkpoints");
  fs::copy_file(full + "/checkpoints/ckpt-10.gck", mid + "/checkpoints/ckpt-10.gck");
  r = run_ganglion("resume '" + mid + "' -q");
  INFO(r.output);
  REQUIRE(r.exit_code == 3);
  check_same_run(full, mid);
  CHECK(load_checkpoint(mid + "/checkpoints/ckpt-20.gck").info.task_state ==
        load_checkpoint(full + "/checkpoints/ckpt-20.gck").info.task_state);
}

TEST_CASE("the champion re-test goes into checkpoints (RTST): a cart-pole run resumes exactly") {
  if (ganglion_binary().empty()) return;
  ScratchDir dir("ckpt-retest");
  const std::string full = dir / "full", mid = dir / "mid";
  // Cart-pole redraws its starts each generation, so its champion is re-tested (auto); an
  // unreachable return keeps every generation running.
  const std::string args = " --set population_size=30 --set backend=cpu -q --set task.solve_return=100000"
                           " --set checkpoint.every=5 --set checkpoint.keep=10 --set run.champion_episodes=7";
  auto r = run_ganglion("run '" + source_dir() + "/configs/cartpole.yaml'" + args + " --generations 20 --out '" +
                        full + "'");
  INFO(r.output);
  REQUIRE(r.exit_code == 3);
  const Checkpoint ck = load_checkpoint(full + "/checkpoints/ckpt-10.gck");
  REQUIRE(ck.state.best_retest);
  CHECK(ck.state.best_retest->episodes == 7);
  REQUIRE(ck.state.history.size() == 10);
  CHECK(ck.state.history[9].retest_fitness.has_value());
  const Bytes body = encode_checkpoint(ck.state, ck.info);
  const Checkpoint back = decode_checkpoint(body, "memory");
  CHECK(back.state.best_retest == ck.state.best_retest);
  CHECK(back.state.solution_retest == ck.state.solution_retest);
  for (size_t g = 0; g < 10; ++g) CHECK(back.state.history[g].retest_fitness == ck.state.history[g].retest_fitness);

  fs::create_directories(mid + "/checkpoints");
  fs::copy_file(full + "/checkpoints/ckpt-10.gck", mid + "/checkpoints/ckpt-10.gck");
  r = run_ganglion("resume '" + mid + "' -q");
  INFO(r.output);
  REQUIRE(r.exit_code == 3);
  check_same_run(full, mid);
  const auto best = nlohmann::json::parse(read_text(full + "/best_genome.json"));
  REQUIRE(best.contains("retest"));
  CHECK(best["retest"]["episodes"] == 7);
  CHECK(stats_without_times(full + "/stats.jsonl").find("\"retest_fitness\":") != std::string::npos);
}

TEST_CASE("SIGTERM saves a checkpoint that resumes to the uninterrupted run") {
  if (ganglion_binary().empty()) return;
  ScratchDir dir("ckpt-term");
  const std::string full = dir / "full", cut = dir / "cut";
  const std::vector<std::string> base = {ganglion_binary(), "run", source_dir() + "/configs/xor.yaml", "-q",
                                         "--set", "population_size=150", "--set", "run.stop_when_solved=false",
                                         "--set", "backend=cpu", "--generations", "150", "--out"};
  auto args = base;
  args.push_back(cut);
  pid_t pid = spawn_quiet(args);
  REQUIRE(pid > 0);
  // Signal once a generation is logged: the handler is installed before the session starts, so it
  // is surely there (a sanitizer build can take a while to start), and the run is just beginning.
  // A signal that comes later, even after the last generation, must still end in 130 or 3.
  const auto t0 = std::chrono::steady_clock::now();
  while (read_text(cut + "/stats.jsonl").empty() && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(30))
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  INFO("the run was ended by signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0));
  REQUIRE(WIFEXITED(status));
  // 130: interrupted and saved; 3: it finished before the signal came (a fast machine).
  CHECK((WEXITSTATUS(status) == 130 || WEXITSTATUS(status) == 3));
  REQUIRE(!list_checkpoints(cut + "/checkpoints").empty());
  if (WEXITSTATUS(status) == 130) {
    auto r = run_ganglion("resume '" + cut + "' -q");
    INFO(r.output);
    CHECK(r.exit_code == 3);
  }
  args = base;
  args.push_back(full);
  pid = spawn_quiet(args);
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);
  CHECK(stats_without_times(full + "/stats.jsonl") == stats_without_times(cut + "/stats.jsonl"));
  CHECK(read_text(full + "/best_genome.json") == read_text(cut + "/best_genome.json"));
}

TEST_CASE("resume refuses settings that would change the run, naming the key") {
  if (ganglion_binary().empty()) return;
  ScratchDir dir("ckpt-refuse");
  auto r = run_ganglion("run " + xor_config() + kRunArgs + " --generations 3 --out '" + (dir / "run") + "'");
  REQUIRE(r.exit_code == 3);
  r = run_ganglion("resume '" + (dir / "run") + "' --generations 5 --set speciation.compatibility_threshold=2");
  CHECK(r.exit_code != 0);
  CHECK(r.output.find("speciation.compatibility_threshold") != std::string::npos);
  CHECK(r.output.find("cannot change when resuming") != std::string::npos);
  r = run_ganglion("resume '" + (dir / "run") + "' --set seed=4 --generations 5");
  CHECK(r.exit_code != 0);
  CHECK(r.output.find("'seed'") != std::string::npos);
  // The limit must lie beyond what is done.
  r = run_ganglion("resume '" + (dir / "run") + "'");
  CHECK(r.exit_code != 0);
  CHECK(r.output.find("--generations") != std::string::npos);
  // Allowed: logging, checkpoint cadence, the generation limit.
  r = run_ganglion("resume '" + (dir / "run") + "' --generations 5 --set log.level=warn --set checkpoint.every=1 --set checkpoint.keep=2");
  CHECK(r.exit_code == 3);
  CHECK(fs::exists(dir / "run/checkpoints/ckpt-4.gck"));

  r = run_ganglion("inspect '" + (dir / "run") + "'");
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("5 evaluated") != std::string::npos);
  CHECK(r.output.find("species") != std::string::npos);
}

TEST_CASE("a checkpoint whose stored config disagrees with its state is refused, naming the file and the mismatch") {
  Config config = load_config(source_dir() + "/configs/xor.yaml",
                              {"population_size=30", "run.stop_when_solved=false", "backend=cpu", "threads=1"});
  auto task = TaskRegistry::instance().create(config);
  auto evaluator = make_evaluator(config);
  Engine engine(config, *task, *evaluator);
  engine.init();
  for (int i = 0; i < 3; ++i) REQUIRE(engine.step() == StopReason::None);
  Checkpoint ck;
  ck.state = engine.state();
  ck.info.config_yaml = config_to_yaml(config);
  check_checkpoint_matches_config(ck, config, "ok.gck");  // the run's own checkpoint matches

  auto refusal = [&](const std::string& override_text) {
    Config stored = config;
    apply_override(stored, override_text);
    try {
      check_checkpoint_matches_config(ck, stored, "ck.gck");
    } catch (const CheckpointError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(refusal("population_size=10") ==
        "ck.gck: the checkpoint holds a population of 30 genomes, but its config has population_size: 10");
  CHECK(refusal("genome.bias_node=false") ==
        "ck.gck: population genome #0 (genome id " + std::to_string(ck.state.genomes[0].id) +
            ") has 1 bias node(s), but the checkpoint's config has genome.bias_node: false (0 expected)");
  CHECK(refusal("genome.num_inputs=3").find("has 2 input node(s), but the checkpoint's config has "
                                            "genome.num_inputs: 3 (3 expected)") != std::string::npos);
  CHECK(refusal("genome.num_outputs=2").find("genome.num_outputs: 2") != std::string::npos);
  // A representative or the best genome is checked too.
  Checkpoint odd = ck;
  odd.state.best.nodes.push_back(NodeGene{1000000, NodeKind::Output});
  try {
    check_checkpoint_matches_config(odd, config, "ck.gck");
    FAIL("no error");
  } catch (const CheckpointError& e) {
    CHECK(std::string(e.what()).find("ck.gck: the best genome (genome id") != std::string::npos);
  }

  // Through the command line: 150 genomes saved under a config of population 10 (the crafted file
  // of the reproduction) is refused on resume, naming the file.
  if (ganglion_binary().empty()) return;
  ScratchDir dir("ckpt-mismatch");
  Config small = config;
  apply_override(small, "population_size=10");
  CheckpointInfo info;
  info.config_yaml = config_to_yaml(small);
  const std::string file = dir / "ckpt-3.gck";
  save_checkpoint(file, ck.state, info);
  auto r = run_ganglion("resume '" + file + "' --generations 5 -q --out '" + (dir / "out") + "'");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find(file + ": the checkpoint holds a population of 30 genomes, but its config has "
                             "population_size: 10") != std::string::npos);
}
