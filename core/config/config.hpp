// The typed experiment config: every setting the framework reads, with its default. Defaults are
// the NEAT paper's XOR settings (Stanley & Miikkulainen 2002) where the paper gives one.
//
// Loading (core/config/config.cpp) is strict: an unknown key is an error naming file:line:column and the
// nearest valid key; a wrong type or out-of-range value names the key path and the allowed range.
// `--set section.key=value` overrides pass through the same validation. The effective config can
// be written back out as YAML and loads again to an equal Config.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/network/activation.hpp"

namespace ganglion {

enum class BackendKind { Auto, Cpu, Cuda };  // which Backend (core/network/backend.hpp) a run uses
enum class FitnessCriterion { Max, Min };  // maximise or minimise fitness
enum class InitialConnection { Full, None, Partial };
enum class Distribution { Gaussian, Uniform };

// Initialisation and mutation of one float attribute of a gene (weight, bias or response).
struct GeneAttributeConfig {
  double init_mean = 0.0;
  double init_stdev = 1.0;                 // gaussian stdev, or half-width for uniform
  Distribution init_type = Distribution::Gaussian;
  double min_value = -30.0;
  double max_value = 30.0;
  double mutate_rate = 0.0;   // per gene: probability of a perturbation
  double mutate_power = 0.5;  // stdev (gaussian) or half-width (uniform) of a perturbation
  Distribution mutate_type = Distribution::Gaussian;
  double replace_rate = 0.0;  // per gene: probability of a fresh value instead
};

struct GenomeConfig {
  uint32_t num_inputs = 2;
  uint32_t num_outputs = 1;
  uint32_t num_hidden = 0;   // hidden nodes in the initial genomes
  bool bias_node = true;     // an always-1 input node, as in the NEAT paper
  bool feed_forward = true;  // false allows recurrent and self connections
  InitialConnection initial_connection = InitialConnection::Full;
  double connection_fraction = 1.0;  // for Partial

  Activation activation_default = Activation::NeatSigmoid;
  std::vector<Activation> activation_options = {Activation::NeatSigmoid};
  double activation_mutate_rate = 0.0;
  Aggregation aggregation_default = Aggregation::Sum;
  std::vector<Aggregation> aggregation_options = {Aggregation::Sum};
  double aggregation_mutate_rate = 0.0;

  // Weights: the paper mutates the weights of 80% of children; each weight is then perturbed
  // (90%) or replaced (10%).
  double weight_mutate_genome_rate = 0.8;  // probability that a child's weights are mutated at all
  GeneAttributeConfig weight{0.0, 1.0, Distribution::Gaussian, -8.0, 8.0, 0.9, 0.5, Distribution::Uniform, 0.1};
  GeneAttributeConfig bias{0.0, 0.0, Distribution::Gaussian, -8.0, 8.0, 0.0, 0.5, Distribution::Gaussian, 0.0};
  GeneAttributeConfig response{1.0, 0.0, Distribution::Gaussian, -8.0, 8.0, 0.0, 0.1, Distribution::Gaussian, 0.0};

  double conn_add_prob = 0.05;
  double conn_delete_prob = 0.0;
  double node_add_prob = 0.03;
  double node_delete_prob = 0.0;
  double enabled_mutate_rate = 0.0;  // per connection: toggle enabled
  bool single_structural_mutation = false;
};

struct SpeciationConfig {
  double compatibility_threshold = 3.0;
  double excess_coefficient = 1.0;    // c1
  double disjoint_coefficient = 1.0;  // c2
  double weight_coefficient = 0.4;    // c3
  bool include_node_genes = false;    // count node genes (and their bias/response) too
  uint32_t normalize_min_genes = 20;  // N = 1 when both genomes have fewer genes (paper)
  bool dynamic_threshold = false;     // steer the threshold towards target_species
  uint32_t target_species = 10;
  double threshold_step = 0.3;
  double threshold_min = 0.3;
};

struct StagnationConfig {
  uint32_t max_stagnation = 15;  // generations without improvement before a species is removed
  uint32_t species_elitism = 2;  // the best K species are never removed for stagnation
};

struct ReproductionConfig {
  uint32_t elitism = 0;                   // best genomes of the population copied unchanged
  uint32_t species_elitism_min_size = 5;  // champion of each species with more members is copied
  double survival_threshold = 0.2;        // share of each species allowed to reproduce
  uint32_t min_species_size = 2;
  double mutate_only_rate = 0.25;         // share of children made by mutation alone
  double interspecies_rate = 0.001;
  double disabled_gene_inherit_prob = 0.75;
  bool reset_on_extinction = true;
};

struct RunConfig {
  uint32_t generations = 300;
  FitnessCriterion fitness_criterion = FitnessCriterion::Max;
  std::optional<double> fitness_threshold;  // none: run to the generation limit or until solved
  bool stop_when_solved = true;             // stop when the task reports a solution
  std::string out_dir = "runs";             // run folders are created under it
};

struct CudaConfig {
  std::string kernel = "auto";  // auto | level | block | warp | global (gpu/ validates the name)
  int device = 0;
};

struct CheckpointConfig {
  uint32_t every = 0;  // 0: only at the end (and on Ctrl-C/SIGTERM)
  uint32_t keep = 3;
};

struct LogConfig {
  std::string level = "info";  // trace | debug | info | warn | error | off
  bool progress = true;        // a progress line on terminals
};

// The task section: `name` (or `plugin` + `name`) plus the task's own keys, which the task
// reads through TaskParams so that they are just as strictly checked.
struct TaskConfig {
  std::string name = "xor";
  std::string plugin;  // path to a shared library, optional
  YAML::Node params;   // the remaining keys of the task section (a map, possibly empty)

