// The engine end to end: XOR solves; one seed gives identical stats.jsonl (apart from time_ keys)
// and best_genome.json on 1 and 4 threads; restoring a mid-run state continues exactly; NaN
// fitness is replaced by the worst fitness and counted; a generation without one finite fitness
// stops the run (run.on_all_invalid) with the state left before it.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
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
                                         "time_upload", "time_evaluate", "time_communicate", "time_statistics", "time_reproduce",
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

namespace {
// Training fitness: the network's index, so the generation's last genome is its best; solved at
// `solve`. Its "episodes" score a genome by its id alone, so the champion re-test (engine.hpp)
// ranks genomes otherwise than training does.
class LuckyTask final : public Task {
 public:
  explicit LuckyTask(double solve) : solve_(solve) {}
  std::string name() const override { return "lucky"; }
  uint32_t num_inputs() const override { return 2; }
  uint32_t num_outputs() const override { return 1; }
  void evaluate(const PopulationLayout& layout, Evaluator&, const TaskContext&, std::vector<double>& fitness) override {
    fitness.resize(layout.num_networks);
    for (uint32_t n = 0; n < layout.num_networks; ++n) fitness[n] = double(n);
  }
  bool solved(double fitness) const override { return fitness >= solve_; }
  bool random_starts() const override { return true; }
  bool plays_episodes() const override { return true; }
  std::vector<EpisodeOutcome> play_episodes(const PopulationLayout& layout, Evaluator&, ThreadPool&, uint64_t,
                                            uint32_t episodes) override {
    ++retests;
    std::vector<EpisodeOutcome> out;
    for (uint32_t n = 0; n < layout.num_networks; ++n)
      for (uint32_t e = 0; e < episodes; ++e) out.push_back({1, 1.0, retest_of(layout.genome_id.at(n))});
    return out;
  }
  double fitness_of_episodes(const std::vector<EpisodeOutcome>& episodes) const override {
    return episodes.empty() ? 0.0 : episodes[0].fitness;
  }
  static double retest_of(uint64_t id) { return double((id * 7919) % 100); }
  uint32_t retests = 0;

 private:
  double solve_;
};
}  // namespace

TEST_CASE("the champion re-test picks best_genome.json by its re-test and confirms solutions") {
  Config c = testing::xor_config(5);
  c.population_size = 30;
  c.run.generations = 6;
  CpuEvaluator ev(1u);
  SUBCASE("the champion is the re-tested genome with the best re-test; every generation re-tests one") {
    LuckyTask task(1e9);
    Engine e(c, task, ev);
    CHECK(e.champion_retest_episodes() == kAutoChampionEpisodes);
    CHECK(e.run() == StopReason::GenerationLimit);
    const EvolutionState& st = e.state();
    CHECK(task.retests == 6);
    double best = -1.0;
    uint32_t at = 0;
    for (const auto& s : st.history) {
      REQUIRE(s.retest_fitness);
      if (*s.retest_fitness > best) {
        best = *s.retest_fitness;
        at = s.generation;
      }
      CHECK(*s.retest_fitness == LuckyTask::retest_of(s.best_genome_id));  // the generation's best was re-tested
    }
    REQUIRE(st.best_retest);
    CHECK(st.best_retest->fitness == best);
    CHECK(st.best_retest->generation == at);
    CHECK(st.best_retest->episodes == kAutoChampionEpisodes);
    CHECK(LuckyTask::retest_of(st.best.id) == best);
    CHECK(st.best.fitness == double(c.population_size - 1));  // its training fitness stays as it was
    CHECK(st.history.back().best_ever_fitness == double(c.population_size - 1));
  }
  SUBCASE("a claimed solution whose re-test fails does not stop the run") {
    LuckyTask task(10.0);  // every generation claims (training fitness up to 29); a re-test of 10 or more confirms
    c.run.champion_episodes = 3;
    Engine e(c, task, ev);
    const StopReason r = e.run();
    const EvolutionState& st = e.state();
    // Solved exactly in the first generation whose re-tested best solver scores >= 10 on re-test.
    size_t first = st.history.size();
    for (size_t g = 0; g < st.history.size(); ++g)
      if (*st.history[g].retest_fitness >= 10.0) {
        first = g;
        break;
      }
    REQUIRE(first < 6);
    CHECK(r == StopReason::Solved);
    CHECK(st.history.size() == first + 1);
    for (size_t g = 0; g < first; ++g) CHECK(!st.history[g].solved);
    CHECK(st.solved);
    REQUIRE(st.solution_retest);
    CHECK(st.solution_retest->episodes == 3);
    CHECK(st.solution_retest->fitness == *st.history[first].retest_fitness);
  }
  SUBCASE("a re-test that never meets the criterion never solves") {
    LuckyTask task(100.0);  // re-tests score below 100
    c.population_size = 150;
    Engine e(c, task, ev);
    CHECK(e.run() == StopReason::GenerationLimit);
    CHECK(!e.state().solved);
  }
  SUBCASE("0 turns it off") {
    LuckyTask task(1e9);
    c.run.champion_episodes = 0;
    Engine e(c, task, ev);
    e.run();
    CHECK(task.retests == 0);
    CHECK(!e.state().best_retest);
    CHECK(!e.state().history.back().retest_fitness);
  }
}

TEST_CASE("run.champion_episodes: auto is off for tasks without random starts, a count on them is refused") {
  Config c = xor_yaml(1);
  c.run.generations = 2;
  auto task = TaskRegistry::instance().create(c);
  CpuEvaluator ev(1u);
  {
    Engine e(c, *task, ev);
    CHECK(e.champion_retest_episodes() == 0);
    e.run();
    CHECK(!e.state().best_retest);
    CHECK(!e.state().history[0].retest_fitness);
  }
  c.run.champion_episodes = 5;
  CHECK_THROWS_WITH_AS(Engine(c, *task, ev), doctest::Contains("run.champion_episodes: 5"), ConfigError);
}

TEST_CASE("the champion re-test of a real control task is the same on 1 and 2 threads") {
  std::vector<std::vector<std::optional<double>>> retests;
  std::vector<std::optional<GenomeRetest>> best;
  for (uint32_t threads : {1u, 2u}) {
    Config c = load_config("configs/cartpole.yaml", {"population_size=40", "run.generations=4", "backend=cpu",
                                                     "threads=" + std::to_string(threads)});
    auto task = TaskRegistry::instance().create(c);
    CHECK(task->random_starts());
    CpuEvaluator ev(threads);
    Engine e(c, *task, ev);
    e.run();
    std::vector<std::optional<double>> r;
    for (const auto& s : e.state().history) r.push_back(s.retest_fitness);
    retests.push_back(r);
    best.push_back(e.state().best_retest);
  }
  REQUIRE(retests[0].size() >= 1);
  CHECK(retests[0][0].has_value());
  CHECK(retests[0] == retests[1]);
  REQUIRE(best[0]);
  CHECK(best[0] == best[1]);
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
