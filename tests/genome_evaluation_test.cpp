// One genome on its task (core/task/genome_evaluation.hpp): a data task's outputs, loss and
// accuracy on its own table and on a CSV; a control task's fresh episodes, repeatable by seed; the
// double pole's generalisation test with the published figures and hand-checked start states;
// errors that name the genome, the file and the line.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "core/config/config.hpp"
#include "core/error.hpp"
#include "core/network/cpu_evaluator.hpp"
#include "core/task/genome_evaluation.hpp"
#include "experiments/pole/pole_tasks.hpp"
#include "tests/task_networks.hpp"

using namespace ganglion;
namespace fs = std::filesystem;

namespace {

Config config_of(const std::string& file, std::vector<std::string> overrides = {}) {
  return load_config(std::string("configs/") + file, overrides);
}

fs::path write_temp(const std::string& name, const std::string& text) {
  const fs::path p = fs::temp_directory_path() / ("ganglion_geval_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(p) << text;
  return p;
}

// XOR's linear genome: out = sigmoid(w0 x0 + w1 x1 + b).
Genome xor_genome() { return testing::linear_genome(7, 2, {{1.5f, -0.5f, 0.25f}}, Activation::NeatSigmoid); }

}  // namespace

TEST_CASE("spread_of gives mean, population std, min and max") {
  const Spread s = spread_of({1.0, 2.0, 3.0, 6.0});
  CHECK(s.mean == doctest::Approx(3.0));
  CHECK(s.std == doctest::Approx(std::sqrt((4.0 + 1.0 + 0.0 + 9.0) / 4.0)));
  CHECK(s.min == 1.0);
  CHECK(s.max == 6.0);
  CHECK(spread_of({}).mean == 0.0);
}

TEST_CASE("a data task: the outputs, loss and accuracy on its own table") {
  const Config c = config_of("xor.yaml");
  const Genome g = xor_genome();
  GenomeEvaluationOptions o;
  const GenomeEvaluation r = evaluate_genome(c, g, o, "xor_genome.json");
  REQUIRE(r.data);
  CHECK(!r.episodes);
  CHECK(r.task == "xor");
  CHECK(r.genome_id == 7);
  const DataEvaluation& d = *r.data;
  REQUIRE(d.data.rows() == 4);
  // The outputs are the network's, computed here on a separate evaluator.
  PopulationLayout one = testing::layout_of({g});
  CpuEvaluator ev(1u);
  ev.load(one);
  std::vector<float> want(4);
  ev.activate(d.data.inputs.data(), 4, InputMode::Shared, want.data());
  double abs_error = 0.0;
  size_t right = 0;
  for (size_t i = 0; i < 4; ++i) {
    CHECK(d.outputs[i] == want[i]);
    abs_error += std::fabs(double(want[i]) - d.data.targets[i]);
    right += (want[i] >= 0.5f) == (d.data.targets[i] == 1.0f);
  }
  // XOR's table is a truth table: scored with the mean absolute error, its fitness its own.
  CHECK(d.loss_name == "mae");
  CHECK(d.loss == doctest::Approx(abs_error / 4.0));
  REQUIRE(d.accuracy);
  CHECK(*d.accuracy == doctest::Approx(double(right) / 4.0));
  CHECK(d.fitness == doctest::Approx((4.0 - abs_error) * (4.0 - abs_error)));
  CHECK(!d.solved);  // one linear unit cannot solve XOR
}

TEST_CASE("a data task on a CSV: the task's loss; wrong columns name the file and line") {
  const Config c = config_of("regression.yaml");
  // regression.yaml's data: two inputs, one target; a genome of that shape, out = 0.5 x1 + 0.1.
  const Genome g = testing::linear_genome(3, 2, {{0.5f, 0.0f, 0.1f}}, Activation::Identity);
  const fs::path csv = write_temp("ok.csv", "x1,x2,y\n0,9,0.1\n1,9,0.6\n2,9,1.5\n");
  GenomeEvaluationOptions o;
  o.data_file = csv.string();
  const GenomeEvaluation r = evaluate_genome(c, g, o, "g.json");
  REQUIRE(r.data);
  const DataEvaluation& d = *r.data;
  CHECK(d.origin == csv.string());
  REQUIRE(d.data.rows() == 3);
  // errors 0, 0, 0.4 -> mse 0.16 / 3.
  CHECK(d.loss_name == "mse");
  CHECK(d.loss == doctest::Approx(0.16 / 3.0).epsilon(1e-6));
  CHECK(!d.accuracy);  // targets are not all 0 or 1

  const fs::path bad = write_temp("bad.csv", "0,1,0.1\n1,0,0.6,7\n");
  o.data_file = bad.string();
  try {
    evaluate_genome(c, g, o, "g.json");
    FAIL("no error");
  } catch (const ConfigError& e) {
    const std::string m = e.what();
    CHECK(m.find(bad.string() + ":2") != std::string::npos);
    CHECK(m.find("4 columns, expected 3") != std::string::npos);
  }
  o.data_file = (fs::temp_directory_path() / "ganglion_geval_no_such.csv").string();
  CHECK_THROWS_WITH_AS(evaluate_genome(c, g, o, "g.json"), doctest::Contains("ganglion_geval_no_such.csv"),
                       ConfigError);
  fs::remove(csv);
  fs::remove(bad);
}

TEST_CASE("a genome of another shape is refused, naming the genome and both shapes") {
  const Config c = config_of("xor.yaml");
  const Genome g = testing::linear_genome(9, 3, {{1.0f, 1.0f, 1.0f, 1.0f}}, Activation::NeatSigmoid);
  try {
    evaluate_genome(c, g, {}, "runs/x/best_genome.json");
    FAIL("no error");
  } catch (const GenomeError& e) {
    const std::string m = e.what();
    CHECK(m.find("runs/x/best_genome.json") != std::string::npos);
    CHECK(m.find("genome 9 has 3 input and 1 output nodes") != std::string::npos);
    CHECK(m.find("task 'xor'") != std::string::npos);
    CHECK(m.find("2 inputs and 1 outputs") != std::string::npos);
  }
}

TEST_CASE("a control task: fresh episodes by seed, their spread, and the task's fitness over them") {
  const Config c = config_of("cartpole.yaml");
  // Push towards the side the pole leans to: balances for a while from most starts.
  const Genome g = testing::linear_genome(
      5, 4, {{0.0f, 0.0f, -5.0f, -1.0f, 0.0f}, {0.0f, 0.0f, 5.0f, 1.0f, 0.0f}}, Activation::NeatSigmoid);
  GenomeEvaluationOptions o;
  o.episodes = 12;
  o.seed = 3;
  const GenomeEvaluation a = evaluate_genome(c, g, o);
  REQUIRE(a.episodes);
  CHECK(!a.data);
  const EpisodeEvaluation& e = *a.episodes;
  REQUIRE(e.episodes.size() == 12);
  std::vector<double> returns;
  for (const auto& ep : e.episodes) {
    CHECK(ep.steps >= 1);
    CHECK(ep.steps <= 500);
    CHECK(ep.total_reward == double(ep.steps));  // Gym's reward: 1 per step
    returns.push_back(ep.total_reward);
  }
  const Spread s = spread_of(returns);
  CHECK(e.returns.mean == s.mean);
  CHECK(e.returns.std == s.std);
  CHECK(e.fitness == doctest::Approx(s.mean));  // cartpole.yaml's aggregate: mean
  CHECK(e.solved == (e.fitness >= 475.0));

  // Always pushing right: each episode's length depends on its start alone.
  const Genome pusher = testing::linear_genome(6, 4, {{0, 0, 0, 0, 0}, {0, 0, 0, 0, 1}}, Activation::NeatSigmoid);
  const GenomeEvaluation first = evaluate_genome(c, pusher, o);
  const GenomeEvaluation again = evaluate_genome(c, pusher, o);
  bool same = true;
  for (size_t i = 0; i < 12; ++i) same = same && again.episodes->episodes[i].steps == first.episodes->episodes[i].steps;
  CHECK(same);
  o.seed = 4;
  const GenomeEvaluation other = evaluate_genome(c, pusher, o);
  bool differ = false;
  for (size_t i = 0; i < 12; ++i) differ = differ || other.episodes->episodes[i].steps != first.episodes->episodes[i].steps;
  CHECK(differ);

  o.data_file = "some.csv";
  CHECK_THROWS_WITH_AS(evaluate_genome(c, g, o), doctest::Contains("control task"), ConfigError);
}

TEST_CASE("the generalisation starts are the 5^4 grid, short pole upright") {
  pole::DoublePoleState s{};
  pole::generalization_start(0, s);  // every variable at 0.05 of its range
  CHECK(s.s[0] == doctest::Approx(-1.944));
  CHECK(s.s[1] == doctest::Approx(-1.215));
  CHECK(s.s[2] == doctest::Approx(-0.0565483680));
  CHECK(s.s[3] == doctest::Approx(-0.1350877680));
  CHECK(s.s[4] == 0.0);
  CHECK(s.s[5] == 0.0);
  pole::generalization_start(312, s);  // 2*125 + 2*25 + 2*5 + 2: every variable at 0.5
  for (int i = 0; i < 6; ++i) CHECK(s.s[i] == doctest::Approx(0.0));
  pole::generalization_start(624, s);  // every variable at 0.95
  CHECK(s.s[0] == doctest::Approx(1.944));
  CHECK(s.s[3] == doctest::Approx(0.1350877680));
  pole::generalization_start(1, s);  // only theta1' moves to 0.25
  CHECK(s.s[0] == doctest::Approx(-1.944));
  CHECK(s.s[3] == doctest::Approx(-0.0750487600));
}

TEST_CASE("the double pole's standard test: generalisation over 625 starts beside the published figures") {
  const Config c = config_of("double_pole_nv.yaml");
  const Genome g = testing::linear_genome(11, 3, {{-0.5f, -3.0f, -3.0f, 0.4f}}, Activation::NeatSigmoid);
  GenomeEvaluationOptions o;
  o.episodes = 2;
  const GenomeEvaluation r = evaluate_genome(c, g, o);
  REQUIRE(r.tests.size() == 1);
  const ProtocolTest& t = r.tests[0];
  CHECK(t.name == "generalization");
  CHECK(t.out_of == 625);
  PopulationLayout one = testing::layout_of({g}, false);
  CHECK(t.score == double(pole::double_pole_generalization(pole::DoublePole{false, false}, one, 0, 1000)));
  REQUIRE(t.published.size() == 3);
  CHECK(t.published[0].method == "NEAT");
  CHECK(t.published[0].score == "286");
  CHECK(t.published[1].method == "ESP");
  CHECK(t.published[1].score == "289");
  o.protocol_tests = false;
  CHECK(evaluate_genome(c, g, o).tests.empty());
}
