// `ganglion experiment NAME --runs N`: the protocol of the NEAT paper's tables. Runs
// configs/NAME.yaml (or --config FILE) with seeds 1..N through run_experiment
// (evolution/experiment.hpp: the config's backend, runs in parallel across seeds, one run folder
// per seed), and prints runs solved, generations and evaluations to solve (mean, median, worst),
// and the mean hidden nodes and enabled connections of the solutions, beside the published
// figures of experiments/NAME/published.yaml (sources in that folder's README.md).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include "core/config/config.hpp"
#include "core/error.hpp"
#include "evolution/experiment.hpp"
#include "tools/command.hpp"
#include "tools/run_session.hpp"

namespace ganglion::cli {
namespace {

namespace fs = std::filesystem;

struct ExperimentCliOptions {
  std::string name;
  std::string config;
  std::vector<std::string> sets;
  int runs = 100;
  int64_t first_seed = 1;
  int jobs = 0;
  std::string out;
  std::string published;
  std::string csv;
};

// The table's rows: the key a published.yaml column gives the figure under, and the label.
struct Row {
  const char* key;
  const char* label;
};
constexpr Row kRows[] = {
    {"runs_solved", "runs solved"},
    {"generations_mean", "generations to solve, mean"},
    {"generations_median", "generations to solve, median"},
    {"generations_worst", "generations to solve, worst"},
    {"evaluations_mean", "evaluations to solve, mean"},
    {"evaluations_median", "evaluations to solve, median"},
    {"evaluations_worst", "evaluations to solve, worst"},
    {"hidden_nodes_mean", "hidden nodes of solutions, mean"},
    {"enabled_connections_mean", "enabled connections of solutions, mean"},
};
constexpr size_t kRowCount = sizeof kRows / sizeof kRows[0];

std::vector<std::string> our_figures(const ExperimentSummary& s) {
  return {
      fmt::format("{}/{}", s.solved, s.runs),
      fmt::format("{:.1f}", s.generations_mean),
      fmt::format("{:.1f}", s.generations_median),
      fmt::format("{:.0f}", s.generations_worst),
      fmt::format("{:.0f} (sd {:.0f})", s.evaluations_mean, s.evaluations_sd),
      fmt::format("{:.0f}", s.evaluations_median),
      fmt::format("{:.0f}", s.evaluations_worst),
      fmt::format("{:.2f}", s.hidden_mean),
      fmt::format("{:.2f}", s.connections_mean),
  };
}

// A column of published figures: its heading and one cell per row ("-" where it gives none).
struct PublishedColumn {
  std::string heading;
  std::vector<std::string> cells;
};

// published.yaml: a list of columns, each `column: heading` plus any of the row keys.
std::vector<PublishedColumn> load_published(const std::string& path) {
  YAML::Node doc;
  try {
    doc = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw Error(fmt::format("{}: {}", path, e.what()));
  }
  if (!doc.IsSequence()) throw Error(path + ": expected a list of columns (each with `column:` and figures)");
  std::vector<PublishedColumn> columns;
  for (const auto& entry : doc) {
    const std::string where = fmt::format("{}:{}", path, entry.Mark().line + 1);
    if (!entry.IsMap() || !entry["column"]) throw Error(where + ": a column needs `column: <heading>`");
    PublishedColumn c{entry["column"].as<std::string>(), std::vector<std::string>(kRowCount, "-")};
    for (const auto& kv : entry) {
      const std::string key = kv.first.as<std::string>();
      if (key == "column") continue;
      size_t k = 0;
      while (k < kRowCount && key != kRows[k].key) ++k;
      if (k == kRowCount) {
        std::vector<std::string> keys;
        for (const Row& r : kRows) keys.push_back(r.key);
        throw Error(fmt::format("{}: unknown figure '{}' (did you mean '{}'?)", where, key, nearest_name(key, keys)));
      }
      c.cells[k] = kv.second.as<std::string>();
    }
    columns.push_back(std::move(c));
  }
  return columns;
}

// experiments/NAME/published.yaml in the working folder, else beside the config's folder
// (configs/../experiments/NAME/); none found: no published columns.
std::string find_published(const std::string& name, const std::string& config_path) {
  const fs::path rel = fs::path("experiments") / name / "published.yaml";
  if (fs::exists(rel)) return rel.string();
  const fs::path beside = fs::absolute(config_path).parent_path().parent_path() / rel;
  if (fs::exists(beside)) return beside.string();
  return {};
}

int experiment_command(const ExperimentCliOptions& o) {
  if (o.name.empty() && o.config.empty()) throw Error("experiment: give a NAME (configs/NAME.yaml) or --config FILE");
  if (o.runs < 1) throw Error("--runs must be at least 1");
  if (o.first_seed < 0) throw Error("--first-seed must not be negative");
  const std::string path = o.config.empty() ? "configs/" + o.name + ".yaml" : o.config;
  const Config config = load_config(path, o.sets);
  const std::string name = o.name.empty() ? config.name : o.name;
  const std::string published_path = o.published.empty() ? find_published(name, path) : o.published;
  const auto published = published_path.empty() ? std::vector<PublishedColumn>{} : load_published(published_path);
  spdlog::set_level(spdlog::level::warn);

  ExperimentOptions options;
  options.runs = uint32_t(o.runs);
  options.first_seed = uint64_t(o.first_seed);
  options.jobs = o.jobs > 0 ? unsigned(o.jobs) : 0;
  options.out_dir = o.out;
  ExperimentResult result;
  {
    StopOnSignal signals;
    result = run_experiment(config, options, cli_backends(), signals.flag());
  }
  const ExperimentSummary s = summarise(result.runs);

  std::string header = "| " + name + " (population " + std::to_string(config.population_size) + ", seeds " +
                       std::to_string(o.first_seed) + ".." + std::to_string(o.first_seed + o.runs - 1) +
                       ") | Ganglion |";
  std::string rule = "| --- | --- |";
  for (const auto& p : published) {
    header += " " + p.heading + " |";
    rule += " --- |";
  }
  std::printf("%s\n%s\n", header.c_str(), rule.c_str());
  const auto ours = our_figures(s);
  for (size_t k = 0; k < kRowCount; ++k) {
    std::string line = std::string("| ") + kRows[k].label + " | " + ours[k] + " |";
    for (const auto& p : published) line += " " + p.cells[k] + " |";
    std::printf("%s\n", line.c_str());
  }
  std::printf("\n%zu runs in %.1fs on %u parallel jobs; generations and evaluations count the solving generation "
              "whole; unsolved runs (limit %u generations) are left out of the means.\n",
              result.runs.size(), result.seconds, result.jobs, config.run.generations);
  std::printf("run folders: %s/seed-<N>/\n", result.out_dir.c_str());
  bool no_valid_fitness = false;
  for (const auto& r : result.runs) {
    if (r.summary.reason == StopReason::AllInvalid) {
      no_valid_fitness = true;
      std::printf("seed %llu: %s\n", (unsigned long long)r.seed,
                  all_invalid_message(config.task.name, r.summary.generations, config.population_size,
                                      r.summary.checkpoint)
                      .c_str());
    } else if (!r.summary.solved) {
      std::printf("seed %llu: not solved in %u generations\n", (unsigned long long)r.seed, r.summary.generations);
    }
  }
  if (result.interrupted)
    std::printf("interrupted: %zu of %d runs finished; the others saved checkpoints or did not start\n",
                result.runs.size(), o.runs);

  if (!o.csv.empty()) {
    std::ofstream out(o.csv);
    out << "seed,solved,generations,evaluations,hidden_nodes,enabled_connections,seconds\n";
    for (const auto& r : result.runs)
      out << r.seed << ',' << (r.summary.solved ? 1 : 0) << ',' << r.summary.generations << ','
          << r.summary.evaluations << ',' << r.hidden << ',' << r.connections << ',' << r.summary.seconds << '\n';
    if (!out) throw Error(o.csv + ": cannot write");
  }
  if (result.interrupted) return kExitInterrupted;
  if (no_valid_fitness) return kExitNoValidFitness;
  return s.solved == s.runs ? kExitOk : kExitNotSolved;
}

std::function<int()> setup(CLI::App& app) {
  auto o = std::make_shared<ExperimentCliOptions>();
  app.add_option("name", o->name, "experiment name: runs configs/NAME.yaml (xor, parity, ...)");
  app.add_option("--runs", o->runs, "number of runs (seeds first-seed, first-seed+1, ...)");
  app.add_option("--first-seed", o->first_seed, "seed of the first run");
  app.add_option("--config", o->config, "config file (default: configs/NAME.yaml)")->check(CLI::ExistingFile);
  app.add_option("--set", o->sets, "override a config key: section.key=value (repeatable)")
      ->allow_extra_args(false)
      ->check(check_key_value);
  app.add_option("--jobs", o->jobs,
                 "runs in parallel (default 0: all cores on the CPU, each run on one thread; 1 on a GPU)")
      ->default_str("");
  app.add_option("--out", o->out,
                 "experiment folder, one run folder seed-<N>/ per seed (default: <run.out_dir>/<config "
                 "name>-<timestamp>)");
  app.add_option("--published", o->published,
                 "published figures to print beside ours (default: experiments/NAME/published.yaml when it exists)")
      ->check(CLI::ExistingFile);
  app.add_option("--csv", o->csv, "write one line per run to this CSV file (default: none)");
  return [o] { return experiment_command(*o); };
}

}  // namespace
GANGLION_COMMAND("experiment", "repeat an experiment over many seeds and print the NEAT paper's table", setup);
}  // namespace ganglion::cli
