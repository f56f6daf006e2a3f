#include "core/config/config_paths.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/io/checkpoint_io.hpp"
#include "core/io/read_file.hpp"

namespace ganglion {

namespace fs = std::filesystem;

namespace {

constexpr const char* kHashSuffix = "_hash";
constexpr const char* kHashPrefix = "xxh64:";

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// A relative path: next to the config file first, then in the working folder (where a `--set` value
// is looked up first). A path found in neither place is kept as written, for the task's own message.
std::string absolute_path(const std::string& p, const std::string& config_dir, bool from_command_line) {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  std::error_code ec;
  const fs::path beside = fs::absolute(fs::path(config_dir.empty() ? "." : config_dir) / p, ec).lexically_normal();
  const fs::path here = fs::absolute(p, ec).lexically_normal();
  const fs::path first = from_command_line ? here : beside;
  const fs::path second = from_command_line ? beside : here;
  if (fs::exists(first, ec)) return first.string();
  if (fs::exists(second, ec)) return second.string();
  return p;
}

std::string file_hash_text(const std::string& path, const std::string& key) {
  std::string bytes;
  try {
    bytes = read_regular_file_or_throw<ConfigError>(path, "data file");
  } catch (const ConfigError& e) {
    throw ConfigError(fmt::format("task.{}: {}", key, e.what()));
  }
  return fmt::format("{}{:016x}", kHashPrefix, xxhash64(bytes.data(), bytes.size()));
}

}  // namespace

bool is_path_task_key(const std::string& key) { return key == "file" || ends_with(key, "_file"); }

bool is_file_hash_task_key(const std::string& key) {
  return ends_with(key, kHashSuffix) && is_path_task_key(key.substr(0, key.size() - std::string(kHashSuffix).size()));
}

void resolve_config_paths(Config& config, const std::string& config_dir) {
  config.task.plugin = absolute_path(config.task.plugin, config_dir, false);
  if (!config.task.params.is_map()) return;
  ConfigValue params = config.task.params;
  for (const auto& e : config.task.params.entries()) {
    if (!is_path_task_key(e.key) || !e.value.is_scalar()) continue;
    const bool from_command_line = e.value.place().rfind("--set", 0) == 0;
    const std::string abs = absolute_path(e.value.text(), config_dir, from_command_line);
    if (abs == e.value.text()) continue;
    ConfigValue v = ConfigValue::scalar(abs, e.value.place());
    params.set(e.key, std::move(v), e.key_place);
  }
  config.task.params = std::move(params);
}

void record_file_hashes(Config& config) {
  if (!config.task.params.is_map()) return;
  ConfigValue params = config.task.params;
  for (const auto& e : config.task.params.entries()) {
    if (!is_path_task_key(e.key) || !e.value.is_scalar() || e.value.text().empty()) continue;
    const std::string hash_key = e.key + kHashSuffix;
    if (config.task.params.find(hash_key)) continue;
    params.set(hash_key, ConfigValue::scalar(file_hash_text(e.value.text(), e.key)));
  }
  config.task.params = std::move(params);
}

void check_file_hashes(const Config& config) {
  if (!config.task.params.is_map()) return;
  for (const auto& e : config.task.params.entries()) {
    if (!is_file_hash_task_key(e.key)) continue;
    const std::string key = e.key.substr(0, e.key.size() - std::string(kHashSuffix).size());
    const ConfigValue* file = config.task.params.find(key);
    if (!file || !file->is_scalar()) continue;
    const std::string where = e.value.place().empty() ? config.source : e.value.place();
    const std::string recorded = e.value.is_scalar() ? e.value.text() : "";
    if (recorded.rfind(kHashPrefix, 0) != 0 || recorded.size() != std::string(kHashPrefix).size() + 16)
      throw ConfigError(fmt::format("{}: task.{}: '{}' is not a recorded file hash (expected {}<16 hex digits>)", where,
                                    e.key, recorded, kHashPrefix));
    const std::string now = file_hash_text(file->text(), key);
    if (now != recorded)
      throw ConfigError(fmt::format("{}: task.{}: the data file {} has changed since the run started (recorded {}, now "
                                    "{}); a resumed or repeated run must read the same data: restore the file, or "
                                    "start a new run from a config without task.{}",
                                    where, key, file->text(), recorded, now, e.key));
  }
}

}  // namespace ganglion
