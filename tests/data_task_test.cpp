// Data tasks (core/task/data_task.hpp): CSV loading and its errors, losses, one batched activation
// of every network on every row, and the regression task built from a config.
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
