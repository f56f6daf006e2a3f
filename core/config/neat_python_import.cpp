#include "core/config/neat_python_import.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"

namespace ganglion {

namespace {

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  const size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

struct IniEntry {
  std::string section, key, value;
  int line = 0;
};

// configparser's rules as neat-python uses them: [section] headers, `key = value` or `key: value`,
// keys case-insensitive, whole-line comments (# or ;), indented lines continuing the value above.
std::vector<IniEntry> parse_ini(const std::string& text, const std::string& origin) {
  std::vector<IniEntry> out;
  std::istringstream in(text);
  std::string raw, section;
  int line = 0;
  while (std::getline(in, raw)) {
    ++line;
    const std::string t = trim(raw);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[') {
      if (t.back() != ']') throw ConfigError(fmt::format("{}:{}: a section header must end with ']': {}", origin, line, t));
      section = trim(t.substr(1, t.size() - 2));
      continue;
    }
    if ((raw[0] == ' ' || raw[0] == '\t') && !out.empty() && out.back().section == section) {
      out.back().value += " " + t;  // a continuation line
      continue;
    }
    const size_t eq = t.find_first_of("=:");
    if (eq == std::string::npos)
      throw ConfigError(fmt::format("{}:{}: expected 'key = value', got: {}", origin, line, t));
    if (section.empty())
      throw ConfigError(fmt::format("{}:{}: a key before any [section]: {}", origin, line, t));
    out.push_back({section, lower(trim(t.substr(0, eq))), trim(t.substr(eq + 1)), line});
  }
  return out;
}

// neat-python's booleans (configparser's words).
std::string yaml_bool(const std::string& v) {
  const std::string l = lower(v);
  if (l == "true" || l == "yes" || l == "on" || l == "1") return "true";
  if (l == "false" || l == "no" || l == "off" || l == "0") return "false";
  return v;
}

// Keys carried over as they are (value converted by `convert` when given).
struct Direct {
  const char* section;
  const char* key;
  const char* ganglion;
};

constexpr Direct kDirect[] = {
    {"NEAT", "pop_size", "population_size"},
    {"NEAT", "fitness_criterion", "run.fitness_criterion"},
    {"NEAT", "reset_on_extinction", "reproduction.reset_on_extinction"},
    {"DefaultGenome", "num_inputs", "genome.num_inputs"},
    {"DefaultGenome", "num_outputs", "genome.num_outputs"},
    {"DefaultGenome", "num_hidden", "genome.num_hidden"},
    {"DefaultGenome", "feed_forward", "genome.feed_forward"},
    {"DefaultGenome", "activation_default", "genome.activation_default"},
    {"DefaultGenome", "activation_options", "genome.activation_options"},
    {"DefaultGenome", "activation_mutate_rate", "genome.activation_mutate_rate"},
    {"DefaultGenome", "aggregation_default", "genome.aggregation_default"},
    {"DefaultGenome", "aggregation_options", "genome.aggregation_options"},
    {"DefaultGenome", "aggregation_mutate_rate", "genome.aggregation_mutate_rate"},
    {"DefaultGenome", "conn_add_prob", "genome.conn_add_prob"},
    {"DefaultGenome", "conn_delete_prob", "genome.conn_delete_prob"},
    {"DefaultGenome", "node_add_prob", "genome.node_add_prob"},
    {"DefaultGenome", "node_delete_prob", "genome.node_delete_prob"},
    {"DefaultGenome", "enabled_mutate_rate", "genome.enabled_mutate_rate"},
    {"DefaultGenome", "single_structural_mutation", "genome.single_structural_mutation"},
    {"DefaultGenome", "compatibility_weight_coefficient", "speciation.weight_coefficient"},
    {"DefaultSpeciesSet", "compatibility_threshold", "speciation.compatibility_threshold"},
    {"DefaultStagnation", "max_stagnation", "stagnation.max_stagnation"},
    {"DefaultStagnation", "species_elitism", "stagnation.species_elitism"},
    {"DefaultReproduction", "elitism", "reproduction.elitism"},
    {"DefaultReproduction", "survival_threshold", "reproduction.survival_threshold"},
    {"DefaultReproduction", "min_species_size", "reproduction.min_species_size"},
};

// The gene attributes: neat-python's <gene>_<attr> is genome.<gene>.<attr>.
constexpr const char* kGenes[] = {"weight", "bias", "response"};
constexpr const char* kAttributes[] = {"init_mean", "init_stdev", "init_type",   "max_value",   "min_value",
                                       "mutate_power", "mutate_rate", "replace_rate"};

}  // namespace

bool looks_like_neat_python_config(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']' && t.find(',') == std::string::npos) {
      const std::string name = trim(t.substr(1, t.size() - 2));
      return name == "NEAT" || name.rfind("Default", 0) == 0;
    }
    return false;
  }
  return false;
}

