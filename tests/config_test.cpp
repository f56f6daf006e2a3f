// Tests of core/config/config.cpp: defaults, every kind of config error (each message must name the key
// path and the place), `--set` overrides, the YAML round trip, task values and TaskParams, the
// names gpu/ registers for cuda.kernel, and which keys may change on resume.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include <yaml-cpp/yaml.h>

#include "core/config/config.hpp"
#include "core/config/memory_estimate.hpp"
#include "core/memory.hpp"
#include "core/config/registered_names.hpp"
#include "core/error.hpp"
#include "gpu/dispatch.hpp"

using namespace ganglion;

namespace {

std::string data_path(const std::string& name) {
  const char* root = std::getenv("GANGLION_SOURCE_DIR");
  return std::string(root ? root : ".") + "/tests/data/config/" + name;
}

// The message of the ConfigError that parsing `text` (then `overrides`) throws, or "" if none.
std::string parse_error(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    parse_config(text, "test.yaml", overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Every key of the YAML text, flattened to "a.b.c" -> scalar text (lists as flow text).
void flatten(const YAML::Node& node, const std::string& prefix, std::map<std::string, std::string>& out) {
  for (const auto& kv : node) {
    std::string path = prefix.empty() ? kv.first.Scalar() : prefix + "." + kv.first.Scalar();
    if (kv.second.IsMap()) {
      flatten(kv.second, path, out);
    } else {
      YAML::Emitter e;
      e << YAML::Flow << kv.second;
      out[path] = e.c_str();
    }
  }
}

std::map<std::string, std::string> flat(const Config& c) {
  std::map<std::string, std::string> out;
  flatten(YAML::Load(config_to_yaml(c)), "", out);
  return out;
}

uint64_t test_seed() {
  const char* s = std::getenv("GANGLION_TEST_SEED");
  return s ? std::strtoull(s, nullptr, 10) : std::random_device{}();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
TEST_CASE("an empty file, a comment-only file and empty text give all defaults") {
  const std::string defaults = config_to_yaml(Config{});
  for (const char* name : {"empty.yaml", "comment_only.yaml"}) {
    Config c = load_config(data_path(name));
    CHECK(c.source == data_path(name));
    CHECK(c.name == std::string(name).substr(0, std::string(name).find('.')));  // the file's stem
    c.name = Config{}.name;
    CHECK(config_to_yaml(c) == defaults);
  }
  Config c = parse_config("", "text");
  CHECK(c.name == "experiment");
  CHECK(c.population_size == 150);
  CHECK(c.genome.weight.mutate_rate == 0.9);
  CHECK(c.genome.weight.mutate_type == Distribution::Uniform);
  CHECK(!c.run.fitness_threshold.has_value());
  CHECK(c.task.params.is_map());
  CHECK(c.task.params.size() == 0);
  // Empty sections are allowed too.
  CHECK(config_to_yaml(parse_config("genome:\nspeciation:\n", "t")) == defaults);
}

TEST_CASE("a full file sets every section") {
  Config c = load_config(data_path("full.yaml"));
  CHECK(c.name == "full_example");
  CHECK(c.seed == 12345678901234ull);
  CHECK(c.backend == BackendKind::Cpu);
  CHECK(c.threads == 4);
  CHECK(c.population_size == 300);
  CHECK(c.run.generations == 50);
  CHECK(c.run.fitness_criterion == FitnessCriterion::Min);
  REQUIRE(c.run.fitness_threshold.has_value());
  CHECK(*c.run.fitness_threshold == 0.01);
  CHECK(!c.run.stop_when_solved);
  CHECK(c.run.out_dir == "/tmp/ganglion-runs");
  CHECK(c.genome.num_inputs == 4);
  CHECK(c.genome.num_outputs == 2);
  CHECK(c.genome.num_hidden == 1);
  CHECK(!c.genome.bias_node);
  CHECK(!c.genome.feed_forward);
  CHECK(c.genome.initial_connection == InitialConnection::Partial);
  CHECK(c.genome.connection_fraction == 0.5);
  CHECK(c.genome.activation_default == Activation::Tanh);
  CHECK(c.genome.activation_options ==
        std::vector<Activation>{Activation::Tanh, Activation::Relu, Activation::Sigmoid});
  CHECK(c.genome.aggregation_default == Aggregation::Max);
  // neat-python's space-separated form
  CHECK(c.genome.aggregation_options == std::vector<Aggregation>{Aggregation::Sum, Aggregation::Max});
  CHECK(c.genome.weight.init_stdev == 2.0);
  CHECK(c.genome.weight.mutate_type == Distribution::Gaussian);
  CHECK(c.genome.weight.min_value == -5.0);
  CHECK(c.genome.weight.max_value == 5.0);
  CHECK(c.genome.weight.mutate_rate == 0.9);  // untouched keys keep their defaults
  CHECK(c.genome.bias.mutate_rate == 0.7);
  CHECK(c.genome.conn_add_prob == 0.5);
  CHECK(c.genome.single_structural_mutation);
  CHECK(c.speciation.compatibility_threshold == 2.5);
  CHECK(c.speciation.dynamic_threshold);
  CHECK(c.speciation.target_species == 12);
  CHECK(c.stagnation.max_stagnation == 20);
  CHECK(c.reproduction.elitism == 2);
  CHECK(c.reproduction.survival_threshold == 0.3);
  CHECK(c.task.name == "cartpole");
  CHECK(c.task.plugin.empty());
  REQUIRE(c.task.params.find("max_steps"));
  CHECK(c.task.params.find("max_steps")->text() == "500");
  CHECK(c.task.params.find("noise")->text() == "0.25");
  CHECK(!c.task.params.find("name"));
  CHECK(c.cuda.kernel == "warp");
  CHECK(c.cuda.device == 1);
  CHECK(c.checkpoint.every == 10);
  CHECK(c.checkpoint.keep == 5);
  CHECK(c.log.level == "debug");
  CHECK(!c.log.progress);
}

// ---------------------------------------------------------------------------------------------
TEST_CASE("unknown keys: file:line:column, the key path and the nearest valid key") {
  std::string e = parse_error("genome:\n  num_input: 3\n");
  CHECK(contains(e, "test.yaml:2:3:"));
  CHECK(contains(e, "unknown key 'genome.num_input'"));
  CHECK(contains(e, "did you mean 'genome.num_inputs'?"));
  CHECK(contains(e, "valid keys in 'genome':"));

  e = parse_error("seed: 3\nspeciaton:\n  compatibility_threshold: 3\n");
  CHECK(contains(e, "test.yaml:2:1:"));
  CHECK(contains(e, "did you mean 'speciation'?"));

  e = parse_error("genome:\n  weight:\n    mutate_rat: 0.5\n");
  CHECK(contains(e, "test.yaml:3:5:"));
  CHECK(contains(e, "'genome.weight.mutate_rat'"));
  CHECK(contains(e, "did you mean 'genome.weight.mutate_rate'?"));

  e = parse_error("popsize: 100\n");
  CHECK(contains(e, "test.yaml:1:1: unknown key 'popsize'"));
  CHECK(contains(e, "valid keys at the top level"));

  e = parse_error("genome:\n  totally_unrelated_thing: 1\n");
  CHECK(contains(e, "unknown key 'genome.totally_unrelated_thing'"));
  CHECK(!contains(e, "did you mean"));
}

TEST_CASE("a key in the wrong section suggests the section it belongs to") {
  try {
    load_config(data_path("unknown_key.yaml"));
    FAIL("no error");
  } catch (const ConfigError& err) {
    std::string e = err.what();
    CHECK(contains(e, data_path("unknown_key.yaml") + ":4:3:"));
    CHECK(contains(e, "unknown key 'genome.compatibility_threshold'"));
    CHECK(contains(e, "did you mean 'speciation.compatibility_threshold'?"));
  }
  std::string e = parse_error("mutate_power: 0.3\n");
  CHECK(contains(e, "did you mean 'genome.weight.mutate_power'?"));
  e = parse_error("weight:\n  mutate_power: 0.3\n");
  CHECK(contains(e, "did you mean 'genome.weight'?"));
  e = parse_error("generations: 10\n");
  CHECK(contains(e, "did you mean 'run.generations'?"));
}

TEST_CASE("wrong types name the expected type, the key path and the place") {
  struct Case {
    std::string yaml, where, path, expected;
  };
  const Case cases[] = {
      {"population_size: many\n", "test.yaml:1:18:", "population_size:", "expected a non-negative integer"},
      {"population_size: 10.5\n", "test.yaml:1:18:", "population_size:", "non-integer number"},
      {"seed: -4\n", "test.yaml:1:7:", "seed:", "negative number -4"},
      {"threads: [1, 2]\n", "test.yaml:1:10:", "threads:", "got a list"},
      {"speciation:\n  compatibility_threshold: high\n", "test.yaml:2:28:", "speciation.compatibility_threshold:",
       "expected a number, got 'high'"},
      {"speciation:\n  compatibility_threshold: \"3\"\n", "test.yaml:2:28:", "speciation.compatibility_threshold:",
       "expected a number, got the string '3'"},
      {"genome:\n  weight:\n    mutate_rate: {a: 1}\n", "test.yaml:3:18:", "genome.weight.mutate_rate:",
       "expected a number, got a map"},
      {"genome:\n  bias_node: maybe\n", "test.yaml:2:14:", "genome.bias_node:", "expected true or false"},
      {"run:\n  out_dir: [a]\n", "test.yaml:2:12:", "run.out_dir:", "expected a string, got a list"},
      {"run:\n  fitness_threshold: lots\n", "test.yaml:2:22:", "run.fitness_threshold:", "expected a number"},
      {"seed: 99999999999999999999999\n", "test.yaml:1:7:", "seed:", "does not fit"},
      {"genome: [1, 2]\n", "test.yaml:1:9:", "genome:", "expected a map of keys, got a list"},
      {"task: xor\n", "test.yaml:1:7:", "task:", "expected a map of keys"},
      {"[1, 2]\n", "test.yaml:1:1:", "the top level:", "expected a map of keys"},
      {"seed: 1\npopulation_size:\nthreads: 2\n", "test.yaml:2:1:", "population_size:", "got nothing (null)"},
      {"cuda:\n  device: 0.5\n", "test.yaml:2:11:", "cuda.device:", "expected an integer"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.yaml);
    std::string e = parse_error(c.yaml);
    CAPTURE(e);
    CHECK(contains(e, c.where));
    CHECK(contains(e, c.path));
    CHECK(contains(e, c.expected));
    CHECK((contains(e, "allowed") || contains(e, "allowed keys")));
  }
}

TEST_CASE("out-of-range values name the key and the allowed range") {
  struct Case {
    std::string yaml, path, allowed;
  };
  const Case cases[] = {
      {"population_size: 1\n", "population_size: value 1 is out of range", "an integer in [2, 100000000]"},
      {"genome:\n  num_outputs: 16777217\n", "genome.num_outputs: value 16777217", "an integer in [0, 16777216]"},
      {"genome:\n  conn_add_prob: 1.5\n", "genome.conn_add_prob: value 1.5", "a number in [0, 1]"},
      {"genome:\n  node_add_prob: -0.1\n", "genome.node_add_prob: value -0.1", "a number in [0, 1]"},
      {"genome:\n  weight:\n    replace_rate: 2\n", "genome.weight.replace_rate: value 2.0", "a number in [0, 1]"},
      {"genome:\n  response:\n    init_stdev: -1\n", "genome.response.init_stdev: value -1.0", "a number >= 0"},
      {"speciation:\n  compatibility_threshold: 0\n", "speciation.compatibility_threshold: value 0.0",
       "a number > 0"},
      {"run:\n  generations: 0\n", "run.generations: value 0", "an integer >= 1"},
      {"reproduction:\n  survival_threshold: 0\n", "reproduction.survival_threshold", "a number in (0, 1]"},
      {"threads: 100000\n", "threads: value 100000", "an integer in [0, 4096]"},
      {"checkpoint:\n  keep: 0\n", "checkpoint.keep", "an integer >= 1"},
      {"run:\n  fitness_threshold: .inf\n", "run.fitness_threshold", "expected a number"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.yaml);
    std::string e = parse_error(c.yaml);
    CAPTURE(e);
    CHECK(contains(e, "test.yaml:"));
    CHECK(contains(e, c.path));
    CHECK(contains(e, c.allowed));
  }
}

TEST_CASE("relations between keys: min <= max, elitism <= population") {
  std::string e = parse_error("genome:\n  weight:\n    min_value: 1\n    max_value: -1\n");
  CHECK(contains(e, "test.yaml:4:16:"));
  CHECK(contains(e, "genome.weight.min_value (1.0) is greater than genome.weight.max_value (-1.0)"));
  e = parse_error("genome:\n  bias:\n    min_value: 100\n");  // against the default max of 8
  CHECK(contains(e, "test.yaml:3:16:"));
  CHECK(contains(e, "genome.bias.min_value"));
  e = parse_error("population_size: 10\nreproduction:\n  elitism: 11\n");
  CHECK(contains(e, "test.yaml:3:12:"));
  CHECK(contains(e, "reproduction.elitism (11) is greater than population_size (10)"));
  // An override pair may pass through an invalid state: relations are checked after all of them.
  Config c = parse_config("", "t", {"genome.weight.min_value=20", "genome.weight.max_value=30"});
  CHECK(c.genome.weight.min_value == 20.0);
  e = parse_error("", {"genome.weight.max_value=-20"});
  CHECK(contains(e, "--set genome.weight.max_value=-20:"));
}

TEST_CASE("unknown activation, aggregation and enum names list the valid ones") {
  std::string e = parse_error("genome:\n  activation_default: sigmod\n");
  CHECK(contains(e, "test.yaml:2:23:"));
  CHECK(contains(e, "genome.activation_default: unknown activation 'sigmod' (did you mean 'sigmoid'?)"));
  CHECK(contains(e, "neat_sigmoid, plain_sigmoid, tanh, relu"));

  e = parse_error("genome:\n  activation_options: [tanh, rleu]\n");
  CHECK(contains(e, "test.yaml:2:"));
  CHECK(contains(e, "genome.activation_options: unknown activation 'rleu' (did you mean 'relu'?)"));
  e = parse_error("genome:\n  activation_options: tanh rleu\n");
  CHECK(contains(e, "did you mean 'relu'?"));
  e = parse_error("genome:\n  activation_options: []\n");
  CHECK(contains(e, "genome.activation_options: the list is empty"));

  e = parse_error("genome:\n  aggregation_default: average\n");
  CHECK(contains(e, "genome.aggregation_default: unknown aggregation 'average'"));
  CHECK(contains(e, "sum, product, max, min, maxabs, mean"));

  e = parse_error("backend: gpu\n");
  CHECK(contains(e, "test.yaml:1:10: backend: unknown backend 'gpu'"));
  CHECK(contains(e, "one of: auto, cpu, cuda"));
  e = parse_error("genome:\n  initial_connection: ful\n");
  CHECK(contains(e, "did you mean 'full'?"));
  CHECK(contains(e, "full, none, partial"));
  e = parse_error("genome:\n  weight:\n    init_type: normal\n");
  CHECK(contains(e, "genome.weight.init_type: unknown distribution 'normal'"));
  CHECK(contains(e, "gaussian, uniform"));
  e = parse_error("run:\n  fitness_criterion: maximum\n");
  CHECK(contains(e, "run.fitness_criterion"));
  CHECK(contains(e, "one of: max, min"));
  e = parse_error("log:\n  level: verbose\n");
  CHECK(contains(e, "log.level: unknown value 'verbose'"));
  CHECK(contains(e, "trace, debug, info, warn, error, off"));
}

TEST_CASE("duplicate keys are errors at the second occurrence") {
  std::string e = parse_error("seed: 1\npopulation_size: 10\nseed: 2\n");
  CHECK(contains(e, "test.yaml:3:1: duplicate key 'seed' (first given at line 1)"));
  e = parse_error("genome:\n  num_inputs: 1\n  num_inputs: 2\n");
  CHECK(contains(e, "test.yaml:3:3: duplicate key 'genome.num_inputs'"));
  e = parse_error("genome:\n  num_inputs: 1\ngenome:\n  num_outputs: 2\n");
  CHECK(contains(e, "test.yaml:3:1: duplicate key 'genome'"));
  e = parse_error("task:\n  name: x\n  steps: 1\n  steps: 2\n");
  CHECK(contains(e, "test.yaml:4:3: duplicate key 'task.steps'"));
}

TEST_CASE("missing files, directories and invalid YAML") {
  try {
    load_config(data_path("does_not_exist.yaml"));
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(contains(e.what(), "does_not_exist.yaml: config file not found"));
  }
  try {
    load_config(data_path(""));
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(contains(e.what(), "is a directory"));
  }
  try {
    load_config(data_path("bad_yaml.yaml"));
    FAIL("no error");
  } catch (const ConfigError& e) {
    CAPTURE(e.what());
    CHECK(contains(e.what(), data_path("bad_yaml.yaml") + ":"));
    CHECK(contains(e.what(), "invalid YAML"));
  }
  std::string e = parse_error("seed: 1\n  bad indent: 2\n");
  CHECK(contains(e, "test.yaml:2:"));
  CHECK(contains(e, "invalid YAML"));
  e = parse_error("seed: 1\n---\nseed: 2\n");
  CHECK(contains(e, "test.yaml:2:1: a second YAML document"));
  e = parse_error("just a string\n");
  CHECK(contains(e, "the top level: expected a map of keys"));
  // Unmatched flow ends (found by fuzz/fuzz_config.cpp) are refused before parsing, with the place.
  e = parse_error(",ta:saskk: ar qr}\n");
  CHECK(contains(e, "test.yaml:1:17: invalid YAML: '}' closes nothing"));
  e = parse_error("seed: 1\n,a: b]\n");
  CHECK(contains(e, "test.yaml:2:6:"));
  // yaml-cpp 0.7 starts an empty document at a ',' outside any flow collection without consuming
  // it, so YAML::LoadAll never returned on these (found by fuzz/fuzz_config.cpp).
  for (const char* text : {",logiation:!  \\omp\xcbt: 0\n", ",a\n", "{seed: 1},b\n", "- a\n,b\n",
                           "seed: 1\n---\n,a\n", "!,\n"}) {
    CAPTURE(text);
    e = parse_error(text);
    CHECK(contains(e, "test.yaml:"));
    CHECK((contains(e, "',' outside any [...] or {...}") || contains(e, "a second YAML document")));
  }
  e = parse_error(",a: 1\n");
  CHECK(contains(e, "test.yaml:1:1: invalid YAML: ',' outside any [...] or {...}"));
  // Brackets inside quotes, comments and balanced flow collections are fine.
  Config ok = parse_config("name: 'a}b' # c]\ngenome:\n  activation_options: [tanh, relu]\n", "ok.yaml");
  CHECK(ok.name == "a}b");
  CHECK_THROWS_WITH_AS(apply_override(ok, "name=,a: b}"), doctest::Contains("closes nothing"), ConfigError);
}

// ---------------------------------------------------------------------------------------------
TEST_CASE("overrides set values through the same validation") {
  Config c = parse_config("genome:\n  num_inputs: 3\n", "t.yaml",
                          {"genome.activation_options=[tanh,relu]", "speciation.compatibility_threshold=3.5",
                           "run.fitness_threshold=3.9", "backend=cuda", "genome.num_inputs = 5",
                           "genome.aggregation_options=sum mean", "name=over"});
  CHECK(c.genome.activation_options == std::vector<Activation>{Activation::Tanh, Activation::Relu});
  CHECK(c.speciation.compatibility_threshold == 3.5);
  CHECK(*c.run.fitness_threshold == 3.9);
  CHECK(c.backend == BackendKind::Cuda);
  CHECK(c.genome.num_inputs == 5);
  CHECK(c.genome.aggregation_options == std::vector<Aggregation>{Aggregation::Sum, Aggregation::Mean});
  CHECK(c.name == "over");

  apply_override(c, "run.fitness_threshold=null");
  CHECK(!c.run.fitness_threshold.has_value());
  apply_override(c, "run.out_dir=a b=c");  // only the first '=' splits
  CHECK(c.run.out_dir == "a b=c");

  std::string e = parse_error("", {"speciation.compat_threshold=2"});
  CHECK(contains(e, "--set speciation.compat_threshold=2: unknown key 'speciation.compat_threshold'"));
  CHECK(contains(e, "did you mean 'speciation.compatibility_threshold'?"));
  e = parse_error("", {"genome.compatibility_threshold=2"});
  CHECK(contains(e, "did you mean 'speciation.compatibility_threshold'?"));
  e = parse_error("", {"popullation_size=2"});
  CHECK(contains(e, "did you mean 'population_size'?"));
  e = parse_error("", {"genome.weight.mutate_rate=2"});
  CHECK(contains(e, "--set genome.weight.mutate_rate=2: genome.weight.mutate_rate: value 2.0 is out of range"));
  CHECK(contains(e, "a number in [0, 1]"));
  e = parse_error("", {"population_size=lots"});
  CHECK(contains(e, "--set population_size=lots: population_size: expected a non-negative integer"));
  e = parse_error("", {"genome.activation_options=[tanh, foo]"});
  CHECK(contains(e, "--set genome.activation_options=[tanh, foo]: genome.activation_options: unknown activation"));
  e = parse_error("", {"genome.activation_options=[tanh"});
  CHECK(contains(e, "--set genome.activation_options=[tanh: the value is not valid YAML"));
  e = parse_error("", {"genome=3"});
  CHECK(contains(e, "'genome' is a section"));
  e = parse_error("", {"population_size"});
  CHECK(contains(e, "--set population_size: expected section.key=value"));
  e = parse_error("", {"=3"});
  CHECK(contains(e, "the key before '=' is empty"));
  e = parse_error("", {"task.a.b=3"});
  CHECK(contains(e, "task keys are set one level below task"));
}

TEST_CASE("a failed apply_override leaves the config unchanged; copies do not share task params") {
  Config c = parse_config("task:\n  name: demo\n  steps: 5\n", "t.yaml");
  const std::string before = config_to_yaml(c);
  CHECK_THROWS_AS(apply_override(c, "population_size=1"), ConfigError);
  CHECK_THROWS_AS(apply_override(c, "genome.weight.min_value=100"), ConfigError);  // relation check
  CHECK(config_to_yaml(c) == before);

  Config copy = c;
  apply_override(copy, "task.steps=7");
  apply_override(copy, "task.extra=x");
  CHECK(c.task.params.find("steps")->text() == "5");
  CHECK(!c.task.params.find("extra"));
  CHECK(copy.task.params.find("steps")->text() == "7");
  CHECK(copy.task.params.find("extra")->text() == "x");
}

// ---------------------------------------------------------------------------------------------
// A non-default value for every key. The test fails when a key is added to the schema and not
// here, so that every key is exercised through override -> struct -> YAML -> struct.
const std::map<std::string, std::string>& every_key_changed() {
  static const std::map<std::string, std::string> values = {
      {"name", "all_keys"},
      {"seed", "18446744073709551615"},
      {"backend", "cuda"},
      {"threads", "3"},
      {"population_size", "77"},
      {"run.generations", "12"},
      {"run.fitness_criterion", "min"},
      {"run.fitness_threshold", "-0.125"},
      {"run.stop_when_solved", "false"},
      {"run.champion_episodes", "17"},
      {"run.out_dir", "'out dir: with # specials'"},
      {"run.id", "0123456789abcdef"},
      {"run.on_all_invalid", "continue"},
      {"genome.num_inputs", "9"},
      {"genome.num_outputs", "4"},
      {"genome.num_hidden", "2"},
      {"genome.bias_node", "false"},
      {"genome.feed_forward", "false"},
      {"genome.initial_connection", "partial"},
      {"genome.connection_fraction", "0.3"},
      {"genome.activation_default", "tanh"},
      {"genome.activation_options", "[tanh, relu, gauss, sin]"},
      {"genome.activation_mutate_rate", "0.05"},
      {"genome.aggregation_default", "maxabs"},
      {"genome.aggregation_options", "[sum, product, mean]"},
      {"genome.aggregation_mutate_rate", "0.01"},
      {"genome.weight_mutate_genome_rate", "0.7"},
      {"genome.weight.init_mean", "0.1"},
      {"genome.weight.init_stdev", "1.5"},
      {"genome.weight.init_type", "uniform"},
      {"genome.weight.min_value", "-3"},
      {"genome.weight.max_value", "3"},
      {"genome.weight.mutate_rate", "0.8"},
      {"genome.weight.mutate_power", "0.25"},
      {"genome.weight.mutate_type", "gaussian"},
      {"genome.weight.replace_rate", "0.2"},
      {"genome.bias.init_mean", "-0.1"},
      {"genome.bias.init_stdev", "0.5"},
      {"genome.bias.init_type", "uniform"},
      {"genome.bias.min_value", "-2"},
      {"genome.bias.max_value", "2"},
      {"genome.bias.mutate_rate", "0.6"},
      {"genome.bias.mutate_power", "0.3"},
      {"genome.bias.mutate_type", "uniform"},
      {"genome.bias.replace_rate", "0.05"},
      {"genome.response.init_mean", "0.9"},
      {"genome.response.init_stdev", "0.01"},
      {"genome.response.init_type", "uniform"},
      {"genome.response.min_value", "0.5"},
      {"genome.response.max_value", "1.5"},
      {"genome.response.mutate_rate", "0.1"},
      {"genome.response.mutate_power", "0.2"},
      {"genome.response.mutate_type", "uniform"},
      {"genome.response.replace_rate", "0.02"},
      {"genome.conn_add_prob", "0.3"},
      {"genome.conn_delete_prob", "0.1"},
      {"genome.node_add_prob", "0.2"},
      {"genome.node_delete_prob", "0.05"},
      {"genome.enabled_mutate_rate", "0.01"},
      {"genome.single_structural_mutation", "true"},
      {"speciation.compatibility_threshold", "4.25"},
      {"speciation.excess_coefficient", "2"},
      {"speciation.disjoint_coefficient", "1.5"},
      {"speciation.weight_coefficient", "0.5"},
      {"speciation.include_node_genes", "true"},
      {"speciation.normalize_min_genes", "0"},
      {"speciation.dynamic_threshold", "true"},
      {"speciation.target_species", "8"},
      {"speciation.threshold_step", "0.1"},
      {"speciation.threshold_min", "0.5"},
      {"stagnation.max_stagnation", "30"},
      {"stagnation.species_elitism", "1"},
      {"reproduction.elitism", "3"},
      {"reproduction.species_elitism_min_size", "4"},
      {"reproduction.survival_threshold", "0.4"},
      {"reproduction.min_species_size", "3"},
      {"reproduction.mutate_only_rate", "0.5"},
      {"reproduction.interspecies_rate", "0.01"},
      {"reproduction.disabled_gene_inherit_prob", "0.5"},
      {"reproduction.equal_parents_share_genes", "false"},
      {"reproduction.reset_on_extinction", "false"},
      {"task.name", "cartpole"},
      {"task.plugin", "./libmytask.so"},
      {"task.plugin_hash", "0123456789abcdef"},
      {"task.plugin_abi", "3"},
      {"cuda.kernel", "block"},
      {"cuda.device", "2"},
      {"cuda.exact", "false"},
      {"distributed.divide_threads", "false"},
      {"distributed.mode", "islands"},
      {"distributed.migrants", "5"},
      {"distributed.interval", "7"},
      {"distributed.topology", "random"},
      {"checkpoint.every", "25"},
      {"checkpoint.seconds", "7.5"},
      {"checkpoint.keep", "1"},
      {"log.level", "warn"},
      {"log.progress", "false"},
  };
  return values;
}

TEST_CASE("config_keys() and config_key_docs() describe every key once") {
  const auto keys = config_keys();
  const auto docs = config_key_docs();
  REQUIRE(keys.size() == docs.size());
  std::set<std::string> unique(keys.begin(), keys.end());
  CHECK(unique.size() == keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    CAPTURE(keys[i]);
    CHECK(docs[i].path == keys[i]);
    CHECK(!docs[i].type.empty());
    CHECK(!docs[i].allowed.empty());
    CHECK(!docs[i].doc.empty());
    CHECK(!docs[i].default_value.empty());
    CHECK(every_key_changed().count(keys[i]) == 1);
  }
  CHECK(every_key_changed().size() == keys.size());
  CHECK(unique.count("speciation.compatibility_threshold"));
  CHECK(unique.count("genome.weight.mutate_rate"));
  CHECK(unique.count("task.name"));
}

TEST_CASE("round trip: config_to_yaml() reads back to an equal config, with every key changed") {
  const std::map<std::string, std::string> defaults = flat(Config{});
  CHECK(defaults.size() == config_keys().size());  // every key is written, defaults included

  std::vector<std::string> overrides;
  for (const auto& [key, value] : every_key_changed()) overrides.push_back(key + "=" + value);
  overrides.push_back("task.steps=250");
  overrides.push_back("task.schedule=[1, 2, 3]");
  Config c = parse_config("", "built", overrides);
  CHECK(c.seed == 18446744073709551615ull);
  CHECK(c.run.out_dir == "out dir: with # specials");
  CHECK(c.task.plugin == "./libmytask.so");

  const std::string yaml = config_to_yaml(c);
  const auto changed = flat(c);
  for (const auto& key : config_keys()) {
    CAPTURE(key);
    REQUIRE(changed.count(key));
    CHECK(changed.at(key) != defaults.at(key));  // the override reached the field that is written
  }
  CHECK(changed.at("task.steps") == "250");

  Config back = parse_config(yaml, "again");
  CHECK(config_to_yaml(back) == yaml);
  CHECK(back.seed == c.seed);
  CHECK(back.genome.activation_options == c.genome.activation_options);
  CHECK(back.genome.response.min_value == c.genome.response.min_value);
  REQUIRE(back.task.params.find("schedule"));
  CHECK(back.task.params.find("schedule")->size() == 3);

  // The file examples round-trip as well, and so do the defaults.
  Config full = load_config(data_path("full.yaml"), {"genome.weight.mutate_rate=0.3"});
  CHECK(config_to_yaml(parse_config(config_to_yaml(full), "x")) == config_to_yaml(full));
  CHECK(config_to_yaml(parse_config(config_to_yaml(Config{}), "x")) == config_to_yaml(Config{}));
  // Odd strings survive: quoted null words, empty plugin.
  Config odd = parse_config("name: 'null'\nrun:\n  out_dir: '~'\n", "t");
  CHECK(odd.name == "null");
  Config odd_back = parse_config(config_to_yaml(odd), "t");
  CHECK(odd_back.name == "null");
  CHECK(odd_back.run.out_dir == "~");
}

TEST_CASE("round trip of random numbers is exact") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed << " (set GANGLION_TEST_SEED to replay)");
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_real_distribution<double> wide(-1e6, 1e6);
  for (int i = 0; i < 200; ++i) {
    Config c;
    c.genome.weight.mutate_rate = unit(rng);
    c.genome.bias.init_mean = wide(rng);
    c.speciation.compatibility_threshold = unit(rng) * 1e-3 + 1e-300;
    c.run.fitness_threshold = wide(rng) * 1e-200;
    c.seed = rng();
    Config back = parse_config(config_to_yaml(c), "rt");
    CHECK(back.genome.weight.mutate_rate == c.genome.weight.mutate_rate);
    CHECK(back.genome.bias.init_mean == c.genome.bias.init_mean);
    CHECK(back.speciation.compatibility_threshold == c.speciation.compatibility_threshold);
    CHECK(*back.run.fitness_threshold == *c.run.fitness_threshold);
    CHECK(back.seed == c.seed);
  }
}

// ---------------------------------------------------------------------------------------------
TEST_CASE("TaskParams reads the task's keys strictly") {
  const std::string path = data_path("task_params.yaml");
  Config c = load_config(path);
  CHECK(c.task.name == "demo");

  {
    TaskParams p(c.task.params, c.source, c.task.name);
    CHECK(p.get_int("steps", 10, 1, 1000) == 100);
    CHECK(p.get_double("noise", 0.0, 0.0, 1.0) == 0.5);
    CHECK(p.get_bool("render", false) == false);  // absent: the default
    CHECK(p.get_string("mode", "fast") == "fast");
    REQUIRE(p.known().size() == 4);
    CHECK(p.known()[0] == std::make_pair(std::string("steps"), std::string("10")));
    CHECK(p.known()[2] == std::make_pair(std::string("render"), std::string("false")));
    try {
      p.finish();
      FAIL("no error");
    } catch (const ConfigError& err) {
      std::string e = err.what();
      CHECK(contains(e, path + ":5:3:"));
      CHECK(contains(e, "unknown key 'task.stepz' for task 'demo'"));
      CHECK(contains(e, "did you mean 'steps'?"));
      CHECK(contains(e, "steps, noise, render, mode"));
    }
  }
  {
    TaskParams p(c.task.params, c.source, c.task.name);
    try {
      p.get_int("steps", 10, 1, 50);
      FAIL("no error");
    } catch (const ConfigError& err) {
      std::string e = err.what();
      CHECK(contains(e, path + ":3:10: task.steps: value 100 is out of range"));
      CHECK(contains(e, "an integer in [1, 50]"));
    }
    CHECK_THROWS_WITH_AS(p.get_bool("noise", false), doctest::Contains("task.noise: expected true or false"),
                         ConfigError);
    CHECK_THROWS_WITH_AS(p.get_double("noise", 0.0, 0.0, 0.25), doctest::Contains("a number in [0, 0.25]"),
                         ConfigError);
    CHECK_THROWS_WITH_AS(p.get_int("noise", 1, 0, 5), doctest::Contains("non-integer number"), ConfigError);
  }
  {
    Config ok = parse_config("task:\n  name: demo\n  steps: 3\n", "t.yaml");
    TaskParams p(ok.task.params, ok.source, ok.task.name);
    CHECK(p.get_int("steps", 1, 1, 10) == 3);
    CHECK_NOTHROW(p.finish());
  }
  {
    // A task that takes no keys, and a key set by --set: the message names the override.
    Config o = parse_config("task:\n  name: xor\n", "t.yaml", {"task.bogus=1"});
    TaskParams p(o.task.params, o.source, o.task.name);
    CHECK_THROWS_WITH_AS(p.finish(), doctest::Contains("--set task.bogus: unknown key 'task.bogus' for task 'xor'"),
                         ConfigError);
    CHECK_THROWS_WITH_AS(p.finish(), doctest::Contains("takes no keys of its own"), ConfigError);
    Config o2 = parse_config("", "t.yaml", {"task.steps=abc"});
    TaskParams p2(o2.task.params, o2.source, o2.task.name);
    CHECK_THROWS_WITH_AS(p2.get_int("steps", 1, 0, 9), doctest::Contains("--set task.steps: task.steps: expected"),
                         ConfigError);
  }
  {
    // Params built in code (no marks, default-constructed Node) are fine.
    Config code;
    TaskParams p(code.task.params, "", "xor");
    CHECK(p.get_double("x", 1.5, 0.0, 2.0) == 1.5);
    CHECK_NOTHROW(p.finish());
  }
}

TEST_CASE("task keys are names; keys nested in task values are short enough to write back") {
  std::string e = parse_error("task:\n  name: xor\n  \"bad key\": 1\n");
  CHECK(contains(e, "test.yaml:3:3: task key 'bad key': allowed: a name of letters, digits"));
  // Found by fuzz/fuzz_config.cpp: a 450-byte key of control characters loaded, and config_to_yaml
  // wrote it escaped, past the 1024 characters yaml-cpp reads in a key, so it did not load again.
  e = parse_error("task: {" + std::string(500, 'k') + ": 1}\n");
  CHECK(contains(e, "test.yaml:1:8: task key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...'"));
  e = parse_error("task:\n  inputs: [{" + std::string(300, 'k') + ": 1}]\n");
  CHECK(contains(e, "test.yaml:2:3: task.inputs: keys inside a task value must be names of at most 256"));
  e = parse_error(std::string("task: {a: {") + std::string(450, '\x1c') + ": 1}}\n");
  CHECK(contains(e, "task.a: keys inside a task value must be names of at most 256"));
  Config c = parse_config("task:\n  name: xor\n  my-key_2: {a b: [1, {c: 2}]}\n", "ok.yaml");
  const Config back = parse_config(config_to_yaml(c), "back.yaml");
  const ConfigValue* nested = back.task.params.find("my-key_2");
  REQUIRE(nested);
  REQUIRE(nested->find("a b"));
  REQUIRE(nested->find("a b")->size() == 2);
  REQUIRE((*nested->find("a b"))[1].find("c"));
  CHECK((*nested->find("a b"))[1].find("c")->text() == "2");
  CHECK_THROWS_WITH_AS(apply_override(c, "task.a\x01=1"), doctest::Contains("task key 'a?'"), ConfigError);
}

TEST_CASE("nearest_name") {
  const std::vector<std::string> names = {"population_size", "seed", "threads", "backend"};
  CHECK(nearest_name("populaton_size", names) == "population_size");
  CHECK(nearest_name("sede", names) == "seed");  // transposition
  CHECK(nearest_name("SEED", names) == "seed");
  CHECK(nearest_name("threds", names) == "threads");
  CHECK(nearest_name("xyz", names) == "");
  CHECK(nearest_name("anything", {}) == "");
}

TEST_CASE("task params are values: copies and assignments share nothing") {
  Config a = parse_config("task:\n  name: demo\n  steps: 1\n", "a.yaml");
  Config b = a;
  b = parse_config("task:\n  name: demo\n  steps: 2\n", "b.yaml");
  CHECK(a.task.params.find("steps")->text() == "1");
  CHECK(b.task.params.find("steps")->text() == "2");
}

TEST_CASE("`ganglion config` prints a config that loads back equal; errors exit 1") {
  const char* binary = std::getenv("GANGLION_BINARY");
  if (!binary || !std::ifstream(binary)) {
    MESSAGE("skipped: GANGLION_BINARY not built");
    return;
  }
  const std::string out = (std::filesystem::temp_directory_path() /
                           ("ganglion_config_test_" + std::to_string(::getpid()) + ".yaml"))
                              .string();
  const std::string cmd = std::string(binary) + " config " + data_path("full.yaml") +
                          " --set genome.activation_options=[tanh,relu] --set task.extra=3 > " + out;
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  Config printed = parse_config(text.str(), out);
  Config direct = load_config(data_path("full.yaml"), {"genome.activation_options=[tanh,relu]", "task.extra=3"});
  CHECK(config_to_yaml(printed) == config_to_yaml(direct));
  std::remove(out.c_str());

  const std::string bad = std::string(binary) + " config " + data_path("unknown_key.yaml") + " 2> " + out;
  int rc = std::system(bad.c_str());
  CHECK(WIFEXITED(rc));
  CHECK(WEXITSTATUS(rc) == 1);
  std::ifstream err(out);
  std::stringstream err_text;
  err_text << err.rdbuf();
  CHECK(contains(err_text.str(), "unknown_key.yaml:4:3: unknown key 'genome.compatibility_threshold'"));
  std::remove(out.c_str());

  const std::string keys = std::string(binary) + " config --keys > " + out;
  REQUIRE(std::system(keys.c_str()) == 0);
  std::ifstream kin(out);
  std::stringstream ktext;
  ktext << kin.rdbuf();
  for (const auto& key : config_keys()) CHECK(contains(ktext.str(), key + " = "));
  // docs/config.md's tables are `ganglion config --keys --markdown`: regenerate them when a key changes.
  const std::string markdown = std::string(binary) + " config --keys --markdown > " + out;
  REQUIRE(std::system(markdown.c_str()) == 0);
  std::ifstream md_in(out);
  std::stringstream mtext;
  mtext << md_in.rdbuf();
  const char* root = std::getenv("GANGLION_SOURCE_DIR");
  std::ifstream docs(std::string(root ? root : ".") + "/docs/config.md");
  std::stringstream dtext;
  dtext << docs.rdbuf();
  const std::string page = dtext.str();
  const size_t tables = page.find("\n## Keys\n");
  REQUIRE(tables != std::string::npos);
  CHECK(page.substr(tables + std::string("\n## Keys\n").size()) == mtext.str());
  // The program knows gpu/'s kernel names (registered at static-initialisation time) in every build.
  CHECK(contains(ktext.str(),
                 "cuda.kernel = auto    (string: one of: auto, level, block, warp, global, subwarp, paper)"));
  std::remove(out.c_str());
}

// ---------------------------------------------------------------------------------------------
TEST_CASE("cuda.kernel takes the names gpu/ registers, checked when the config is loaded") {
  // gpu/dispatch.cpp registers its strategies (in every build: it is plain C++).
  CHECK(registered_config_names("cuda.kernel") == kernel_strategy_names());
  for (const auto& name : kernel_strategy_names())
    CHECK(parse_config("cuda:\n  kernel: " + name + "\n", "t").cuda.kernel == name);

  try {
    load_config(data_path("bad_kernel.yaml"));
    FAIL("no error");
  } catch (const ConfigError& err) {
    const std::string e = err.what();
    CAPTURE(e);
    CHECK(contains(e, data_path("bad_kernel.yaml") + ":4:11: cuda.kernel: unknown value 'wrap'"));
    CHECK(contains(e, "(did you mean 'warp'?)"));
    CHECK(contains(e, "allowed: one of: auto, level, block, warp, global, subwarp, paper"));
  }
  std::string e = parse_error("cuda: {kernel: subwrap}\n");
  CHECK(contains(e, "test.yaml:1:16: cuda.kernel: unknown value 'subwrap' (did you mean 'subwarp'?)"));
  e = parse_error("", {"cuda.kernel=blok"});
  CHECK(contains(e, "--set cuda.kernel=blok: cuda.kernel: unknown value 'blok' (did you mean 'block'?)"));
  e = parse_error("cuda:\n  kernel: fastest\n");
  CHECK(contains(e, "test.yaml:2:11: cuda.kernel: unknown value 'fastest'; allowed: one of: auto"));

  // `ganglion config --keys` and docs/config.md show the registered names.
  bool listed = false;
  for (const auto& k : config_key_docs())
    if (k.path == "cuda.kernel") listed = k.allowed == "one of: auto, level, block, warp, global, subwarp, paper";
  CHECK(listed);
}

TEST_CASE("which keys may change on resume is declared with each key") {
  // The rule `ganglion resume` applied before it was declared per key: how, where or how long the
  // run goes, never what it computes.
  auto rule = [](const std::string& key) {
    auto under = [&](const char* section) { return key.rfind(section, 0) == 0; };
    return key == "run.generations" || key == "run.on_all_invalid" || key == "task.plugin" || key == "backend" ||
           key == "threads" || key == "distributed.divide_threads" || under("log.") || under("checkpoint.") ||
           (under("cuda.") && key != "cuda.exact");  // cuda.exact decides the bits the kernels compute
  };
  std::vector<std::string> expected;
  for (const auto& key : config_keys()) {
    CAPTURE(key);
    CHECK(key_resumable(key) == rule(key));
    if (rule(key)) expected.push_back(key);
  }
  CHECK(resumable_keys() == expected);
  CHECK(resumable_keys() == std::vector<std::string>{"backend", "threads", "run.generations", "run.on_all_invalid",
                                                     "task.plugin", "cuda.kernel", "cuda.device",
                                                     "distributed.divide_threads", "checkpoint.every",
                                                     "checkpoint.seconds", "checkpoint.keep", "log.level", "log.progress"});
  for (const char* key : {"seed", "population_size", "speciation.compatibility_threshold", "genome.weight.mutate_rate",
                          "task.name", "task.steps", "run.out_dir", "no.such.key", "log", ""})
    CHECK_FALSE(key_resumable(key));
  for (const auto& doc : config_key_docs()) CHECK(doc.resumable == key_resumable(doc.path));
}

TEST_CASE("task values keep their shape, places and quoting; config_to_yaml writes them as before") {
  Config c = load_config(data_path("task_values.yaml"));
  const ConfigValue& p = c.task.params;
  REQUIRE(p.is_map());
  CHECK(p.entries().size() == 17);
  CHECK(p.entries()[0].key == "steps");
  CHECK(p.entries()[0].key_place == data_path("task_values.yaml") + ":6:3");
  CHECK(p.find("steps")->place() == data_path("task_values.yaml") + ":6:10");
  CHECK(p.find("steps")->text() == "100");
  CHECK_FALSE(p.find("steps")->quoted());
  CHECK(p.find("quoted")->quoted());
  CHECK(p.find("quoted")->text() == "3");
  CHECK(p.find("single")->text() == "it's");
  CHECK(p.find("nothing")->is_null());
  CHECK(p.find("tilde")->is_null());
  CHECK(p.find("words")->is_list());
  CHECK(p.find("words")->style() == ConfigValue::Style::Flow);
  CHECK((*p.find("words"))[1].text() == "beta gamma");
  CHECK(p.find("block_list")->style() == ConfigValue::Style::Block);
  CHECK(p.find("nested")->find("b")->size() == 2);
  CHECK(p.find("block_map")->find("deeper")->find("map")->is_map());
  CHECK(p.find("multiline")->text() == "line one\nline two\n");

  // Byte for byte what `ganglion config` wrote when task values were yaml-cpp nodes (recorded
  // then): run folders' config.yaml files are compared byte for byte.
  std::ifstream in(data_path("task_values.expected.yaml"), std::ios::binary);
  std::stringstream expected;
  expected << in.rdbuf();
  CHECK(config_to_yaml(c) == expected.str());
  CHECK(config_to_yaml(parse_config(config_to_yaml(c), "again")) == expected.str());

  // The task reads them through TaskParams with their places.
  TaskParams params(c.task.params, c.source, c.task.name);
  CHECK(params.get_string("quoted", "") == "3");
  const std::string quoted_error =
      data_path("task_values.yaml") + ":8:11: task.quoted: expected an integer, got the string '3'";
  CHECK_THROWS_WITH_AS(params.get_int("quoted", 0, 0, 9), doctest::Contains(quoted_error.c_str()), ConfigError);
  CHECK(params.get_bool("flag", false));
  CHECK(params.get_double("float", 0.0, 0.0, 1.0) == 1e-3);

  // Values built in code.
  ConfigValue v = ConfigValue::map();
  v.set("a", ConfigValue::scalar("1"));
  v.set("a", ConfigValue::scalar("2"));
  v.append("b", ConfigValue::list());
  CHECK(v.size() == 2);
  CHECK(v.find("a")->text() == "2");
  v.erase("a");
  CHECK(v.size() == 1);
  CHECK(!v.find("a"));
  CHECK_THROWS_AS(ConfigValue::scalar("x").push_back(ConfigValue()), Error);

  const ConfigValue parsed = parse_config_value("{x: [1, 'two']}", "snippet");
  CHECK(parsed.find("x")->place() == "snippet:1:5");
  CHECK((*parsed.find("x"))[1].quoted());
  CHECK_THROWS_WITH_AS(parse_config_value("{x: [1", "snippet"), doctest::Contains("snippet:"), ConfigError);
}

// The bounds of core/config/yaml_limits.hpp, with the reproductions that once took 28 s (a
// 486-byte alias bomb), ended in an unnamed bad_alloc (a 100 MB list) or said only "bad file".
namespace {

// An alias bomb under task: each level is a list of ten aliases of the level before.
std::string alias_bomb(int levels) {
  std::string text = "task:\n  name: xor\n  a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n";
  for (int i = 1; i <= levels; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    text += "  a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) text += (k ? ", " : "") + prev;
    text += "]\n";
  }
  return text;
}

double seconds_to_refuse(const std::string& text, std::string& message) {
  const auto t0 = std::chrono::steady_clock::now();
  message = parse_error(text);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TEST_CASE("YAML bounds: an alias bomb is refused at the alias that passes the limit, without expanding it") {
  std::string e;
  const std::string bomb = alias_bomb(8);  // 10^9 values once expanded
  CHECK(bomb.size() < 600);
  const double seconds = seconds_to_refuse(bomb, e);
  CHECK(contains(e, "test.yaml:7:"));  // a5: the first level past 100,000 values
  CHECK(contains(e, "more than 100000 values once this alias is expanded"));
  CHECK(seconds < 5);  // generous for slow machines; it takes milliseconds
  // Just under the limit: 10^4 values expand and load, and the anchors' copies are real values.
  const Config ok = parse_config(alias_bomb(3), "ok.yaml");
  REQUIRE(ok.task.params.find("a3"));
  CHECK(ok.task.params.find("a3")->size() == 10);
  CHECK((*ok.task.params.find("a3"))[9][9][9][9].text() == "1");
  // An alias of a scalar counts once per use; an anchor redefined later counts with its new value.
  CHECK(parse_error("task:\n  name: xor\n  a: &x 1\n  b: [*x, *x]\n  c: &x [1, 2]\n  d: *x\n") == "");
  // An alias inside the value its own anchor names would be a value that contains itself (found
  // by fuzz/fuzz_config.cpp: yaml-cpp builds the cycle, and copying it out recursed until the
  // stack overflowed).
  CHECK(parse_error("task:\n  name: xor\n  a: &a [1, *a]\n") ==
        "test.yaml:3:13: an alias inside the value its anchor names (a value that contains itself); allowed: "
        "aliases of values defined before them");
  CHECK(contains(parse_error("task:\n  name: xor\n  m: &m {k: [x, {j: *m}]}\n"), "contains itself"));
  // The same bound holds for --set values and for parse_config_value.
  Config c = parse_config("seed: 1\n", "ok.yaml");
  std::string flow_bomb = "task.k={a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]";
  for (int i = 1; i <= 8; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    flow_bomb += ", a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) flow_bomb += (k ? ", " : "") + prev;
    flow_bomb += "]";
  }
  CHECK_THROWS_WITH_AS(apply_override(c, flow_bomb + "}"),
                       doctest::Contains("more than 100000 values once this alias is expanded"), ConfigError);
  std::string flow = "[";
  for (int i = 0; i < 100001; ++i) flow += i ? ",1" : "1";
  flow += "]";
  CHECK_THROWS_WITH_AS(parse_config_value("{k: " + flow + "}", "snippet"),
                       doctest::Contains("snippet:1:"), ConfigError);
}

TEST_CASE("YAML bounds: nesting deeper than 64 levels names the place and the limit") {
  // Flow style, 100 and 3000 deep (yaml-cpp's own guard said only "bad file" at 500).
  for (int depth : {100, 3000}) {
    CAPTURE(depth);
    const std::string e = parse_error("task:\n  k: " + std::string(depth, '[') + std::string(depth, ']') + "\n");
    CHECK(contains(e, "test.yaml:2:68: maps and lists nested more than 64 levels deep; allowed: at most 64 levels"));
  }
  // Block style: one map per line, each indented one more.
  std::string block = "task:\n  name: xor\n";
  for (int i = 0; i < 70; ++i) block += std::string(2 * i + 2, ' ') + "k" + std::to_string(i) + ":\n";
  block += std::string(142, ' ') + "v: 1\n";
  std::string e = parse_error(block);
  CHECK(contains(e, "test.yaml:"));
  CHECK(contains(e, "nested more than 64 levels deep"));
  // 64 levels are fine: the top-level map, task:, and 62 lists.
  CHECK(parse_error("task:\n  name: xor\n  k: " + std::string(62, '[') + std::string(62, ']') + "\n") == "");
  e = parse_error("task:\n  name: xor\n  k: " + std::string(63, '[') + std::string(63, ']') + "\n");
  CHECK(contains(e, "nested more than 64 levels"));
}

TEST_CASE("YAML bounds: a config of more than 1 MiB is refused by its size, before it is read") {
  std::string e;
  std::string big = "task:\n  name: xor\n  l:\n";
  while (big.size() <= (size_t(1) << 20)) big += "  - 1\n";
  CHECK(contains(parse_error(big), "test.yaml: " + std::to_string(big.size()) +
                                       " bytes of YAML; allowed: at most 1 MiB"));
  // A 100 MB file: refused from its size alone, in far less time than reading it would take.
  const auto dir = std::filesystem::temp_directory_path() / ("ganglion_config_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "big.yaml").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << "task:\n  name: xor\n  l:\n";
  }
  std::filesystem::resize_file(path, 100u << 20);  // sparse: costs no disk
  try {
    load_config(path);
    FAIL("no error");
  } catch (const ConfigError& err) {
    CHECK(std::string(err.what()) == path + ": 104857600 bytes or more; allowed: a config file of at most 1048576 bytes");
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("a run that cannot fit in memory is refused when its config is loaded, naming the key") {
  const uint64_t memory = physical_memory_bytes();
  if (memory == 0) {
    MESSAGE("skipped: the system does not say how much memory it has");
    return;
  }
  const std::string xor_yaml = std::string(std::getenv("GANGLION_SOURCE_DIR") ? std::getenv("GANGLION_SOURCE_DIR") : ".") +
                               "/configs/xor.yaml";
  auto load_error = [&](const std::vector<std::string>& overrides) {
    try {
      load_config(xor_yaml, overrides);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  // 10^8 genomes of 5,000 connections: terabytes on any machine. The population is to blame.
  std::string e = load_error({"population_size=100000000", "genome.num_hidden=1000"});
  CHECK(contains(e, "--set population_size=100000000: population_size: 100000000 genomes need at least"));
  CHECK(contains(e, "make initial genomes of 1004 nodes and 4000 connections"));
  CHECK(contains(e, "more than this machine's memory (" + memory_text(memory) + "); allowed: population_size below"));
  // The reproductions of the issue, on machines they do not fit (each is refused in milliseconds,
  // where the run used to fail with bad_alloc after 11 s and 28 s).
  const PopulationEstimate big_population = [] {
    Config c;
    c.population_size = 100000000;
    return estimate_population_memory(c);
  }();
  if (big_population.bytes > double(memory)) {
    e = load_error({"population_size=100000000"});
    CHECK(contains(e, "--set population_size=100000000: population_size: 100000000 genomes need at least"));
  }
  e = load_error({"genome.num_hidden=16777216"});
  if (memory < (uint64_t(500) << 30)) {
    // Genomes of 1.8 GiB: the genome's key is to blame, not the population of 150.
    CHECK(contains(e, "--set genome.num_hidden=16777216: genome.num_hidden: genome.num_inputs 2, bias_node true, "
                      "num_outputs 1, num_hidden 16777216 and initial_connection full make initial genomes of "
                      "16777220 nodes and 67108864 connections"));
    CHECK(contains(e, "a population of 150 needs at least"));
  }
  // Every shipped config loads, and a config that is only parsed (a checkpoint's) is not checked.
  for (const auto& f : std::filesystem::directory_iterator(std::filesystem::path(xor_yaml).parent_path())) {
    CAPTURE(f.path().string());
    if (f.path().extension() == ".yaml") CHECK_NOTHROW(load_config(f.path().string()));
  }
  CHECK(parse_error("population_size: 100000000\ngenome:\n  num_hidden: 1000\n") == "");
  // The estimate itself: XOR's initial genome has 4 nodes and 3 connections; none has none.
  Config c;
  CHECK(estimate_population_memory(c).nodes == 3);  // counts left to the task: at least one each
  c.genome.num_inputs = 2;
  c.genome.num_outputs = 1;
  PopulationEstimate est = estimate_population_memory(c);
  CHECK(est.nodes == 4);
  CHECK(est.connections == 3);
  CHECK(est.bytes == 2.0 * 150 * est.bytes_per_genome);
  c.genome.num_hidden = 5;
  CHECK(estimate_population_memory(c).connections == 3 * 5 + 5 * 1);
  c.genome.initial_connection = InitialConnection::None;
  CHECK(estimate_population_memory(c).connections == 0);
}

TEST_CASE("run.champion_episodes is auto or a count, and says which in config.yaml") {
  CHECK(!Config{}.run.champion_episodes);  // auto by default
  Config c = parse_config("run:\n  champion_episodes: 25\n", "t.yaml");
  REQUIRE(c.run.champion_episodes);
  CHECK(*c.run.champion_episodes == 25);
  CHECK(config_to_yaml(c).find("champion_episodes: 25") != std::string::npos);
  CHECK(config_to_yaml(Config{}).find("champion_episodes: auto") != std::string::npos);
  CHECK(!parse_config("run:\n  champion_episodes: auto\n", "t.yaml").run.champion_episodes);
  CHECK(*parse_config("", "t", {"run.champion_episodes=0"}).run.champion_episodes == 0);
  CHECK_THROWS_WITH_AS(parse_config("run:\n  champion_episodes: -3\n", "t.yaml"),
                       doctest::Contains("run.champion_episodes"), ConfigError);
  CHECK_THROWS_WITH_AS(parse_config("run:\n  champion_episodes: many\n", "t.yaml"),
                       doctest::Contains("neither auto nor a non-negative integer"), ConfigError);
}
