#include "core/task/task_choice.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace ganglion {

std::string get_task_choice(TaskParams& params, const std::string& origin, const std::string& key,
                            const std::string& def, const std::vector<std::string>& allowed) {
  std::string value = params.get_string(key, def);
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
  std::string msg = (origin.empty() ? std::string("config") : origin) + ": task." + key + ": '" + value + "' is not valid";
  const std::string near = nearest_name(value, allowed);
  if (!near.empty()) msg += " (did you mean '" + near + "'?)";
  msg += "; use ";
  for (size_t i = 0; i < allowed.size(); ++i) {
    if (i) msg += i + 1 == allowed.size() ? " or " : ", ";
    msg += allowed[i];
  }
  throw ConfigError(msg);
}

}  // namespace ganglion
