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

struct TaskContext {
  uint64_t seed = 0;         // the run's seed; derive streams with Rng::derive(seed, Purpose::Task, ...)
  uint32_t generation = 0;
  // The run's threads and backend; the engine passes its own, whose backend's evaluator is the one
  // evaluate() is handed. Null when a task is called on its own (tests): it then runs on the
  // calling thread, with no backend capabilities beyond the evaluator it is handed.
  ExecutionContext* execution = nullptr;
  // The population index of the layout's network 0: 0 unless the layout is one shard of a
  // population evaluated by several processes (distributed/). A task whose networks draw streams
  // of their own derives them from first_network + n, so a shard computes what the whole would.
  uint32_t first_network = 0;

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
