#include "core/task/task.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/execution.hpp"
#include "core/task/plugin.hpp"

namespace ganglion {

ThreadPool& TaskContext::pool() const { return execution ? execution->pool() : serial_pool(); }

Backend* TaskContext::backend() const { return execution ? &execution->backend() : nullptr; }

std::vector<EpisodeOutcome> Task::play_episodes(const PopulationLayout&, Evaluator&, ThreadPool&, uint64_t, uint32_t) {
  throw Error("task '" + name() + "' plays no episodes (it is not a control task); evaluate it on data instead");
}

double Task::fitness_of_episodes(const std::vector<EpisodeOutcome>&) const {
  throw Error("task '" + name() + "' plays no episodes (it is not a control task)");
}

TaskRegistry& TaskRegistry::instance() {
  static TaskRegistry registry;
  return registry;
}

void TaskRegistry::add(TaskInfo info) {
  if (find(info.name)) throw Error("task '" + info.name + "' is registered twice");
  tasks_.push_back(std::move(info));
}

const TaskInfo* TaskRegistry::find(const std::string& name) const {
  for (const auto& t : tasks_)
    if (t.name == name) return &t;
  return nullptr;
}

std::vector<std::string> TaskRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& t : tasks_) out.push_back(t.name);
  std::sort(out.begin(), out.end());
  return out;
}

std::unique_ptr<Task> TaskRegistry::create(const Config& config, ConfigValue* effective_params) const {
  // `task: {python: "module:factory"}` is a task written in Python: only the Python module can
  // make it (its session hands in its own task maker), so a C++ program refuses it by name.
  if (const ConfigValue* py = config.task.params.find("python"))
    throw ConfigError((config.source.empty() ? std::string("config") : config.source) + ": task.python: '" +
                      (py->is_scalar() ? py->text() : std::string("...")) +
                      "' is a task written in Python, which this program cannot run; run the config with "
                      "`python -m ganglion run CONFIG` (docs/python.md)");
  // A plug-in named in the config registers its tasks before the lookup.
  if (!config.task.plugin.empty()) load_task_plugin(config.task.plugin, config.source, config.task.plugin_hash);
  const TaskInfo* info = find(config.task.name);
  if (!info && config.task.name == "python")  // what the Python module writes for a task object
    throw ConfigError((config.source.empty() ? std::string("config") : config.source) +
                      ": task.name: 'python' is a task object made in Python, which this program cannot run; resume "
                      "the run from Python with ganglion.Session.resume(RUN_DIR, task=...) (docs/python.md)");
  if (!info) {
    std::string msg = (config.source.empty() ? std::string("config") : config.source) + ": task.name: unknown task '" +
                      config.task.name + "'";
    std::string near = nearest_name(config.task.name, names());
    if (!near.empty()) msg += " (did you mean '" + near + "'?)";
    msg += "; registered tasks:";
    for (const auto& n : names()) msg += " " + n;
    throw ConfigError(msg);
  }
  TaskParams params(config.task.params, config.source, config.task.name);
  auto task = info->factory(config, params);
  params.finish();
  if (effective_params) *effective_params = params.with_defaults();
  return task;
}

void complete_genome_counts(Config& config, const Task& task) {
  const uint32_t inputs = task.num_inputs(), outputs = task.num_outputs();
  const bool inputs_differ = config.genome.num_inputs != 0 && config.genome.num_inputs != inputs;
  const bool outputs_differ = config.genome.num_outputs != 0 && config.genome.num_outputs != outputs;
  if (inputs_differ || outputs_differ) {
    std::string given;
    if (inputs_differ) given = "genome.num_inputs = " + std::to_string(config.genome.num_inputs);
    if (outputs_differ)
      given += (given.empty() ? "" : " and ") + std::string("genome.num_outputs = ") +
               std::to_string(config.genome.num_outputs);
    throw ConfigError((config.source.empty() ? std::string("config") : config.source) + ": task '" + task.name() +
                      "' has " + std::to_string(inputs) + " inputs and " + std::to_string(outputs) + " outputs, but " +
                      given + "; set them to the task's, or leave them out to take the task's");
  }
  config.genome.num_inputs = inputs;
  config.genome.num_outputs = outputs;
}

}  // namespace ganglion
