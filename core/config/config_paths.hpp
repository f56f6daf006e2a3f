// The files a config names: `task.plugin`, and the task's own keys named `file` or ending in
// `_file` (a data task's CSV). A config loaded from a file has them made absolute (a relative path
// is looked up next to the config file, then in the working folder; a `--set` value in the working
// folder), so a run folder's config.yaml and its checkpoints name the same files from any working
// folder. A new run pins each data file by its content hash (`<key>_hash` beside the key, XXH64),
// and every later load of that config (a resume, a re-run of config.yaml) refuses a file whose
// bytes have changed, naming it.
#pragma once

#include <string>

#include "core/config/config.hpp"

namespace ganglion {

// Whether a task key (`file`, `train_file`, ...) names a file.
bool is_path_task_key(const std::string& key);
// Whether a task key is the recorded hash of such a key (`file_hash`).
bool is_file_hash_task_key(const std::string& key);

// Makes the paths absolute; `config_dir` is the folder of the config file.
void resolve_config_paths(Config& config, const std::string& config_dir);
// Adds `<key>_hash: xxh64:<16 hex digits>` for each data file key that has none. Throws ConfigError
// naming the key when the file cannot be read.
void record_file_hashes(Config& config);
// Throws ConfigError naming the key, the file and both hashes when a recorded hash no longer
// matches the file (or the file is gone).
void check_file_hashes(const Config& config);

}  // namespace ganglion