NeatPythonImport import_neat_python_config(const std::string& text, const std::string& origin,
                                           const std::string& task_name) {
  NeatPythonImport r;
  Config& c = r.config;
  auto apply = [&](const std::string& assignment, const IniEntry* from) {
    try {
      apply_override(c, assignment);
    } catch (const ConfigError& e) {
      if (!from) throw;
      throw ConfigError(fmt::format("{}:{}: [{}] {} = {}: {}", origin, from->line, from->section, from->key,
                                    from->value, e.what()));
    }
  };
  // neat-python's algorithm where Ganglion's defaults differ; each said in the output.
  auto choose = [&](const std::string& assignment, const std::string& why) {
    apply(assignment, nullptr);
    r.set.push_back(assignment + ": " + why);
  };
  choose("genome.bias_node=false", "neat-python has no bias input; every node has its own bias gene");
  choose("speciation.include_node_genes=true", "neat-python's distance counts node genes too");
  choose("speciation.normalize_min_genes=0", "neat-python divides by the larger genome's gene count, always");
  choose("reproduction.mutate_only_rate=0", "neat-python makes every child by crossover (of two parents, or one with itself)");
  choose("reproduction.interspecies_rate=0", "neat-python mates within a species only");
  choose("reproduction.equal_parents_share_genes=false",
         "neat-python's child takes disjoint and excess genes from one parent only, even at equal fitness");
  choose("genome.weight_mutate_genome_rate=1", "neat-python considers every weight of every child for mutation");
  choose("run.fitness_threshold=null",
         "fitness scales differ between a neat-python fitness function and a Ganglion task; the task's own solve "
         "criterion stops the run (run.stop_when_solved)");
  choose("task.name=" + task_name, "neat-python configs name no task (ganglion tasks lists them; --task picks one)");

  bool stop_when_solved = true;
  for (const IniEntry& e : parse_ini(text, origin)) {
    const std::string where = fmt::format("{}:{}: [{}] {} = {}", origin, e.line, e.section, e.key, e.value);
    auto skip = [&](const std::string& why) { r.skipped.push_back(where + ": " + why); };
    auto map_to = [&](const std::string& key, const std::string& value) {
      apply(key + "=" + value, &e);
      r.mapped.push_back(fmt::format("[{}] {} -> {}", e.section, e.key, key));
    };
    bool done = false;
    for (const Direct& d : kDirect) {
      if (e.section != d.section || e.key != d.key) continue;
      std::string v = e.value;
      if (e.key == "fitness_criterion" && lower(v) == "mean") {
        skip("Ganglion judges a generation by its best genome (max or min), not the mean");
      } else {
        if (v == "True" || v == "False") v = yaml_bool(v);
        map_to(d.ganglion, v);
      }
      done = true;
      break;
    }
    if (done) continue;
    if (e.section == "DefaultGenome") {
      for (const char* gene : kGenes)
        for (const char* attr : kAttributes)
          if (!done && e.key == std::string(gene) + "_" + attr) {
            map_to(fmt::format("genome.{}.{}", gene, attr), e.value);
            done = true;
          }
      if (done) continue;
    }
    if (e.section == "NEAT" && e.key == "fitness_threshold") {
      skip("not carried over: see run.fitness_threshold above (the run stops when the task is solved)");
    } else if (e.section == "NEAT" && e.key == "no_fitness_termination") {
      stop_when_solved = yaml_bool(e.value) != "true";
      r.mapped.push_back(fmt::format("[NEAT] no_fitness_termination -> run.stop_when_solved = {}",
                                     stop_when_solved ? "true" : "false"));
    } else if (e.section == "DefaultGenome" && e.key == "compatibility_disjoint_coefficient") {
      map_to("speciation.disjoint_coefficient", e.value);
      map_to("speciation.excess_coefficient", e.value);  // neat-python does not tell excess from disjoint
    } else if (e.section == "DefaultGenome" && e.key == "initial_connection") {
      std::istringstream words(e.value);
      std::string kind, fraction;
      words >> kind >> fraction;
      if (kind == "unconnected") map_to("genome.initial_connection", "none");
      else if (kind == "full" || kind == "full_nohidden" || kind == "full_direct") map_to("genome.initial_connection", "full");
      else if (kind == "partial" || kind == "partial_nohidden" || kind == "partial_direct") {
        map_to("genome.initial_connection", "partial");
        if (!fraction.empty()) map_to("genome.connection_fraction", fraction);
      } else
        skip("no counterpart for '" + kind + "' (Ganglion: full, none, partial); the default (full) is used");
      if (kind == "full_direct" || kind == "partial_direct")
        r.set.push_back("genome.initial_connection: neat-python's *_direct also links inputs to outputs past hidden "
                        "nodes; Ganglion's full connects every input to every hidden and output node");
    } else if (e.section == "DefaultGenome" && e.key == "enabled_default") {
      if (yaml_bool(e.value) != "true") skip("Ganglion's new connections are always enabled");
    } else if (e.section == "DefaultGenome" &&
               (e.key == "enabled_rate_to_true_add" || e.key == "enabled_rate_to_false_add")) {
      skip("no counterpart: Ganglion flips enabled flags with one rate (genome.enabled_mutate_rate)");
    } else if (e.section == "DefaultGenome" && e.key == "structural_mutation_surer") {
      skip("no counterpart: a structural mutation that cannot apply does nothing in Ganglion");
    } else if (e.section == "DefaultGenome" && (e.key.size() > 12 && e.key.rfind("_mutate_type") != std::string::npos)) {
      map_to(fmt::format("genome.{}.mutate_type", e.key.substr(0, e.key.size() - 12)), e.value);
    } else if (e.section == "DefaultStagnation" && e.key == "species_fitness_func") {
      if (lower(e.value) != "max")
        skip("Ganglion measures a species' progress by its best fitness (neat-python's 'max') only");
    } else {
      skip("no counterpart in Ganglion");
    }
  }
  apply(std::string("run.stop_when_solved=") + (stop_when_solved ? "true" : "false"), nullptr);
  c.name = "imported";
  return r;
}

std::string NeatPythonImport::yaml(const std::string& source) const {
  std::string out = "# Imported from the neat-python config " + source + " by `ganglion import neat-python`.\n";
  out += "# Carried over:\n";
  for (const auto& m : mapped) out += "#   " + m + "\n";
  out += "# Set to neat-python's algorithm:\n";
  for (const auto& s : set) out += "#   " + s + "\n";
  if (!skipped.empty()) {
    out += "# No counterpart (left out):\n";
    for (const auto& s : skipped) out += "#   " + s + "\n";
  }
  return out + config_to_yaml(config);
}

}  // namespace ganglion
