// The task section: `name` (or `plugin` + `name`) picks a registered task (core/task/task.hpp);
// every other key of `task:` is the task's own, kept as it was written in `params` and read by
// the task through TaskParams (core/config/task_params.hpp), just as strictly. Key table format:
// core/config/settings.hpp.
#pragma once

#include <string>

#include "core/config/config_value.hpp"
#include "core/config/settings.hpp"

namespace ganglion {

#define GANGLION_TASK_SETTINGS(KEY, SUB)                                                                       \
  KEY(std::string, name, "xor", non_empty(), fixed,                                                            \
      "registered task name (`ganglion tasks` lists them); other keys of `task:` are the task's own")          \
  KEY(std::string, plugin, "", may_be_empty(), fixed, "shared library that registers the task (empty: built-in tasks)")

struct TaskConfig {
  GANGLION_TASK_SETTINGS(GANGLION_SETTING_FIELD, GANGLION_SETTING_FIELD)
  GANGLION_SETTINGS_DESCRIBE(TaskConfig, GANGLION_TASK_SETTINGS)
  // The remaining keys of the section: a map, possibly empty.
  ConfigValue params = ConfigValue::map();
};

}  // namespace ganglion
