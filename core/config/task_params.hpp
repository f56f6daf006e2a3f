// Strict reading of a task's own keys (the `task:` keys other than name and plugin). A task's
// factory asks for each key with its default and range; finish() then refuses every key it never
// asked for, with the place and "did you mean", so a misspelt task key is as much an error as a
// misspelt framework key.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/config/config_value.hpp"

namespace ganglion {

class TaskParams {
 public:
  // `params` is TaskConfig::params (a map, or null for none); `origin` names the config for
  // values without a place of their own.
  TaskParams(const ConfigValue& params, std::string origin, std::string task_name);
  double get_double(const std::string& key, double def, double min_value, double max_value);
  int64_t get_int(const std::string& key, int64_t def, int64_t min_value, int64_t max_value);
  bool get_bool(const std::string& key, bool def);
  std::string get_string(const std::string& key, const std::string& def);
  // Throws a ConfigError for any key never asked for.
  void finish() const;
  // Keys asked for so far with their defaults as text (for `ganglion tasks`).
  const std::vector<std::pair<std::string, std::string>>& known() const { return known_; }
  // The task's keys as the task took them: the given ones as written, then every key asked for
  // and not given, at its default (what a run folder's config.yaml records, so that it lists every
  // key the run used).
  ConfigValue with_defaults() const;

 private:
  void note_default(const std::string& key, ConfigValue value);

  ConfigValue params_;
  std::string origin_;
  std::string task_;
  std::vector<std::pair<std::string, std::string>> known_;
  std::vector<std::pair<std::string, ConfigValue>> defaults_;  // keys asked for and not given
};

}  // namespace ganglion
