// Data tasks (core/task/data_task.hpp): CSV loading and its errors, losses and accuracy, one
// batched activation of every network on every row, the metrics of each network, and the
// regression task built from a config.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <fstream>
#include <string>

#include "core/config/config.hpp"
#include "core/network/cpu_evaluator.hpp"
#include "core/task/data_task.hpp"
#include "core/error.hpp"
#include "core/task/task.hpp"
#include "tests/task_networks.hpp"

using namespace ganglion;
using doctest::Approx;

namespace {
std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("CSV: header, comments and blank lines; inputs then targets") {
  const std::string text = "# a comment\nx1, x2, y\n\n1, 2, 3\n-0.5,1e-1,0.25\n";
  Dataset d = parse_csv_dataset(text, "mem.csv", 2, 1);
  REQUIRE(d.rows() == 2);
  CHECK(d.inputs == std::vector<float>{1.0f, 2.0f, -0.5f, 0.1f});
  CHECK(d.targets == std::vector<float>{3.0f, 0.25f});
  Dataset two = parse_csv_dataset("1,2,3,4\n5,6,7,8\n", "mem.csv", 1, 3);
  CHECK(two.rows() == 2);
  CHECK(two.targets.size() == 6);
}

TEST_CASE("CSV: errors name file:line, the column and what was expected") {
  std::string msg = error_of([] { parse_csv_dataset("x,y,z\n1,2,3\n4,5\n", "data.csv", 2, 1); });
  CHECK(msg.find("data.csv:3") != std::string::npos);
  CHECK(msg.find("2 columns, expected 3") != std::string::npos);

  msg = error_of([] { parse_csv_dataset("1,2,3\n4,abc,6\n", "data.csv", 2, 1); });
  CHECK(msg.find("data.csv:2") != std::string::npos);
  CHECK(msg.find("column 2") != std::string::npos);
  CHECK(msg.find("'abc'") != std::string::npos);

  msg = error_of([] { parse_csv_dataset("1,2,nan\n", "data.csv", 2, 1); });
  CHECK(msg.find("data.csv:1") != std::string::npos);

  msg = error_of([] { parse_csv_dataset("# nothing\n", "empty.csv", 2, 1); });
  CHECK(msg.find("empty.csv: no data rows") != std::string::npos);

  msg = error_of([] { load_csv_dataset("/nonexistent/dir/data.csv", 2, 1); });
  CHECK(msg.find("/nonexistent/dir/data.csv") != std::string::npos);
  CHECK(msg.find("no such file (expected a data file)") != std::string::npos);
}

TEST_CASE("losses and fitness forms") {
  const float out[4] = {1.0f, 0.0f, 0.5f, 0.25f};
  const float tgt[4] = {0.0f, 0.0f, 1.0f, 0.25f};
  CHECK(compute_loss(Loss::Sse, out, tgt, 4, 1) == Approx(1.25));
  CHECK(compute_loss(Loss::Mse, out, tgt, 4, 1) == Approx(1.25 / 4));
  CHECK(compute_loss(Loss::Rmse, out, tgt, 2, 2) == Approx(std::sqrt(1.25 / 4)));
  CHECK(compute_loss(Loss::Mae, out, tgt, 4, 1) == Approx(1.5 / 4));
  const float p[2] = {0.8f, 0.3f};
  const float y[2] = {1.0f, 0.0f};
  CHECK(compute_loss(Loss::BinaryCrossEntropy, p, y, 2, 1) == Approx(-(std::log(0.8) + std::log(0.7)) / 2));
  for (FitnessForm f : {FitnessForm::Negative, FitnessForm::Inverse, FitnessForm::Offset}) {
    const double fit = fitness_from_loss(f, 4.0, 0.3);
    CHECK(loss_from_fitness(f, 4.0, fit) == Approx(0.3));
  }
  CHECK(fitness_from_loss(FitnessForm::Offset, 4.0, 0.3) == Approx(3.7));
  CHECK(fitness_from_loss(FitnessForm::Inverse, 0.0, 1.0) == Approx(0.5));
}

TEST_CASE("a data task activates all networks on all rows at once and scores each") {
  Dataset d = parse_csv_dataset("0,0,0\n0,1,1\n1,0,1\n1,1,2\n", "sum.csv", 2, 1);
  DataTaskOptions options;
  options.loss = Loss::Sse;
  options.form = FitnessForm::Offset;
  options.offset = 10.0;
  options.solve_loss = 1e-6;
  DataTask task("sum", d, options);
  CHECK(task.num_inputs() == 2);
  CHECK(task.num_outputs() == 1);

  // y = a*x1 + b*x2 + c for three (a, b, c): exact, off by one everywhere, one weight wrong.
  std::vector<Genome> genomes = {testing::linear_genome(1, 2, {{1.0f, 1.0f, 0.0f}}),
                                 testing::linear_genome(2, 2, {{1.0f, 1.0f, 1.0f}}),
                                 testing::linear_genome(3, 2, {{2.0f, 1.0f, 0.0f}})};
  PopulationLayout layout = testing::layout_of(genomes);
  CpuEvaluator evaluator(2);
  evaluator.load(layout);
  std::vector<double> fitness;
  task.evaluate(layout, evaluator, TaskContext{}, fitness);
  REQUIRE(fitness.size() == 3);
  CHECK(fitness[0] == Approx(10.0));
  CHECK(fitness[1] == Approx(10.0 - 4.0));
  CHECK(fitness[2] == Approx(10.0 - 2.0));  // errors 0, 0, 1, 1
  CHECK(task.solved(fitness[0]));
  CHECK_FALSE(task.solved(fitness[2]));
}

namespace {
// A custom fitness: the number of rows whose output is on the right side of 0.5.
class CountCorrect : public DataTask {
 public:
  using DataTask::DataTask;
  bool solved(double f) const override { return f >= double(data_.rows()); }

