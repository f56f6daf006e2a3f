// The task section: `name` (or `plugin` + `name`) picks a registered task (core/task/task.hpp);
// every other key of `task:` is the task's own, kept as it was written in `params` and read by
// the task through TaskParams (core/config/task_params.hpp), just as strictly. Key table format:
// core/config/settings.hpp.
//
// task.plugin may change on resume (a run folder moved to another machine names its plug-in
// anew) because the file must still have the recorded task.plugin_hash (core/task/plugin_trust.hpp):
// the same code, so the same run.
#pragma once

#include <string>

#include "core/config/config_value.hpp"
#include "core/config/settings.hpp"

namespace ganglion {

#define GANGLION_TASK_SETTINGS(KEY, SUB)                                                                       \
  KEY(std::string, name, "xor", non_empty(), fixed,                                                            \
      "registered task name (`ganglion tasks` lists them); other keys of `task:` are the task's own")          \
  KEY(std::string, plugin, "", may_be_empty(), may_change,                                                    \
      "shared library that registers the task (empty: built-in tasks)")                                        \
  KEY(std::string, plugin_hash, "", may_be_empty(), fixed,                                                     \
      "content hash (XXH64) of task.plugin, recorded when a run starts; a file with another hash is refused")    \
  KEY(uint32_t, plugin_abi, 0, at_least(0), fixed, "plug-in ABI version recorded with task.plugin_hash (0: none)")

struct TaskConfig {
  GANGLION_TASK_SETTINGS(GANGLION_SETTING_FIELD, GANGLION_SETTING_FIELD)
  GANGLION_SETTINGS_DESCRIBE(TaskConfig, GANGLION_TASK_SETTINGS)
  // The remaining keys of the section: a map, possibly empty.
  ConfigValue params = ConfigValue::map();
};

}  // namespace ganglion
