// The engine end to end: XOR solves; one seed gives identical stats.jsonl (apart from time_ keys)
// and best_genome.json on 1 and 4 threads; restoring a mid-run state continues exactly; NaN
// fitness is replaced by the worst fitness and counted; a generation without one finite fitness
// stops the run (run.on_all_invalid) with the state left before it.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "core/network/cpu_evaluator.hpp"
#include "core/error.hpp"
#include "evolution/engine.hpp"
#include "evolution/run_folder.hpp"
#include "tests/evolution_fixtures.hpp"

using namespace ganglion;
namespace fs = std::filesystem;

namespace {
Config xor_yaml(uint64_t seed) {
  Config c = load_config("configs/xor.yaml", {"seed=" + std::to_string(seed)});
  return c;
}
std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
// stats.jsonl without the time_ keys.
std::string without_times(const std::string& jsonl) {
  std::stringstream in(jsonl), out;
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::ordered_json::parse(line);
    for (auto it = j.begin(); it != j.end();) it = it.key().rfind("time_", 0) == 0 ? j.erase(it) : std::next(it);
    out << j.dump() << "\n";
  }
  return out.str();
}
fs::path temp_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("ganglion_engine_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(p);
  return p;
}
struct Snapshot final : Reporter {
  uint32_t at;
  EvolutionState state;
  bool taken = false;
  explicit Snapshot(uint32_t g) : at(g) {}
  void on_generation(const GenerationStats& s, const EvolutionState& st, StopReason r) override {
    if (s.generation == at && r == StopReason::None) {
      state = st;
      taken = true;
    }
  }
};
}  // namespace

TEST_CASE("XOR is solved within the generation limit") {
  for (uint64_t seed : {1, 2, 3}) {
    Config c = xor_yaml(seed);
    auto task = TaskRegistry::instance().create(c);
    CpuEvaluator ev(1);
    c.threads = 1;
    Engine engine(c, *task, ev);
    StopReason r = engine.run();
    INFO("seed " << seed);
    CHECK(r == StopReason::Solved);
    CHECK(engine.state().solved);
    CHECK(engine.state().evaluations == uint64_t(engine.state().generation + 1) * c.population_size);
  }
}

TEST_CASE("one seed gives the same run folder on 1 and 4 threads") {
  const uint64_t seed = testing::test_seed() % 1000 + 1;
  MESSAGE("GANGLION_TEST_SEED=" << seed);
  std::string stats[2], best[2];
  for (int k = 0; k < 2; ++k) {
    Config c = xor_yaml(seed);
    c.threads = k == 0 ? 1 : 4;
    c.run.generations = 25;
    c.run.stop_when_solved = false;
    c.genome.conn_add_prob = 0.3;  // more structure: more innovations to get right
    c.genome.node_add_prob = 0.2;
    auto task = TaskRegistry::instance().create(c);
    CpuEvaluator ev(c.threads);
    Engine engine(c, *task, ev);
    fs::path dir = temp_dir(std::to_string(k));
    RunFolder folder(dir.string(), c);
    engine.add_reporter(&folder);
    CHECK(engine.run() == StopReason::GenerationLimit);
    stats[k] = without_times(read(dir / "stats.jsonl"));
    best[k] = read(dir / "best_genome.json");
    CHECK(fs::exists(dir / "config.yaml"));
    fs::remove_all(dir);
  }
  CHECK(!stats[0].empty());
  CHECK(stats[0] == stats[1]);
  CHECK(best[0] == best[1]);
}

TEST_CASE("stats.jsonl lines carry exactly the documented keys") {
  GenerationStats s;
  s.species.push_back(SpeciesStats{3, 10, 1.5, 2, 1});
  auto j = nlohmann::ordered_json::parse(stats_to_json(s));
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  CHECK(keys == std::vector<std::string>{"generation", "evaluations", "best_fitness", "mean_fitness", "median_fitness",
                                         "best_ever_fitness", "species_count", "species", "mean_nodes",
                                         "mean_connections", "best_nodes", "best_connections",
                                         "compatibility_threshold", "solved", "invalid_fitness", "time_compile",
                                         "time_upload", "time_evaluate", "time_statistics", "time_reproduce",
                                         "time_speciate", "time_reporters", "time_total"});
  CHECK(j["species"][0]["id"] == 3);
  CHECK(j["species"][0]["stagnation"] == 1);
}

