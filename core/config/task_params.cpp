#include "core/config/task_params.hpp"
#include "core/config/config_paths.hpp"

#include <algorithm>

#include "core/config/decode.hpp"
#include "core/error.hpp"

namespace ganglion {

using namespace config_detail;

namespace {

// Values read from the file carry their file:line:column, values of `--set task.KEY=...` the
// override; values built in code name the config.
std::string place_or(const std::string& place, const std::string& origin) {
  if (!place.empty()) return place;
  return origin.empty() ? std::string("config") : origin;
}

template <typename T, typename Decode>
T get_param(const ConfigValue& params, const std::string& origin, const std::string& key, const T& def,
            const std::string& allowed, Decode decode) {
  const ConfigValue* value = params.is_map() ? params.find(key) : nullptr;
  if (!value) return def;
  try {
    return decode(*value);
  } catch (const BadValue& bad) {
    throw ConfigError(place_or(value->place(), origin) + ": task." + key + ": " + bad.what + "; allowed: " + allowed);
  }
}

}  // namespace

TaskParams::TaskParams(const ConfigValue& params, std::string origin, std::string task_name)
    : params_(params), origin_(std::move(origin)), task_(std::move(task_name)) {
  if (!params_.is_null() && !params_.is_map())
    throw ConfigError(place_or(params_.place(), origin_) + ": task: expected a map of the task's keys, got " +
                      describe(params_));
}

void TaskParams::note_default(const std::string& key, ConfigValue value) {
  if (params_.is_map() && params_.find(key)) return;
  for (const auto& d : defaults_)
    if (d.first == key) return;
  defaults_.emplace_back(key, std::move(value));
}

ConfigValue TaskParams::with_defaults() const {
  ConfigValue out = params_.is_map() ? params_ : ConfigValue::map(params_.place());
  for (const auto& d : defaults_) out.append(d.first, d.second);
  return out;
}

double TaskParams::get_double(const std::string& key, double def, double min_value, double max_value) {
  known_.emplace_back(key, format_double(def));
  note_default(key, ConfigValue::scalar(format_double(def)));
  const RealRange range{min_value, max_value};
  return get_param<double>(params_, origin_, key, def, range.text(), [&](const ConfigValue& n) {
    double v = decode_double(n);
    if (!range.contains(v)) throw BadValue{"value " + format_double(v) + " is out of range"};
    return v;
  });
}

int64_t TaskParams::get_int(const std::string& key, int64_t def, int64_t min_value, int64_t max_value) {
  known_.emplace_back(key, std::to_string(def));
  note_default(key, ConfigValue::scalar(std::to_string(def)));
  return get_param<int64_t>(params_, origin_, key, def, int_range_text<int64_t>(min_value, max_value),
                            [&](const ConfigValue& n) {
                              int64_t v = decode_integer<int64_t>(n);
                              if (v < min_value || v > max_value)
                                throw BadValue{"value " + std::to_string(v) + " is out of range"};
                              return v;
                            });
}

bool TaskParams::get_bool(const std::string& key, bool def) {
  known_.emplace_back(key, def ? "true" : "false");
  note_default(key, ConfigValue::scalar(def ? "true" : "false"));
  return get_param<bool>(params_, origin_, key, def, "true or false",
                         [](const ConfigValue& n) { return decode_bool(n); });
}

std::string TaskParams::get_string(const std::string& key, const std::string& def) {
  known_.emplace_back(key, def.empty() ? "''" : def);
  note_default(key, ConfigValue::scalar(def));  // read back raw, as a string; "" is written quoted
  return get_param<std::string>(params_, origin_, key, def, "a string",
                                [](const ConfigValue& n) { return decode_string(n, true); });
}

void TaskParams::finish() const {
  if (!params_.is_map()) return;
  std::vector<std::string> names;
  for (const auto& k : known_)
    if (std::find(names.begin(), names.end(), k.first) == names.end()) names.push_back(k.first);
  for (const auto& e : params_.entries()) {
    if (std::find(names.begin(), names.end(), e.key) != names.end()) continue;
    // A data file's recorded hash (core/config/config_paths.hpp) goes with the file key it pins.
    if (is_file_hash_task_key(e.key) &&
        std::find(names.begin(), names.end(), e.key.substr(0, e.key.size() - 5)) != names.end())
      continue;
    std::string msg = place_or(e.key_place, origin_) + ": unknown key 'task." + e.key + "' for task '" + task_ + "'" +
                      did_you_mean(e.key, names);
    msg += names.empty() ? "; task '" + task_ + "' takes no keys of its own"
                         : "; its keys are: " + join(names, ", ") + " (and name, plugin)";
    throw ConfigError(msg);
  }
}

}  // namespace ganglion
