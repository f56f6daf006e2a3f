// `ganglion experiment NAME --runs N`: the protocol of the NEAT paper's tables. Runs
// configs/NAME.yaml with seeds 1..N (in parallel across seeds, each run on one thread so that runs
// do not compete), and prints runs solved, generations and evaluations to solve (mean, median,
// worst), and the mean hidden nodes and enabled connections of the solutions, beside the
// published figures that experiments/NAME/README.md quotes with their sources.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/config/config.hpp"
#include "core/network/cpu_evaluator.hpp"
#include "core/error.hpp"
#include "core/task/task.hpp"
#include "evolution/engine.hpp"
#include "tools/command.hpp"

namespace ganglion::cli {
namespace {

struct ExperimentOptions {
  std::string name;
  std::string config;
  std::vector<std::string> sets;
  int runs = 100;
  int64_t first_seed = 1;
  int jobs = 0;
  std::string csv;
};

struct RunResult {
  uint64_t seed = 0;
  bool solved = false;
  uint32_t generations = 0;  // generations evaluated, the solving one included
  uint64_t evaluations = 0;  // genome evaluations, the whole solving generation included
  uint32_t hidden = 0;
  uint32_t connections = 0;
  double seconds = 0.0;
};

// Published figures (sources in experiments/<name>/README.md).
struct Published {
  std::string column;
  std::string solved, gens_mean, gens_median, gens_worst, evals_mean, evals_median, evals_worst, hidden, conns;
};

std::vector<Published> published_for(const std::string& name) {
  if (name == "xor")
    return {{"NEAT paper (2002)", "100/100", "32", "-", "90", "4,755 (sd 2,553)", "-", "13,459", "2.35", "7.48"},
            {"neat-python 2.1 (issue 3)", "-", "~73", "-", "-", "> 10,000", "-", "-", "-", "-"}};
  return {};
}

RunResult run_one(const Config& base, uint64_t seed) {
  Config config = base;
  config.seed = seed;
  config.threads = 1;
  auto task = TaskRegistry::instance().create(config);
  CpuEvaluator evaluator(1);
  Engine engine(config, *task, evaluator);
  const auto start = std::chrono::steady_clock::now();
  engine.run();
  RunResult r;
  r.seed = seed;
  const EvolutionState& st = engine.state();
  r.solved = st.solved;
  r.generations = st.history.empty() ? 0 : st.history.back().generation + 1;
  r.evaluations = st.evaluations;
  if (st.solved) {
    r.hidden = st.solution.count(NodeKind::Hidden);
    r.connections = st.solution.enabled_connections();
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

template <typename T>
double mean_of(const std::vector<T>& v) {
  double s = 0.0;
  for (T x : v) s += double(x);
  return v.empty() ? 0.0 : s / double(v.size());
}
template <typename T>
double median_of(std::vector<T> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? double(v[n / 2]) : 0.5 * (double(v[n / 2 - 1]) + double(v[n / 2]));
}
template <typename T>
double sd_of(const std::vector<T>& v) {
  if (v.size() < 2) return 0.0;
  double m = mean_of(v), s = 0.0;
  for (T x : v) s += (double(x) - m) * (double(x) - m);
  return std::sqrt(s / double(v.size() - 1));
}

int experiment_command(const ExperimentOptions& o) {
  const std::string path = o.config.empty() ? "configs/" + o.name + ".yaml" : o.config;
  Config config = load_config(path, o.sets);
  if (o.runs < 1) throw Error("--runs must be at least 1");
  spdlog::set_level(spdlog::level::warn);
  const unsigned jobs = o.jobs > 0 ? unsigned(o.jobs) : std::max(1u, std::thread::hardware_concurrency());

  std::vector<RunResult> results(size_t(o.runs));
  std::atomic<size_t> next{0};
  std::mutex error_mutex;
  std::string error;
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < jobs; ++w)
    workers.emplace_back([&] {
      for (size_t i; (i = next++) < results.size();) {
        try {
          results[i] = run_one(config, uint64_t(o.first_seed) + i);
        } catch (const std::exception& e) {
          std::lock_guard<std::mutex> lock(error_mutex);
          if (error.empty()) error = "seed " + std::to_string(uint64_t(o.first_seed) + i) + ": " + e.what();
          next = results.size();
        }
      }
    });
  for (auto& t : workers) t.join();
  if (!error.empty()) throw Error(error);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::vector<uint32_t> gens, hidden, conns;
  std::vector<uint64_t> evals;
  size_t solved = 0;
  for (const auto& r : results) {
    if (!r.solved) continue;
    ++solved;
    gens.push_back(r.generations);
    evals.push_back(r.evaluations);
    hidden.push_back(r.hidden);
    conns.push_back(r.connections);
  }
  auto worst = [](const auto& v) { return v.empty() ? 0.0 : double(*std::max_element(v.begin(), v.end())); };

  std::vector<std::string> ours = {
      fmt::format("{}/{}", solved, results.size()),
      fmt::format("{:.1f}", mean_of(gens)),
      fmt::format("{:.1f}", median_of(gens)),
      fmt::format("{:.0f}", worst(gens)),
      fmt::format("{:.0f} (sd {:.0f})", mean_of(evals), sd_of(evals)),
      fmt::format("{:.0f}", median_of(evals)),
      fmt::format("{:.0f}", worst(evals)),
      fmt::format("{:.2f}", mean_of(hidden)),
      fmt::format("{:.2f}", mean_of(conns)),
  };
  const char* rows[] = {"runs solved",
                        "generations to solve, mean",
                        "generations to solve, median",
                        "generations to solve, worst",
                        "evaluations to solve, mean",
                        "evaluations to solve, median",
                        "evaluations to solve, worst",
                        "hidden nodes of solutions, mean",
                        "enabled connections of solutions, mean"};
  const auto pub = published_for(o.name);
  std::string header = "| " + o.name + " (population " + std::to_string(config.population_size) + ", seeds " +
                       std::to_string(o.first_seed) + ".." + std::to_string(o.first_seed + o.runs - 1) +
                       ") | Ganglion |";
  std::string rule = "| --- | --- |";
  for (const auto& p : pub) {
    header += " " + p.column + " |";
    rule += " --- |";
  }
  std::printf("%s\n%s\n", header.c_str(), rule.c_str());
  for (size_t k = 0; k < ours.size(); ++k) {
    std::string line = std::string("| ") + rows[k] + " | " + ours[k] + " |";
    for (const auto& p : pub) {
      const std::string* cells[] = {&p.solved,     &p.gens_mean,   &p.gens_median, &p.gens_worst, &p.evals_mean,
                                    &p.evals_median, &p.evals_worst, &p.hidden,      &p.conns};
      line += " " + *cells[k] + " |";
    }
    std::printf("%s\n", line.c_str());
  }
  std::printf("\n%zu runs in %.1fs on %u parallel jobs; generations and evaluations count the solving generation "
              "whole; unsolved runs (limit %u generations) are left out of the means.\n",
              results.size(), seconds, jobs, config.run.generations);
  for (const auto& r : results)
    if (!r.solved) std::printf("seed %llu: not solved in %u generations\n", (unsigned long long)r.seed, r.generations);

  if (!o.csv.empty()) {
    std::ofstream out(o.csv);
    out << "seed,solved,generations,evaluations,hidden_nodes,enabled_connections,seconds\n";
    for (const auto& r : results)
      out << r.seed << ',' << (r.solved ? 1 : 0) << ',' << r.generations << ',' << r.evaluations << ',' << r.hidden
          << ',' << r.connections << ',' << r.seconds << '\n';
    if (!out) throw Error(o.csv + ": cannot write");
  }
  return solved == results.size() ? kExitOk : kExitNotSolved;
}

std::function<int()> setup(CLI::App& app) {
  auto o = std::make_shared<ExperimentOptions>();
  app.add_option("name", o->name, "experiment name: runs configs/NAME.yaml (xor, parity, ...)")->required();
  app.add_option("--runs", o->runs, "number of runs (seeds first-seed, first-seed+1, ...)");
  app.add_option("--first-seed", o->first_seed, "seed of the first run");
  app.add_option("--config", o->config, "config file instead of configs/NAME.yaml");
  app.add_option("--set", o->sets, "override a config key: section.key=value (repeatable)")->allow_extra_args(false);
  app.add_option("--jobs", o->jobs, "runs in parallel (default: all cores); each run uses one thread");
  app.add_option("--csv", o->csv, "write one line per run to this CSV file");
  return [o] { return experiment_command(*o); };
}

}  // namespace
GANGLION_COMMAND("experiment", "repeat an experiment over many seeds and print the NEAT paper's table", setup);
}  // namespace ganglion::cli
