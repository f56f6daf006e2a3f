// The typed experiment config: every setting the framework reads, with its default. Each section
// is declared once, in a key table next to its struct, in the header of the part that reads it
// (genome_settings.hpp, evolution_settings.hpp, run_settings.hpp, task_settings.hpp,
// cuda_settings.hpp, distributed_settings.hpp; the table format is in settings.hpp); Config gathers them.
//
// Loading (core/config/config.cpp) is strict: an unknown key is an error naming file:line:column and the
// nearest valid key; a wrong type or out-of-range value names the key path and the allowed range.
// `--set section.key=value` overrides pass through the same validation. The effective config can
// be written back out as YAML and loads again to an equal Config.
//
// No yaml-cpp type appears here or in what this includes: task plug-ins include this header.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config/config_value.hpp"
#include "core/config/cuda_settings.hpp"
#include "core/config/distributed_settings.hpp"
#include "core/config/evolution_settings.hpp"
#include "core/config/genome_settings.hpp"
#include "core/config/run_settings.hpp"
#include "core/config/settings.hpp"
#include "core/config/task_params.hpp"
#include "core/config/task_settings.hpp"

namespace ganglion {

enum class BackendKind { Auto, Cpu, Cuda };

template <>
struct EnumWords<BackendKind> {
  static constexpr const char* what = "backend";
  static constexpr std::pair<const char*, BackendKind> words[] = {
      {"auto", BackendKind::Auto}, {"cpu", BackendKind::Cpu}, {"cuda", BackendKind::Cuda}};
};

// The top-level keys, then the sections, in the order of the YAML file. `backend` and `threads`
// may change on resume: results do not depend on them (CPU and GPU agree; streams are per genome).
#define GANGLION_CONFIG_SETTINGS(KEY, SUB)                                                                \
  KEY(std::string, name, "experiment", file_name(), fixed, "experiment name (defaults to the config file's stem); names the run folder") \
  KEY(uint64_t, seed, 1, at_least(0), fixed, "the one seed that decides the whole run")                    \
  KEY(BackendKind, backend, BackendKind::Auto, any(), may_change,                                                 \
      "evaluator: cpu, cuda, or auto (cuda when a device is present)")                                    \
  KEY(unsigned, threads, 0, range(0, 4096), may_change, "CPU threads; 0 = all cores (results do not depend on it)") \
  KEY(uint32_t, population_size, 150, range(2, 100000000), fixed, "genomes per generation")               \
  SUB(RunConfig, run, {}, "")                                                                             \
  SUB(GenomeConfig, genome, {}, "")                                                                       \
  SUB(SpeciationConfig, speciation, {}, "")                                                               \
  SUB(StagnationConfig, stagnation, {}, "")                                                               \
  SUB(ReproductionConfig, reproduction, {}, "")                                                           \
  SUB(TaskConfig, task, {}, "")                                                                           \
  SUB(CudaConfig, cuda, {}, "")                                                                           \
  SUB(DistributedConfig, distributed, {}, "")                                                             \
  SUB(CheckpointConfig, checkpoint, {}, "")                                                               \
  SUB(LogConfig, log, {}, "")

struct Config {
  GANGLION_CONFIG_SETTINGS(GANGLION_SETTING_FIELD, GANGLION_SETTING_FIELD)
  GANGLION_SETTINGS_DESCRIBE(Config, GANGLION_CONFIG_SETTINGS)
  std::string source;  // the file it was loaded from ("" when built in code); not a key
};

// Loads and validates a YAML file, then applies "a.b.c=value" overrides (same validation). A run
// whose population cannot fit in this machine's memory (core/config/memory_estimate.hpp) is
// refused, naming population_size or the genome key that makes it so.
Config load_config(const std::string& path, const std::vector<std::string>& overrides = {});
// The same from text; `origin` names the text in messages. No memory check: the text may be a
// checkpoint's stored config, which `inspect` must show on any machine.
Config parse_config(const std::string& yaml_text, const std::string& origin,
                    const std::vector<std::string>& overrides = {});
// Applies one "a.b.c=value" override to an existing config, validated as if loaded.
void apply_override(Config& config, const std::string& assignment);
// The effective config as YAML (every key, defaults included); parse_config() of it is equal.
std::string config_to_yaml(const Config& config);

// The keys that cannot change on resume (key_resumable false) whose values differ between `a` and
// `b`, in schema order; "task (its own keys)" when the task's own keys differ.
std::vector<std::string> fixed_keys_that_differ(const Config& a, const Config& b);

// Every valid key path ("speciation.compatibility_threshold", ...), for help texts and suggestions.
std::vector<std::string> config_keys();

// Whether `key_path` may change when a run is resumed from a checkpoint: true only for keys that
// change how, where or how long the run goes, never what it computes (run.generations, backend,
// threads, cuda.*, checkpoint.*, log.*). False for unknown keys and for the task's own keys.
bool key_resumable(const std::string& key_path);
// The keys for which key_resumable() is true, in schema order.
std::vector<std::string> resumable_keys();

// One key of the schema, described for `ganglion config --keys` and docs/config.md.
struct ConfigKeyDoc {
  std::string path;           // "speciation.compatibility_threshold"
  std::string type;           // "number", "non-negative integer", "bool", "list of activation names", ...
  std::string default_value;  // as YAML text
  std::string allowed;        // the valid values, in words
  std::string doc;            // one line
  bool resumable = false;     // key_resumable(path)
};
// Every key with its type, default, range and meaning, in schema (and YAML) order.
std::vector<ConfigKeyDoc> config_key_docs();

// The closest candidate by edit distance, or "" when nothing is reasonably close.
std::string nearest_name(const std::string& wrong, const std::vector<std::string>& candidates);

}  // namespace ganglion
