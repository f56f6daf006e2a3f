#include "core/task/genome_evaluation.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/network/compiler.hpp"
#include "core/network/cpu_evaluator.hpp"
#include "core/parallel.hpp"
#include "core/rng.hpp"

namespace ganglion {

namespace {

// The genome must have the task's inputs and outputs; the message names both and the genome.
void check_shape(const Genome& genome, const Task& task, const std::string& genome_origin, const std::string& config) {
  const uint32_t inputs = genome.count(NodeKind::Input), outputs = genome.count(NodeKind::Output);
  if (inputs != task.num_inputs() || outputs != task.num_outputs())
    throw GenomeError(genome_origin + ": genome " + std::to_string(genome.id) + " has " + std::to_string(inputs) +
                      " input and " + std::to_string(outputs) + " output nodes, but task '" + task.name() +
                      "' (" + config + ") has " + std::to_string(task.num_inputs()) + " inputs and " +
                      std::to_string(task.num_outputs()) + " outputs: the genome is of another task or config");
}

// The accuracy the tasks report in training (data_accuracy, stats.jsonl's best_accuracy), for a
// classification: a DataTask that classifies, or targets that are all 0 or 1 (truth tables).
std::optional<double> accuracy_of(const DataTask* task, const DataEvaluation& d) {
  const std::vector<float>& t = d.data.targets;
  const bool binary = !t.empty() && std::all_of(t.begin(), t.end(), [](float v) { return v == 0.0f || v == 1.0f; });
  if (!binary && !(task && task->options().classification())) return std::nullopt;
  return data_accuracy(d.outputs.data(), t.data(), d.data.rows(), d.data.num_targets);
}

DataEvaluation evaluate_on_data(Task& task, const PopulationLayout& one, const GenomeEvaluationOptions& options) {
  DataEvaluation d;
  const Dataset* own = task.data_set();
  if (options.data_file.empty()) {
    if (!own)
      throw ConfigError("task '" + task.name() + "' has no data set of its own and plays no episodes: nothing to "
                        "evaluate the genome on");
    d.data = *own;
    d.origin = own->origin.empty() ? "task '" + task.name() + "'" : own->origin;
  } else {
    d.data = load_csv_dataset(options.data_file, task.num_inputs(), task.num_outputs());
    d.origin = options.data_file;
  }
  const size_t rows = d.data.rows();
  d.outputs.assign(rows * d.data.num_targets, 0.0f);
  CpuEvaluator evaluator(serial_pool());
  evaluator.load(one);
  evaluator.activate(d.data.inputs.data(), rows, InputMode::Shared, d.outputs.data());
  // The loss of a DataTask is its task.loss with its fitness form; a task with a table of its own
  // kind (truth tables) is scored with the mean absolute error.
  const auto* data_task = dynamic_cast<const DataTask*>(&task);
  const DataTaskOptions o = data_task ? data_task->options() : DataTaskOptions{Loss::Mae, FitnessForm::Negative};
  d.loss_name = loss_names()[size_t(o.loss)];
  d.loss = compute_loss(o.loss, d.outputs.data(), d.data.targets.data(), rows, d.data.num_targets);
  d.accuracy = accuracy_of(data_task, d);
  if (data_task) {
    d.fitness = fitness_from_loss(o.form, o.offset, d.loss);
    d.solved = data_task->solved(d.fitness);
  } else if (options.data_file.empty()) {
    // The task's own fitness and criterion on its own table (XOR's fitness is not a loss form).
    std::vector<double> fitness;
    task.evaluate(one, evaluator, TaskContext{}, fitness);
    d.fitness = fitness.empty() ? std::nan("") : fitness[0];
    d.solved = !fitness.empty() && std::isfinite(fitness[0]) && task.solved_network(0, fitness[0]);
  } else {
    d.fitness = std::nan("");  // the task's fitness is defined on its own table only
  }
  return d;
}

}  // namespace

Spread spread_of(const std::vector<double>& values) {
  Spread s;
  if (values.empty()) return s;
  double sum = 0.0;
  s.min = s.max = values[0];
  for (double v : values) {
    sum += v;
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
  }
  s.mean = sum / double(values.size());
  double sq = 0.0;
  for (double v : values) sq += (v - s.mean) * (v - s.mean);
  s.std = std::sqrt(sq / double(values.size()));
  return s;
}

RetestResult retest_network(Task& task, const PopulationLayout& one, ThreadPool& pool, uint64_t seed,
                            uint32_t episodes) {
  CpuEvaluator evaluator(pool);
  evaluator.load(one);
  const auto outcomes = task.play_episodes(one, evaluator, pool, seed, episodes);
  RetestResult r;
  r.fitness = task.fitness_of_episodes(outcomes);
  r.solved = std::isfinite(r.fitness) && task.solved(r.fitness);
  return r;
}

GenomeEvaluation evaluate_genome(const Config& config, const Genome& genome, const GenomeEvaluationOptions& options,
                                 const std::string& genome_origin) {
  const std::string where = config.source.empty() ? std::string("config") : config.source;
  auto task = TaskRegistry::instance().create(config);
  check_shape(genome, *task, genome_origin, where);
  CompileOptions compile;
  compile.feed_forward = config.genome.feed_forward;
  PopulationLayout one;
  try {
    one = compile_population({genome}, compile, 1u);
  } catch (const Error& e) {
    throw GenomeError(genome_origin + ": " + e.what());
  }

  GenomeEvaluation out;
  out.task = task->name();
  out.genome_id = genome.id;
  if (task->plays_episodes()) {
    if (!options.data_file.empty())
      throw ConfigError(options.data_file + ": task '" + task->name() +
                        "' is a control task: it plays episodes (--episodes, --seed), it reads no data file");
    if (options.episodes == 0) throw ConfigError("episodes: 0; play at least one episode");
    EpisodeEvaluation e;
    e.seed = options.seed;
    e.random_starts = task->random_starts();
    const uint64_t starts = Rng::derive(options.seed, Purpose::Evaluate).next();
    ThreadPool& pool = serial_pool();
    CpuEvaluator evaluator(pool);
    evaluator.load(one);
    e.episodes = task->play_episodes(one, evaluator, pool, starts, options.episodes);
    std::vector<double> returns, lengths, fitness;
    for (const auto& ep : e.episodes) {
      returns.push_back(ep.total_reward);
      lengths.push_back(double(ep.steps));
      fitness.push_back(ep.fitness);
    }
    e.returns = spread_of(returns);
    e.lengths = spread_of(lengths);
    e.fitness_spread = spread_of(fitness);
    e.fitness = task->fitness_of_episodes(e.episodes);
    e.solved = std::isfinite(e.fitness) && task->solved(e.fitness);
    out.episodes = std::move(e);
  } else {
    out.data = evaluate_on_data(*task, one, options);
  }
  if (options.protocol_tests) out.tests = task->protocol_tests(one);
  return out;
}

}  // namespace ganglion
