// Fitness tasks. A task turns a compiled population into one fitness value per network, using
// whatever Evaluator backend it is handed (it never sees a kernel). Tasks register themselves by
// name (GANGLION_REGISTER_TASK in the task's .cpp under experiments/), and the config's `task:`
// section picks one.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "core/error.hpp"
#include "core/network/evaluator.hpp"
#include "core/network/layout.hpp"

namespace ganglion {

class Backend;
class ExecutionContext;
class ThreadPool;
struct Dataset;

// One episode of a control task, as play_episodes() reports it.
struct EpisodeOutcome {
  uint32_t steps = 0;
  double total_reward = 0.0;  // the sum of the step rewards: the episode's return
  double fitness = 0.0;       // the task's fitness of this episode alone
};

// A published figure that a task's standard test is compared with.
struct PublishedScore {
  std::string method;  // "NEAT"
  std::string score;   // "286"
  std::string source;  // "Stanley & Miikkulainen 2002, double pole without velocities"
};

// A task's own standard test of one network (the double pole's generalisation over 625 fixed
// starts), with the published figures beside it.
struct ProtocolTest {
  std::string name;         // "generalization"
  std::string description;  // what was tested, in one line
  double score = 0.0;       // e.g. starts balanced
  double out_of = 0.0;      // e.g. 625
  std::vector<PublishedScore> published;
};

struct TaskContext {
  uint64_t seed = 0;         // the run's seed; derive streams with Rng::derive(seed, Purpose::Task, ...)
  uint32_t generation = 0;
  // The run's threads and backend; the engine passes its own, whose backend's evaluator is the one
  // evaluate() is handed. Null when a task is called on its own (tests): it then runs on the
  // calling thread, with no backend capabilities beyond the evaluator it is handed.
  ExecutionContext* execution = nullptr;
  // Network n of the layout is the population's network first_network + n * network_stride: 0 and
  // 1 unless the layout is one shard of a population evaluated by several processes (distributed/:
  // rank r of K evaluates networks r, r + K, r + 2K, ...). A task whose networks draw streams of
  // their own derives them from that population index, so a shard computes what the whole would.
  uint32_t first_network = 0;
  uint32_t network_stride = 1;

  ThreadPool& pool() const;   // execution's pool, or serial_pool()
  Backend* backend() const;   // execution's backend, or nullptr
};

// What a task measured of one network besides its fitness: the loss, and the accuracy of a
// classification (the share of rows right, in [0, 1]). stats.jsonl's best_loss and best_accuracy
// are the generation's best genome's; a task without such figures leaves them empty.
struct NetworkMetrics {
  std::optional<double> loss;
  std::optional<double> accuracy;
};

class Task {
 public:
  virtual ~Task() = default;
  virtual std::string name() const = 0;
  virtual uint32_t num_inputs() const = 0;
  virtual uint32_t num_outputs() const = 0;
  // Writes fitness[n] for every network n of the layout (fitness.size() == layout.num_networks).
  // NaN fitness is the engine's to report; tasks should not produce it on purpose.
  virtual void evaluate(const PopulationLayout& layout, Evaluator& evaluator, const TaskContext& ctx,
                        std::vector<double>& fitness) = 0;
  // Whether the network with this fitness solves the task (used with run.stop_when_solved).
  virtual bool solved(double fitness) const { (void)fitness; return false; }
  // Whether network n of the most recent evaluate() call solves the task. Tasks whose criterion
  // is not a function of fitness alone (XOR: every output on the right side of 0.5) override
  // this; the default asks solved(fitness).
  virtual bool solved_network(uint32_t network, double fitness) const { (void)network; return solved(fitness); }
  // What solving means, in words, for the run folder's events.jsonl and the report ("loss mse <=
  // 0.001", "fitness >= 475"); empty: the task does not say (a plug-in that does not override it).
  virtual std::string solve_criterion() const { return {}; }
  // The loss and accuracy of network n of the most recent evaluate() call, for tasks that measure
  // them (data tasks); the default measures nothing.
  virtual NetworkMetrics network_metrics(uint32_t network) const { (void)network; return {}; }
  // Fitness sent to the engine must be larger-is-better unless the config says min.