TEST_CASE("stats.jsonl has best_loss and best_accuracy only where a task measures them") {
  GenerationStats s;
  auto j = nlohmann::ordered_json::parse(stats_to_json(s));
  CHECK_FALSE(j.contains("best_loss"));
  CHECK_FALSE(j.contains("best_accuracy"));
  s.best_loss = 0.25;
  j = nlohmann::ordered_json::parse(stats_to_json(s));
  CHECK(j["best_loss"] == 0.25);
  CHECK_FALSE(j.contains("best_accuracy"));
  s.best_accuracy = 0.75;
  s.best_loss = INFINITY;  // no JSON number: null, the key still there
  j = nlohmann::ordered_json::parse(stats_to_json(s));
  CHECK(j["best_loss"].is_null());
  CHECK(j["best_accuracy"] == 0.75);
  // Before the time_ fields, after invalid_fitness.
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  CHECK(keys[15] == "best_loss");
  CHECK(keys[16] == "best_accuracy");
  CHECK(keys[17] == "time_compile");
}

TEST_CASE("the engine reports the best genome's loss and accuracy, and takes the task's input and output counts") {
  Config c = xor_yaml(3);
  c.genome.num_inputs = 0;  // left out: the task's
  c.genome.num_outputs = 0;
  c.run.generations = 3;
  auto task = TaskRegistry::instance().create(c);
  CpuEvaluator ev(1);
  Engine engine(c, *task, ev);
  CHECK(engine.config().genome.num_inputs == 2);
  CHECK(engine.config().genome.num_outputs == 1);
  engine.run();
  for (const auto& s : engine.state().history) {
    REQUIRE(s.best_loss);
    REQUIRE(s.best_accuracy);
    // XOR's fitness is (4 - 4 * mean |error|)^2 and its accuracy a quarter per row.
    CHECK(s.best_fitness == doctest::Approx((4.0 - 4.0 * *s.best_loss) * (4.0 - 4.0 * *s.best_loss)));
    CHECK(*s.best_accuracy * 4.0 == doctest::Approx(std::round(*s.best_accuracy * 4.0)));
  }

  Config wrong = xor_yaml(3);
  wrong.genome.num_inputs = 3;
  CHECK_THROWS_WITH_AS(Engine(wrong, *task, ev),
                       doctest::Contains("task 'xor' has 2 inputs and 1 outputs, but genome.num_inputs = 3"), ConfigError);
}

TEST_CASE("restoring a state taken after a generation continues exactly") {
  Config c = xor_yaml(7);
  c.run.generations = 30;
  c.run.stop_when_solved = false;
  c.genome.conn_add_prob = 0.2;
  auto task = TaskRegistry::instance().create(c);
  CpuEvaluator ev(2);
  Engine full(c, *task, ev);
  Snapshot snap(12);
  full.add_reporter(&snap);
  full.run();
  REQUIRE(snap.taken);

  Engine resumed(c, *task, ev);
  resumed.restore(snap.state);
  resumed.run();
  const auto& a = full.state();
  const auto& b = resumed.state();
  CHECK(a.evaluations == b.evaluations);
  testing::check_same_runs(a, b);
}

TEST_CASE("NaN and infinite fitness get the generation's worst fitness and are counted") {
  Config c = testing::xor_config(3);
  c.run.generations = 3;
  testing::FunctionTask task(2, 1, [](uint32_t n, uint32_t) {
    if (n == 0) return std::nan("");
    if (n == 1) return double(INFINITY);
    return 1.0 + double(n % 7);
  });
  CpuEvaluator ev(1);
  Engine engine(c, task, ev);
  CHECK(engine.run() == StopReason::GenerationLimit);
  const auto& h = engine.state().history;
  REQUIRE(h.size() == 3);
  for (const auto& s : h) {
    CHECK(s.invalid_fitness == 2);
    CHECK(std::isfinite(s.mean_fitness));
  }
  CHECK(engine.state().genomes[0].fitness == 1.0);
}

