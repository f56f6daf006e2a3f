// A task key whose value is one of a few words (loss: mse | mae | ...). TaskParams reads strings;
// this checks the word and names the config file, the key and the valid words when it is wrong.
#pragma once

#include <string>
#include <vector>

#include "core/config/config.hpp"

namespace ganglion {

// Returns the value of task.<key> (default `def`), which must be one of `allowed`; otherwise
// throws a ConfigError "<origin>: task.<key>: 'x' is not valid (did you mean 'y'?); use a, b or c".
std::string get_task_choice(TaskParams& params, const std::string& origin, const std::string& key,
                            const std::string& def, const std::vector<std::string>& allowed);

}  // namespace ganglion