  // What the task carries from one generation to the next that changes later results (none for
  // a task whose evaluate() depends only on its arguments). Checkpoints store save_state()'s text
  // and resume hands it to restore_state() before the first generation, so that a resumed run is
  // the uninterrupted run. restore_state() throws Error on text its save_state() would not write.
  virtual std::string save_state() const { return {}; }
  virtual void restore_state(const std::string& state) {
    if (!state.empty())
      throw Error("task '" + name() + "' keeps no state between generations, but the checkpoint holds some (" +
                  std::to_string(state.size()) + " bytes)");
  }
  // Whether save_state() after an evaluate() that threw still gives the state from before that
  // evaluate() began (a task that snapshots it). Then a session may checkpoint the failed
  // generation, unevaluated, and resume it exactly; otherwise it writes nothing after a failure and
  // the run resumes from its last checkpoint.
  virtual bool state_survives_failed_evaluation() const { return false; }

  // Episodes: evaluating one network outside a run (`ganglion eval`) and re-testing a run's
  // champion (run.champion_episodes). Control tasks (ControlTask<Env>) implement them.
  //
  // Whether evaluate()'s results depend on start states drawn anew each generation: then a
  // generation's best may owe its fitness to easy starts, and a run re-tests its champion.
  virtual bool random_starts() const { return false; }
  // Whether play_episodes() works.
  virtual bool plays_episodes() const { return false; }
  // Plays `episodes` episodes of every network of `layout` (which `evaluator` holds) from fresh
  // starts drawn from `seed` (episode e from Rng::derive(seed, Purpose::Task, 0, e), the same for
  // every network), stepping environments on `pool`; returns [network][episode]. Leaves the
  // results of evaluate() and the task's state alone. The default throws Error naming the task.
  virtual std::vector<EpisodeOutcome> play_episodes(const PopulationLayout& layout, Evaluator& evaluator,
                                                    ThreadPool& pool, uint64_t seed, uint32_t episodes);
  // The fitness evaluate() makes of one network's episodes (their mean or min). The default throws.
  virtual double fitness_of_episodes(const std::vector<EpisodeOutcome>& episodes) const;
  // Data tasks: the table of inputs and targets evaluate() activates every network on (for
  // `ganglion eval`); null for tasks without one.
  virtual const Dataset* data_set() const { return nullptr; }
  // The task's standard tests of network 0 of `one` (a one-network layout); none by default.
  virtual std::vector<ProtocolTest> protocol_tests(const PopulationLayout& one) const {
    (void)one;
    return {};
  }
};

using TaskFactory = std::function<std::unique_ptr<Task>(const Config&, TaskParams&)>;

struct TaskInfo {
  std::string name;
  std::string description;
  TaskFactory factory;
};

// The process-wide registry.
class TaskRegistry {
 public:
  static TaskRegistry& instance();
  // Throws Error when the name is taken.
  void add(TaskInfo info);
  const TaskInfo* find(const std::string& name) const;
  std::vector<std::string> names() const;
  // Creates the task named by config.task (checking its keys strictly); unknown names give a
  // ConfigError with "did you mean". `effective_params`, when given, receives the task's keys as
  // the task took them, defaults included (TaskParams::with_defaults), for the run's config.yaml.
  std::unique_ptr<Task> create(const Config& config, ConfigValue* effective_params = nullptr) const;

 private:
  std::vector<TaskInfo> tasks_;
};

// Completes a config from the task made for it: genome.num_inputs and num_outputs left at 0 (not
// given) become the task's counts; given ones must equal them, else a ConfigError naming both.
void complete_genome_counts(Config& config, const Task& task);

struct TaskRegistration {
  explicit TaskRegistration(TaskInfo info) { TaskRegistry::instance().add(std::move(info)); }
};

#define GANGLION_TASK_CONCAT2(a, b) a##b
#define GANGLION_TASK_CONCAT(a, b) GANGLION_TASK_CONCAT2(a, b)
// One registration line per task: GANGLION_REGISTER_TASK("xor", "XOR, 2 inputs", factory);
#define GANGLION_REGISTER_TASK(name, description, factory)                                      \
  static ::ganglion::TaskRegistration GANGLION_TASK_CONCAT(ganglion_task_registration_, __LINE__)( \
      ::ganglion::TaskInfo{name, description, factory})

}  // namespace ganglion
