// The engine's seams (evolution/engine.hpp): it decodes through a Decoder (core/network/decoder.hpp)
// and evaluates through a PopulationEvaluation (core/task/population_evaluation.hpp) and nothing
// else. A counting decoder is called once per generation; a fake evaluation with known fitness
// drives a run deterministically and its solved flags stop it; the default seams (DirectDecoder,
// TaskEvaluation) on an ExecutionContext give the same run as the bare-evaluator constructor on
// any thread count.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/execution.hpp"
#include "core/network/cpu_evaluator.hpp"
#include "core/network/decoder.hpp"
#include "core/task/population_evaluation.hpp"
#include "evolution/engine.hpp"
#include "tests/evolution_fixtures.hpp"

using namespace ganglion;

namespace {

// Direct decoding, counted; `drop` networks fewer than genomes when set (a broken decoder).
class CountingDecoder final : public Decoder {
 public:
  explicit CountingDecoder(ThreadPool& pool) : inner_(CompileOptions{}, pool) {}
  std::string name() const override { return "counting"; }
  void decode(const std::vector<Genome>& genomes, PopulationLayout& out) override {
    ++calls;
    if (drop) {
      std::vector<Genome> fewer(genomes.begin(), genomes.end() - 1);
      inner_.decode(fewer, out);
    } else {
      inner_.decode(genomes, out);
    }
  }
  int calls = 0;
  bool drop = false;

 private:
  DirectDecoder inner_;
};

// Fitness from the genome alone: enabled connections plus a hash of the id, never touching a
// network. Genome `solve_id`, when it appears, is flagged as solving.
class FakeEvaluation final : public PopulationEvaluation {
 public:
  std::string name() const override { return "fake"; }
  void evaluate(const PopulationView& p, PopulationFitness& out) override {
    ++calls;
    generations.push_back(p.generation);
    CHECK(p.layout.num_networks == p.genomes.size());
    out.fitness.resize(p.genomes.size());
    out.solved.assign(p.genomes.size(), 0);
    for (size_t i = 0; i < p.genomes.size(); ++i) {
      const Genome& g = p.genomes[i];
      out.fitness[i] = double(g.enabled_connections()) + double((g.id * 2654435761u) % 1000) / 1000.0;
      out.solved[i] = g.id == solve_id;
    }
  }
  int calls = 0;
  std::vector<uint32_t> generations;
  uint64_t solve_id = ~uint64_t(0);
};

Config small_config(uint64_t seed) {
  Config c = testing::xor_config(seed);
  c.population_size = 60;
  c.run.generations = 12;
  c.run.stop_when_solved = true;
  c.genome.conn_add_prob = 0.3;
  return c;
}

}  // namespace

TEST_CASE("a fake evaluation drives the engine; the decoder is called once per generation") {
  const Config c = small_config(5);
  EvolutionState first;
  for (unsigned threads : {1u, 3u}) {
    ExecutionContext execution(threads);
    CountingDecoder decoder(execution.pool());
    FakeEvaluation evaluation;
    Engine engine(c, execution, decoder, evaluation);
    CHECK(engine.run() == StopReason::GenerationLimit);
    CHECK(decoder.calls == 12);
    CHECK(evaluation.calls == 12);
    CHECK(evaluation.generations == std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
    const EvolutionState& st = engine.state();
    // The last generation's genomes carry the fake's fitness.
    for (const Genome& g : st.genomes)
      CHECK(g.fitness == double(g.enabled_connections()) + double((g.id * 2654435761u) % 1000) / 1000.0);
    if (threads == 1) first = st;
    else testing::check_same_runs(first, st);
  }
}

TEST_CASE("the evaluation's solved flags stop the run and name the solution") {
  Config c = small_config(9);
  ExecutionContext execution(2);
  CountingDecoder decoder(execution.pool());
  // An unstopped run's generation 3 (the same in every run of this seed): flag its genome 5.
  FakeEvaluation solving;
  {
    Engine probe(c, execution, decoder, solving);
    for (int g = 0; g < 3; ++g) REQUIRE(probe.step() == StopReason::None);
    solving.solve_id = probe.state().genomes[5].id;
  }
  solving.calls = 0;
  Engine engine(c, execution, decoder, solving);
  CHECK(engine.run() == StopReason::Solved);
  CHECK(solving.calls == 4);
  CHECK(engine.state().solved);
  CHECK(engine.state().solution.id == solving.solve_id);
  CHECK(engine.state().history.back().solved);
}

TEST_CASE("a decoder or an evaluation that returns the wrong count is an error naming it") {
  const Config c = small_config(2);
  ExecutionContext execution(1);
  CountingDecoder decoder(execution.pool());
  decoder.drop = true;
  FakeEvaluation evaluation;
  Engine engine(c, execution, decoder, evaluation);
  CHECK_THROWS_WITH_AS(engine.step(), doctest::Contains("decoder 'counting' made 59 networks of 60 genomes"), Error);

  struct Short final : PopulationEvaluation {
    std::string name() const override { return "short"; }
    void evaluate(const PopulationView& p, PopulationFitness& out) override {
      out.fitness.assign(p.genomes.size(), 1.0);
      out.solved.assign(p.genomes.size() - 1, 0);
    }
  } short_evaluation;
  CountingDecoder fine(execution.pool());
  Engine other(c, execution, fine, short_evaluation);
  CHECK_THROWS_WITH_AS(other.step(), doctest::Contains("population evaluation short returned"), Error);
}

TEST_CASE("the default seams on an ExecutionContext give the bare-evaluator run, on any thread count") {
  Config c = small_config(4);
  c.task.name = "xor";
  c.run.stop_when_solved = false;
  c.run.generations = 15;
  auto task = TaskRegistry::instance().create(c);
  CpuEvaluator evaluator(1);
  Engine bare(c, *task, evaluator);
  bare.run();
  for (unsigned threads : {1u, 4u}) {
    ExecutionContext execution(threads);
    Engine engine(c, *task, execution);
    engine.run();
    testing::check_same_runs(bare.state(), engine.state());
  }
}

TEST_CASE("TaskEvaluation checks the task's shape and reports solved networks") {
  Config c = testing::xor_config();
  ExecutionContext execution(1);
  testing::FunctionTask wrong(3, 1, [](uint32_t, uint32_t) { return 0.0; });
  CHECK_THROWS_WITH_AS(TaskEvaluation(c, wrong, execution), doctest::Contains("genome.num_inputs"), ConfigError);

  struct Threshold final : testing::FunctionTask {
    Threshold() : FunctionTask(2, 1, [](uint32_t n, uint32_t) { return n == 1 ? NAN : double(n); }) {}
    bool solved(double fitness) const override { return fitness >= 2.0; }
  } task;
  TaskEvaluation evaluation(c, task, execution);
  InnovationHistory history;
  const std::vector<Genome> genomes(4, testing::grown_genome(c.genome, 1, 0, history));
  const PopulationLayout layout = compile_population(genomes, {}, 1);
  PopulationFitness out;
  evaluation.evaluate(PopulationView{genomes, layout, 1, 0}, out);
  REQUIRE(out.fitness.size() == 4);
  CHECK(out.fitness[0] == 0.0);
  CHECK(std::isnan(out.fitness[1]));
  CHECK(out.solved == std::vector<uint8_t>{0, 0, 1, 1});  // NaN never solves
}
