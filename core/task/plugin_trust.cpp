#include "core/task/plugin_trust.hpp"

#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "core/task/plugin.hpp"

namespace ganglion {

namespace {

// Whether one of the "key=value" overrides sets task.plugin.
bool names_plugin(const std::vector<std::string>& overrides) {
  for (const auto& s : overrides) {
    std::string key = s.substr(0, s.find('='));
    key.erase(0, key.find_first_not_of(" \t"));
    key.erase(key.find_last_not_of(" \t") + 1);
    if (key == "task.plugin") return true;
  }
  return false;
}

// The file's hash, or "" when there is no such file (the loader then says why it cannot load it).
std::string hash_if_present(const std::string& file) {
  std::error_code ec;
  return std::filesystem::exists(file, ec) ? plugin_file_hash(file) : std::string();
}

}  // namespace

std::string recorded_plugin_text(const TaskConfig& task) {
  if (task.plugin_hash.empty()) return "no hash recorded";
  return fmt::format("ABI version {}, content hash {}", task.plugin_abi, task.plugin_hash);
}

void record_task_plugin(Config& config) {
  TaskConfig& t = config.task;
  if (t.plugin.empty()) {
    t.plugin_hash.clear();
    t.plugin_abi = 0;
    return;
  }
  const std::string file = task_plugin_file(t.plugin, config.source);
  const std::string hash = hash_if_present(file);
  if (hash.empty()) return;
  const std::string where = config.source.empty() ? std::string("config") : config.source;
  if (!t.plugin_hash.empty() && t.plugin_hash != hash)
    throw ConfigError(fmt::format("{}: task.plugin_hash is {}, but the plug-in {} has content hash {}: it is not the "
                                  "file this config was recorded with; remove task.plugin_hash to run this file",
                                  where, t.plugin_hash, file, hash));
  t.plugin_hash = hash;
  t.plugin_abi = GANGLION_PLUGIN_ABI_VERSION;
}

void confirm_resumed_task_plugin(const TaskConfig& recorded, Config& config, const std::vector<std::string>& overrides,
                                 bool trusted, const std::string& checkpoint) {
  TaskConfig& t = config.task;
  if (t.plugin.empty()) return;
  const bool named = names_plugin(overrides);
  const std::string file = task_plugin_file(t.plugin, config.source);
  if (!named && !trusted)
    throw Error(fmt::format(
        "{}: this run's task comes from the plug-in {} ({}), a shared library that would run as native code with "
        "your rights. Resume loads a plug-in only when you confirm it: pass --trust-plugin, or name the file "
        "yourself with --set task.plugin={} (it must have the recorded content hash). `ganglion inspect {}` shows "
        "what the checkpoint records",
        checkpoint, file, recorded_plugin_text(recorded), file, checkpoint));
  const std::string hash = hash_if_present(file);
  if (hash.empty()) return;  // the loader names the missing file
  if (!recorded.plugin_hash.empty() && hash != recorded.plugin_hash) {
    const std::string what = fmt::format(
        "the plug-in {} has content hash {}, but the run recorded {} for {}", file, hash,
        recorded_plugin_text(recorded), task_plugin_file(recorded.plugin, config.source));
    if (!trusted)
      throw Error(fmt::format("{}: {}: it is not the code the run started with, so the resumed run may differ from "
                              "the one that was checkpointed; pass --trust-plugin to load it anyway",
                              checkpoint, what));
    spdlog::warn("{}: {}; loading it because the plug-in is trusted (--trust-plugin)", checkpoint, what);
  }
  t.plugin_hash = hash;
  t.plugin_abi = GANGLION_PLUGIN_ABI_VERSION;
}

}  // namespace ganglion
