// An experiment: one config run with many seeds (the protocol of the NEAT paper's tables), in
// parallel across seeds, each seed a full session with its own run folder
// <out_dir>/seed-<N>/ (config.yaml, stats.jsonl, best_genome.json, checkpoints/), so that any
// seed can be inspected, reported on or resumed like a single run. The evaluator comes from the
// config's `backend` through SessionBackends, as for a single run.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "evolution/session.hpp"

namespace ganglion {

struct ExperimentOptions {
  uint32_t runs = 100;
  uint64_t first_seed = 1;  // runs use seeds first_seed, first_seed + 1, ...
  // Runs at once. 0: one per core when the runs evaluate on the CPU, 1 otherwise (runs on one
  // device would queue behind each other; give more to share it on purpose). With more than one
  // run at once each run gets one thread (threads: 1), so that runs do not compete.
  unsigned jobs = 0;
  // The experiment's folder, holding seed-<N>/ per run. Empty: default_run_folder(config).
  std::string out_dir;
};

struct SeedResult {
  uint64_t seed = 0;
  RunSummary summary;         // the run's end: reason, generations, evaluations, best genome, folder
  uint32_t hidden = 0;        // hidden nodes of the solution (0 when not solved)
  uint32_t connections = 0;   // enabled connections of the solution (0 when not solved)
};

struct ExperimentResult {
  std::string out_dir;
  unsigned jobs = 0;     // runs that ran at once
  double seconds = 0.0;  // wall time of the whole experiment
  bool interrupted = false;
  std::vector<SeedResult> runs;  // in seed order; only finished runs when interrupted
};

// The seed's run folder inside an experiment's folder.
std::string seed_run_folder(const std::string& out_dir, uint64_t seed);

// Runs `config` with each seed. The first run that fails ends the experiment: the error is
// rethrown naming the seed. `stop`, when set, interrupts every running run (each saves a
// checkpoint) and starts no more.
ExperimentResult run_experiment(const Config& config, const ExperimentOptions& options,
                                const SessionBackends& backends, const std::atomic<bool>* stop = nullptr);
// The same from a config file with "key=value" overrides (load_config's rules).
ExperimentResult run_experiment(const std::string& config_path, const std::vector<std::string>& overrides,
                                const ExperimentOptions& options, const SessionBackends& backends,
                                const std::atomic<bool>* stop = nullptr);

// The figures of the NEAT paper's tables over the solved runs (unsolved ones are left out).
struct ExperimentSummary {
  size_t runs = 0, solved = 0;
  double generations_mean = 0, generations_median = 0, generations_worst = 0;
  double evaluations_mean = 0, evaluations_sd = 0, evaluations_median = 0, evaluations_worst = 0;
  double hidden_mean = 0, connections_mean = 0;
};
ExperimentSummary summarise(const std::vector<SeedResult>& runs);

}  // namespace ganglion
