// `ganglion eval GENOME`: one genome on its task, outside a run (core/task/genome_evaluation.hpp):
// a data task's outputs, loss and accuracy on its own table or a CSV (`--data`); a control task's
// returns over fresh episodes (`--episodes`, `--seed`) with their spread; the task's standard
// tests (the double pole's generalisation over 625 starts) beside the published figures.
// `--out FILE.csv` writes the outputs (data) or the episodes (control) as CSV; `--out -` writes
// them to stdout and the summary to stderr.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/config/config.hpp"
#include "core/error.hpp"
#include "core/genome/genome.hpp"
#include "core/task/genome_evaluation.hpp"
#include "tools/command.hpp"

namespace ganglion::cli {
namespace {

namespace fs = std::filesystem;

struct EvalArgs {
  std::string genome;
  std::string config;
  std::string data;
  std::string out;
  std::vector<std::string> sets;
  uint32_t episodes = 100;
  uint64_t seed = 1;
  bool no_tests = false;
};

// The config of a genome: --config, else the config.yaml of the run folder it lies in.
std::string config_of(const EvalArgs& a) {
  if (!a.config.empty()) return a.config;
  const fs::path beside = fs::path(a.genome).parent_path() / "config.yaml";
  std::error_code ec;
  if (!fs::exists(beside, ec))
    throw ConfigError(a.genome + ": no config.yaml beside the genome (a run folder has one next to "
                      "best_genome.json); name the genome's config with --config FILE");
  return beside.string();
}

std::string number(double v) { return std::isfinite(v) ? fmt::format("{:.9g}", v) : std::string("nan"); }

std::string outputs_csv(const DataEvaluation& d) {
  std::ostringstream o;
  const uint32_t ni = d.data.num_inputs, nt = d.data.num_targets;
  for (uint32_t i = 0; i < ni; ++i) o << "input_" << i + 1 << ",";
  for (uint32_t i = 0; i < nt; ++i) o << "target_" << i + 1 << ",";
  for (uint32_t i = 0; i < nt; ++i) o << "output_" << i + 1 << (i + 1 < nt ? "," : "\n");
  for (size_t r = 0; r < d.data.rows(); ++r) {
    for (uint32_t i = 0; i < ni; ++i) o << number(d.data.inputs[r * ni + i]) << ",";
    for (uint32_t i = 0; i < nt; ++i) o << number(d.data.targets[r * nt + i]) << ",";
    for (uint32_t i = 0; i < nt; ++i) o << number(d.outputs[r * nt + i]) << (i + 1 < nt ? "," : "\n");
  }
  return o.str();
}

std::string episodes_csv(const EpisodeEvaluation& e) {
  std::ostringstream o;
  o << "episode,steps,return,fitness\n";
  for (size_t i = 0; i < e.episodes.size(); ++i)
    o << i << "," << e.episodes[i].steps << "," << number(e.episodes[i].total_reward) << ","
      << number(e.episodes[i].fitness) << "\n";
  return o.str();
}

std::string spread_text(const Spread& s) {
  return fmt::format("mean {:.6g}  std {:.6g}  min {:.6g}  max {:.6g}", s.mean, s.std, s.min, s.max);
}

std::string summary(const GenomeEvaluation& r, const std::string& config, bool list_episodes) {
  std::string t = fmt::format("genome {} on task '{}' ({})\n", r.genome_id, r.task, config);
  if (r.data) {
    const DataEvaluation& d = *r.data;
    t += fmt::format("data       {} ({} rows, {} inputs, {} targets)\n", d.origin, d.data.rows(), d.data.num_inputs,
                     d.data.num_targets);
    t += fmt::format("loss       {} {:.6g}\n", d.loss_name, d.loss);
    t += d.accuracy ? fmt::format("accuracy   {:.4f} (outputs on the target's side of 0.5)\n", *d.accuracy)
                    : std::string("accuracy   - (targets are not all 0 or 1)\n");
    t += std::isfinite(d.fitness) ? fmt::format("fitness    {:.6g}{}\n", d.fitness, d.solved ? " (solves the task)" : "")
                                  : std::string("fitness    - (the task's fitness is defined on its own table)\n");
  }
  if (r.episodes) {
    const EpisodeEvaluation& e = *r.episodes;
    t += e.random_starts ? fmt::format("episodes   {} fresh episodes, starts drawn from seed {}\n", e.episodes.size(), e.seed)
                         : fmt::format("episodes   {} episodes, all from the task's one start state (it has no "
                                       "random starts)\n", e.episodes.size());
    t += fmt::format("return     {}\n", spread_text(e.returns));
    t += fmt::format("length     {}\n", spread_text(e.lengths));
    t += fmt::format("fitness    {:.6g} (the task's over the episodes){}; per episode {}\n", e.fitness,
                     e.solved ? ", solves the task" : ", does not solve the task", spread_text(e.fitness_spread));
    if (list_episodes) {
      t += fmt::format("\n{:>8} {:>10} {:>12} {:>12}\n", "episode", "steps", "return", "fitness");
      for (size_t i = 0; i < e.episodes.size(); ++i)
        t += fmt::format("{:>8} {:>10} {:>12.6g} {:>12.6g}\n", i, e.episodes[i].steps, e.episodes[i].total_reward,
                         e.episodes[i].fitness);
    }
  }
  for (const ProtocolTest& p : r.tests) {
    t += fmt::format("\n{}  {:g} of {:g}: {}\n", p.name, p.score, p.out_of, p.description);
    for (const PublishedScore& s : p.published)
      t += fmt::format("  published  {:<18} {:>5} of {:g}  ({})\n", s.method, s.score, p.out_of, s.source);
  }
  return t;
}

int run_eval(const EvalArgs& a) {
  const std::string config_path = config_of(a);
  const Config config = load_config(config_path, a.sets);
  const Genome genome = load_genome(a.genome);
  GenomeEvaluationOptions o;
  o.data_file = a.data;
  o.episodes = a.episodes;
  o.seed = a.seed;
  o.protocol_tests = !a.no_tests;
  const GenomeEvaluation r = evaluate_genome(config, genome, o, a.genome);
  const std::string csv = r.data ? outputs_csv(*r.data) : r.episodes ? episodes_csv(*r.episodes) : std::string();
  const bool csv_to_stdout = a.out == "-";
  const std::string text = summary(r, config_path, a.out.empty());
  if (csv_to_stdout) {
    std::cerr << text;
    std::cout << csv;
  } else {
    std::cout << text;
    if (!a.out.empty()) {
      std::ofstream out(a.out, std::ios::binary);
      out << csv;
      out.close();
      if (!out) throw Error(fmt::format("{}: cannot write the evaluation's CSV", a.out));
      std::cout << fmt::format("\nwrote {}\n", a.out);
    }
  }
  std::cout.flush();
  return std::cout ? kExitOk : kExitError;
}

GANGLION_COMMAND(
    "eval", "Evaluate a genome on its task: outputs, loss and accuracy on data; returns over fresh episodes; the "
            "task's standard tests",
    [](CLI::App& app) -> std::function<int()> {
      auto a = std::make_shared<EvalArgs>();
      app.add_option("genome", a->genome, "genome JSON file (e.g. RUN_DIR/best_genome.json)")->required();
      app.add_option("--config", a->config, "the genome's config (default: config.yaml beside the genome)");
      app.add_option("--set", a->sets, "override a config key: section.key=value (repeatable)")
          ->allow_extra_args(false);
      app.add_option("--data", a->data,
                     "data tasks: a CSV of inputs and targets in the task's columns (default: the task's own data)");
      app.add_option("--out", a->out,
                     "write the outputs (data) or the episodes (control) as CSV to FILE; '-': to stdout, the "
                     "summary to stderr (default: no CSV, the summary only)");
      app.add_option("--episodes", a->episodes, "control tasks: fresh episodes to play (default 100)")
          ->check(CLI::Range(1u, 1000000u))
          ->capture_default_str();
      app.add_option("--seed", a->seed, "control tasks: the seed the episodes' starts are drawn from")
          ->capture_default_str();
      app.add_flag("--no-tests", a->no_tests, "skip the task's standard tests (double pole: generalisation)");
      return [a] { return run_eval(*a); };
    });

}  // namespace
}  // namespace ganglion::cli
