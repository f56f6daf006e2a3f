// Task plug-ins: a shared library built outside the tree that adds tasks at run time, named in
// the config as `task: {plugin: path/to/libmytask.so, name: my_task, ...}`.
//
// A plug-in exports two C functions, written for it by one macro:
//
//   #include "core/task/plugin.hpp"
//   static void register_tasks(ganglion::PluginRegistrar& r) {
//     r.add({"my_task", "what it does", [](const ganglion::Config& c, ganglion::TaskParams& p) {
//              return std::make_unique<MyTask>(c, p); }});
//   }
//   GANGLION_PLUGIN(register_tasks)
//
// Build it as a MODULE/SHARED library against these headers (no need to link ganglion's
// libraries: the `ganglion` program exports its symbols). The loader refuses, with a message
// naming the file: a library that cannot be opened (dlerror's text, C++ symbol names in it
// demangled: an unresolved symbol reads "ganglion::f(int) (_ZN8ganglion1fEi)"), one without the entry
// points, one built for another GANGLION_PLUGIN_ABI_VERSION, and one registering a task name
// that already exists (nothing of such a plug-in is registered).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/task/task.hpp"

// Bump when Task, Evaluator, PopulationLayout, Config, TaskParams or TaskInfo change shape.
// 2: Task::save_state / restore_state (checkpointed task state).
// 3: task parameters are a ConfigValue (core/config/config_value.hpp), no longer a yaml-cpp node,
//    and Config's sections come from their key tables: plug-ins need no yaml-cpp (docs/tasks.md).
// 4: Config's run and task sections gained keys (run.on_all_invalid, task.plugin_hash,
//    task.plugin_abi), which moves the members after them.
// 5: Task gained the episode hooks (random_starts, play_episodes, fitness_of_episodes,
//    protocol_tests), network_metrics and solve_criterion; Config's run section
//    run.champion_episodes; DataTask's and TaskParams' new members; genome.num_inputs /
//    num_outputs defaulting to 0 (the task's counts).
// 6: TaskContext gained network_stride (a shard's networks are every K-th of the population), which
//    makes it larger; EpisodeSpec likewise.
#define GANGLION_PLUGIN_ABI_VERSION 6u

namespace ganglion {

// Collects a plug-in's tasks; the loader registers them once all are known and checked.
class PluginRegistrar {
 public:
  void add(TaskInfo info) { tasks_.push_back(std::move(info)); }
  const std::vector<TaskInfo>& tasks() const { return tasks_; }
  std::vector<TaskInfo>& tasks() { return tasks_; }

 private:
  std::vector<TaskInfo> tasks_;
};

// Loads the plug-in at `path` (once per file; later calls are no-ops) and registers its tasks.
// A relative path is looked up next to `config_source` (the config file) first, then in the
// working folder. `expected_hash`, when not empty (a config's task.plugin_hash), must be the
// file's content hash: another file is refused before it is loaded, naming both hashes. Returns
// the names it registered (empty when it was loaded before).
std::vector<std::string> load_task_plugin(const std::string& path, const std::string& config_source = "",
                                          const std::string& expected_hash = "");

// The file load_task_plugin loads for `path`: absolute and normalised when found next to
// `config_source` or in the working folder, else `path` as written.
std::string task_plugin_file(const std::string& path, const std::string& config_source = "");
// A plug-in file's content hash as task.plugin_hash records it: XXH64 of its bytes, 16 lower-case
// hex digits. Throws Error naming the file when it is not a readable regular file.
std::string plugin_file_hash(const std::string& file);

// Files loaded so far, in order.
std::vector<std::string> loaded_task_plugins();

}  // namespace ganglion

#define GANGLION_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))

// The two entry points, each exported with C linkage.
#define GANGLION_PLUGIN(register_fn)                                                           \
  GANGLION_PLUGIN_EXPORT uint32_t ganglion_plugin_abi_version() { return GANGLION_PLUGIN_ABI_VERSION; } \
  GANGLION_PLUGIN_EXPORT void ganglion_plugin_register(::ganglion::PluginRegistrar* registrar) {          \
    register_fn(*registrar);                                                                  \
  }