TEST_CASE("a generation without one finite fitness stops the run, keeping nothing of it") {
  Config c = testing::xor_config(3);
  c.run.generations = 10;
  // Finite in generations 0 and 1, NaN for every genome from generation 2 on.
  testing::FunctionTask task(2, 1, [](uint32_t n, uint32_t gen) { return gen < 2 ? 1.0 + double(n % 5) : std::nan(""); });
  CpuEvaluator ev(1);
  Engine engine(c, task, ev);
  struct Last final : Reporter {
    uint32_t generations = 0;
    StopReason finished = StopReason::None;
    void on_generation(const GenerationStats&, const EvolutionState&, StopReason) override { ++generations; }
    void on_finish(const EvolutionState&, StopReason r) override { finished = r; }
  } last;
  engine.add_reporter(&last);
  CHECK(engine.run() == StopReason::AllInvalid);
  CHECK(last.finished == StopReason::AllInvalid);
  CHECK(last.generations == 2);  // the failed generation is not reported as evaluated
  const EvolutionState& st = engine.state();
  CHECK(st.generation == 2);
  CHECK(st.history.size() == 2);
  CHECK(st.evaluations == 2 * st.genomes.size());
  for (const auto& g : st.genomes) CHECK(!g.evaluated);
  CHECK(stop_leaves_unevaluated(StopReason::AllInvalid));
  CHECK(std::string(stop_reason_name(StopReason::AllInvalid)) == "no valid fitness");

  // run.on_all_invalid: continue keeps the rule for partly invalid generations: every genome gets 0.
  c.run.on_all_invalid = AllInvalidPolicy::Continue;
  Engine going_on(c, task, ev);
  CHECK(going_on.run() == StopReason::GenerationLimit);
  const auto& h = going_on.state().history;
  REQUIRE(h.size() == 10);
  CHECK(h[1].invalid_fitness == 0);
  CHECK(h[2].invalid_fitness == c.population_size);
  CHECK(h[9].best_fitness == 0.0);
  CHECK(nlohmann::json::parse(stats_to_json(h[2]))["invalid_fitness"] == c.population_size);
}

TEST_CASE("the message of a stop without valid fitness names the task, the generation and the way on") {
  const std::string m = all_invalid_message("fixture", 7, 150, "runs/a/checkpoints/ckpt-7.gck");
  CHECK(m.find("task 'fixture'") != std::string::npos);
  CHECK(m.find("generation 7") != std::string::npos);
  CHECK(m.find("all 150 values") != std::string::npos);
  CHECK(m.find("runs/a/checkpoints/ckpt-7.gck") != std::string::npos);
  CHECK(m.find("run.on_all_invalid=continue") != std::string::npos);
}

TEST_CASE("a task whose shape differs from the genome config is refused") {
  Config c = testing::xor_config();
  testing::FunctionTask task(3, 1, [](uint32_t, uint32_t) { return 0.0; });
  CpuEvaluator ev(1);
  CHECK_THROWS_WITH_AS(Engine(c, task, ev), doctest::Contains("genome.num_inputs"), ConfigError);
}

TEST_CASE("the log line shows the best genome's loss and accuracy and tells a threshold from a solution") {
  std::ostringstream text;
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture",
                                                               std::make_shared<spdlog::sinks::ostream_sink_mt>(text)));
  LogReporter log;
  EvolutionState st;
  GenerationStats s;
  s.best_loss = 0.125;
  s.best_accuracy = 0.75;
  s.solved = true;
  log.on_generation(s, st, StopReason::Threshold);
  const std::string threshold = text.str();
  text.str("");
  log.on_generation(s, st, StopReason::Solved);
  const std::string solved = text.str();
  text.str("");
  GenerationStats plain;
  log.on_generation(plain, st, StopReason::None);
  const std::string none = text.str();
  spdlog::set_default_logger(previous);
  CHECK(threshold.find("loss 0.125  accuracy 0.750") != std::string::npos);
  CHECK(threshold.find("THRESHOLD REACHED") != std::string::npos);
  CHECK(threshold.find("SOLVED") == std::string::npos);
  CHECK(solved.find("SOLVED") != std::string::npos);
  CHECK(solved.find("THRESHOLD") == std::string::npos);
  CHECK(none.find("loss") == std::string::npos);
  CHECK(none.find("accuracy") == std::string::npos);
}
