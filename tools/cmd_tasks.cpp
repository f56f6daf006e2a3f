// `ganglion tasks`: every registered task (built in, and from --plugin libraries) with its
// description and its own config keys with their defaults. The keys are found by creating each
// task with an empty `task:` section and asking TaskParams which keys it read.
#include <iostream>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "core/error.hpp"
#include "core/task/plugin.hpp"
#include "core/task/task.hpp"
#include "tools/command.hpp"

namespace ganglion::cli {
namespace {

struct TasksArgs {
  std::vector<std::string> plugins;
  std::string name;
};

int list_tasks(const TasksArgs& args) {
  for (const auto& p : args.plugins) load_task_plugin(p);
  auto& registry = TaskRegistry::instance();
  std::vector<std::string> names = registry.names();
  if (!args.name.empty()) {
    if (!registry.find(args.name)) {
      std::string msg = "unknown task '" + args.name + "'";
      const std::string near = nearest_name(args.name, names);
      if (!near.empty()) msg += " (did you mean '" + near + "'?)";
      throw ConfigError(msg);
    }
    names = {args.name};
  }
  for (const auto& name : names) {
    const TaskInfo* info = registry.find(name);
    Config config;  // defaults: the task sees an empty section
    config.task.name = name;
    TaskParams params(ConfigValue::map(), "(defaults)", name);
    std::string note, shape;
    try {
      auto task = info->factory(config, params);
      if (task)
        shape = std::to_string(task->num_inputs()) + " input(s), " + std::to_string(task->num_outputs()) + " output(s)";
    } catch (const Error& e) {
      note = e.what();  // e.g. a data task that needs a file: its keys were still read
    }
    std::cout << name << "  -  " << info->description << "\n";
    if (!shape.empty()) std::cout << "    network: " << shape << " (genome.num_inputs / num_outputs: these, or left out)\n";
    if (params.known().empty()) std::cout << "    (no keys of its own)\n";
    std::vector<std::string> seen;
    for (const auto& [key, def] : params.known()) {
      bool dup = false;
      for (const auto& s : seen) dup = dup || s == key;
      if (dup) continue;
      seen.push_back(key);
      std::cout << "    task." << key << std::string(key.size() < 20 ? 20 - key.size() : 1, ' ') << "default " << def
                << "\n";
    }
    if (!note.empty()) std::cout << "    note: with defaults only: " << note << "\n";
    std::cout << "\n";
  }
  std::cout << "A config picks one with `task: {name: NAME, KEY: VALUE, ...}`; a plug-in with "
               "`task: {plugin: path/to/lib.so, name: NAME}` (docs/tasks.md).\n";
  return kExitOk;
}

}  // namespace

GANGLION_COMMAND("tasks", "list the registered tasks with their config keys and defaults", [](CLI::App& app) {
  auto args = std::make_shared<TasksArgs>();
  app.add_option("name", args->name, "show only this task");
  app.add_option("--plugin", args->plugins, "load a task plug-in first (repeatable)");
  return [args] { return list_tasks(*args); };
});

}  // namespace ganglion::cli