  // yaml-cpp nodes are references: copies of a TaskConfig share `params`, and Node's own
  // assignment would overwrite the shared node in place (changing every copy). Assignment here
  // rebinds instead; code that changes params builds a new node and assigns it (never edits in place).
  TaskConfig() = default;
  TaskConfig(const TaskConfig&) = default;
  TaskConfig& operator=(const TaskConfig& other) {
    name = other.name;
    plugin = other.plugin;
    params.reset(other.params);
    return *this;
  }
};

struct Config {
  std::string name = "experiment";  // defaults to the config file's stem
  std::string source;               // the file it was loaded from ("" when built in code)
  uint64_t seed = 1;
  BackendKind backend = BackendKind::Auto;
  unsigned threads = 0;  // 0 = all cores
  uint32_t population_size = 150;

  RunConfig run;
  GenomeConfig genome;
  SpeciationConfig speciation;
  StagnationConfig stagnation;
  ReproductionConfig reproduction;
  TaskConfig task;
  CudaConfig cuda;
  CheckpointConfig checkpoint;
  LogConfig log;
};

// Loads and validates a YAML file, then applies "a.b.c=value" overrides (same validation).
Config load_config(const std::string& path, const std::vector<std::string>& overrides = {});
// The same from text; `origin` names the text in messages.
Config parse_config(const std::string& yaml_text, const std::string& origin,
                    const std::vector<std::string>& overrides = {});
// Applies one "a.b.c=value" override to an existing config, validated as if loaded.
void apply_override(Config& config, const std::string& assignment);
// The effective config as YAML (every key, defaults included); parse_config() of it is equal.
std::string config_to_yaml(const Config& config);

// Every valid key path ("speciation.compatibility_threshold", ...), for help texts and suggestions.
std::vector<std::string> config_keys();

// One key of the schema, described for `ganglion config --keys` and docs/config.md.
struct ConfigKeyDoc {
  std::string path;           // "speciation.compatibility_threshold"
  std::string type;           // "number", "non-negative integer", "bool", "list of activation names", ...
  std::string default_value;  // as YAML text
  std::string allowed;        // the valid values, in words
  std::string doc;            // one line
};
// Every key with its type, default, range and meaning, in schema (and YAML) order.
std::vector<ConfigKeyDoc> config_key_docs();

// The closest candidate by edit distance, or "" when nothing is reasonably close.
std::string nearest_name(const std::string& wrong, const std::vector<std::string>& candidates);

// Strict reading of a task's own keys. Each get() marks a key as known; finish() throws a
// ConfigError for any key never asked for, with file:line and "did you mean".
class TaskParams {
 public:
  TaskParams(const YAML::Node& params, std::string origin, std::string task_name);
  double get_double(const std::string& key, double def, double min_value, double max_value);
  int64_t get_int(const std::string& key, int64_t def, int64_t min_value, int64_t max_value);
  bool get_bool(const std::string& key, bool def);
  std::string get_string(const std::string& key, const std::string& def);
  void finish() const;
  // Keys asked for so far with their defaults as text (for `ganglion tasks`).
  const std::vector<std::pair<std::string, std::string>>& known() const { return known_; }

 private:
  YAML::Node params_;
  std::string origin_;
  std::string task_;
  std::vector<std::pair<std::string, std::string>> known_;
};

}  // namespace ganglion
