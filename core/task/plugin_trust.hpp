// Which plug-in a run may load. A task plug-in is native code that runs with the user's rights, so
// a run records the file it started with (task.plugin_hash: the content hash, task.plugin_abi: the
// plug-in ABI version) in its config.yaml and every checkpoint, and a resumed run loads a plug-in
// only when the user confirms it: by naming the file (`--set task.plugin=PATH`, which must still
// have the recorded hash) or by trusting it outright (`--trust-plugin`, which also accepts a
// rebuilt file and records its hash from then on). A checkpoint alone never makes code run.
#pragma once

#include <string>
#include <vector>

#include "core/config/config.hpp"

namespace ganglion {

// At the start of a run: fills config.task.plugin_hash and plugin_abi from the file task.plugin
// names (relative paths as load_task_plugin resolves them), or clears them when task.plugin is
// empty. A hash the config already holds (a recorded run's config.yaml run again) must match the
// file, else Error naming both. A file that cannot be read is left to the loader's message.
void record_task_plugin(Config& config);

// Before a resumed run loads anything: `recorded` is the task section of the checkpoint's config,
// `config` the resumed run's config after `overrides` (the "key=value" changes) were applied.
// Nothing to do for a run without a plug-in. Otherwise refuses (Error naming the checkpoint, the
// plug-in's path, its recorded ABI version and hash, and both ways to confirm) unless task.plugin
// is among `overrides` or `trusted`; refuses a file whose hash differs from the recorded one
// (naming both files and hashes) unless `trusted`. When it lets the run go on, config's
// task.plugin_hash and plugin_abi describe the file that will be loaded.
void confirm_resumed_task_plugin(const TaskConfig& recorded, Config& config, const std::vector<std::string>& overrides,
                                 bool trusted, const std::string& checkpoint);

// "ABI version 3, content hash 0123456789abcdef" (or "no hash recorded") for messages and `inspect`.
std::string recorded_plugin_text(const TaskConfig& task);

}  // namespace ganglion