 protected:
  double network_fitness(const float* outputs) const override {
    double hits = 0;
    for (size_t r = 0; r < data_.rows(); ++r) hits += (outputs[r] > 0.5f) == (data_.targets[r] > 0.5f);
    return hits;
  }
};
}  // namespace

TEST_CASE("a data task with a custom fitness") {
  Dataset d = parse_csv_dataset("0,0\n1,1\n2,1\n-1,0\n", "step.csv", 1, 1);
  CountCorrect task("count", d);
  PopulationLayout layout = testing::layout_of(
      {testing::linear_genome(1, 1, {{1.0f, 0.0f}}), testing::linear_genome(2, 1, {{-1.0f, 0.0f}})});
  CpuEvaluator evaluator(1);
  evaluator.load(layout);
  std::vector<double> fitness;
  task.evaluate(layout, evaluator, TaskContext{}, fitness);
  CHECK(fitness[0] == 4.0);
  CHECK(fitness[1] == 1.0);  // only the row x = 0 (output 0, target 0)
  CHECK(task.solved(fitness[0]));
}

TEST_CASE("the regression task from its config; bad keys and files are refused clearly") {
  Config config = load_config("configs/regression.yaml");
  auto task = TaskRegistry::instance().create(config);
  REQUIRE(task);
  CHECK(task->name() == "regression");
  CHECK(task->num_inputs() == 2);
  CHECK(task->num_outputs() == 1);
  auto* data = dynamic_cast<DataTask*>(task.get());
  REQUIRE(data);
  CHECK(data->data().rows() == 35);

  std::string msg = error_of([] { TaskRegistry::instance().create(load_config("configs/regression.yaml", {"task.loss=mes"})); });
  CHECK(msg.find("task.loss") != std::string::npos);
  CHECK(msg.find("did you mean 'mse'") != std::string::npos);

  msg = error_of([] { TaskRegistry::instance().create(load_config("configs/regression.yaml", {"task.file=missing.csv"})); });
  CHECK(msg.find("missing.csv") != std::string::npos);
  CHECK(msg.find("not found") != std::string::npos);

  // A CSV with a bad row: the message names the file and line.
  const std::string path = (std::filesystem::temp_directory_path() / "ganglion-data-task-test-bad.csv").string();
  {
    std::ofstream f(path);
    f << "x1,x2,y\n1,2,3\n4,5\n";
  }
  msg = error_of([&] { TaskRegistry::instance().create(load_config("configs/regression.yaml", {"task.file=" + path})); });
  std::remove(path.c_str());
  CHECK(msg.find("ganglion-data-task-test-bad.csv:3") != std::string::npos);
  CHECK(msg.find("2 columns, expected 3") != std::string::npos);
}

TEST_CASE("cross-entropy over classes and accuracy, with hand-computed values") {
  // Two rows, two classes; outputs (logits) 0 and ln 3: softmax (1/4, 3/4).
  const float outputs[] = {0.0f, float(std::log(3.0)), 0.0f, float(std::log(3.0))};
  const float targets[] = {0.0f, 1.0f, 1.0f, 0.0f};  // row 0 is class 1, row 1 class 0
  CHECK(compute_loss(Loss::CrossEntropy, outputs, targets, 2, 2) ==
        Approx((-std::log(0.75) - std::log(0.25)) / 2.0));
  CHECK(data_accuracy(outputs, targets, 2, 2) == 0.5);  // row 0 right, row 1 wrong
  // Large outputs do not overflow (log-sum-exp).
  const float big[] = {1000.0f, 0.0f};
  const float first[] = {1.0f, 0.0f};
  CHECK(compute_loss(Loss::CrossEntropy, big, first, 1, 2) == Approx(0.0));
  // One output: the side of 0.5; NaN is never right.
  const float one[] = {0.9f, 0.2f, 0.6f, NAN};
  const float one_t[] = {1.0f, 0.0f, 0.0f, 0.0f};
  CHECK(data_accuracy(one, one_t, 4, 1) == 0.5);
  const float nan2[] = {NAN, 0.0f};
  CHECK(data_accuracy(nan2, first, 1, 2) == 0.0);
  CHECK(std::isnan(compute_loss(Loss::CrossEntropy, nan2, first, 1, 2)));
  CHECK(std::isnan(loss_from_fitness(FitnessForm::Accuracy, 0.0, 0.5)));
  CHECK(csv_column_count("# comment\n\n x, y ,class\n1,2,3\n") == 3);
  CHECK(csv_column_count("# only a comment\n") == 0);
}

TEST_CASE("a classification data task: fitness accuracy, solve_accuracy and the metrics of each network") {
  Dataset d = parse_csv_dataset("-1,0\n-2,0\n1,1\n2,1\n", "side.csv", 1, 1);
  DataTaskOptions options;
  options.loss = Loss::Mse;
  options.form = FitnessForm::Accuracy;
  options.solve_accuracy = 1.0;
  REQUIRE(options.classification());
  DataTask task("side", d, options);
  // y = x (rows right: x=1, x=2, and x=-1, x=-2 both below 0.5: all 4), y = -x (none), y = 0.6 (half).
  PopulationLayout layout = testing::layout_of({testing::linear_genome(1, 1, {{1.0f, 0.0f}}),
                                                testing::linear_genome(2, 1, {{-1.0f, 0.0f}}),
                                                testing::linear_genome(3, 1, {{0.0f, 0.6f}})});
  CpuEvaluator evaluator(1);
  evaluator.load(layout);
  std::vector<double> fitness;
  task.evaluate(layout, evaluator, TaskContext{}, fitness);
  CHECK(fitness == std::vector<double>{1.0, 0.0, 0.5});
  CHECK(task.solved_network(0, fitness[0]));
  CHECK_FALSE(task.solved_network(2, fitness[2]));
  const NetworkMetrics m = task.network_metrics(2);
  REQUIRE(m.loss);
  REQUIRE(m.accuracy);
  CHECK(*m.accuracy == 0.5);
  CHECK(*m.loss == Approx((0.36 + 0.36 + 0.16 + 0.16) / 4.0));  // mse of 0.6 against 0, 0, 1, 1
  // A regression (mse, no accuracy criterion) measures the loss only.
  DataTask regression("fit", d, DataTaskOptions{});
  regression.evaluate(layout, evaluator, TaskContext{}, fitness);
  CHECK(regression.network_metrics(0).loss);
  CHECK_FALSE(regression.network_metrics(0).accuracy);
  CHECK_FALSE(regression.network_metrics(7).loss);  // no such network

  DataTaskOptions ce;
  ce.loss = Loss::CrossEntropy;
  CHECK(error_of([&] { DataTask("one", d, ce); }).find("ce (cross-entropy over classes) needs a target column per class") !=
        std::string::npos);
}

TEST_CASE("the regression task takes its counts from the file when neither it nor genome gives them") {
  Config config = load_config("configs/spirals.yaml");
  CHECK(config.genome.num_inputs == 0);  // the config leaves them out
  ConfigValue effective;
  auto task = TaskRegistry::instance().create(config, &effective);
  CHECK(task->num_inputs() == 2);
  CHECK(task->num_outputs() == 1);
  complete_genome_counts(config, *task);
  CHECK(config.genome.num_inputs == 2);
  CHECK(config.genome.num_outputs == 1);
  // Every key the task took, at its default where the config left it out.
  REQUIRE(effective.find("inputs"));
  CHECK(effective.find("inputs")->text() == "2");
  REQUIRE(effective.find("solve_loss"));
  CHECK(effective.find("solve_loss")->text() == "-1.0");
  CHECK(effective.find("loss")->text() == "bce");  // given: as written

  Config wrong = load_config("configs/spirals.yaml", {"genome.num_outputs=2"});
  auto two = TaskRegistry::instance().create(wrong);  // targets: genome's 2, so 1 input column
  CHECK(two->num_outputs() == 2);
  CHECK(two->num_inputs() == 1);
  Config mismatch = load_config("configs/spirals.yaml", {"genome.num_inputs=3", "task.inputs=2"});
  auto task2 = TaskRegistry::instance().create(mismatch);
  CHECK(error_of([&] { complete_genome_counts(mismatch, *task2); })
            .find("task 'regression' has 2 inputs and 1 outputs, but genome.num_inputs = 3") != std::string::npos);
}
