// The run folder (docs/run-folder.md): config.yaml (the effective config), stats.jsonl (one line
// per generation) and best_genome.json, written by one reporter. Checkpoints and the report add
// their own files to the same folder.
#pragma once

#include <memory>
#include <string>

#include "core/config/config.hpp"
#include "evolution/reporter.hpp"

namespace ganglion {

// runs/<config name>-<YYYYmmdd-HHMMSS> under config.run.out_dir (a numeric suffix when taken).
std::string default_run_folder(const Config& config);

class RunFolder final : public Reporter {
 public:
  // Creates `dir` (and parents) and writes config.yaml at once. `resume` appends to stats.jsonl.
  RunFolder(std::string dir, const Config& config, bool resume = false);
  const std::string& dir() const { return dir_; }
  void on_generation(const GenerationStats& stats, const EvolutionState& state, StopReason reason) override;
  void on_finish(const EvolutionState& state, StopReason reason) override;
  // best_genome.json: the solution when the run solved the task, else the best genome ever.
  void write_best(const EvolutionState& state) const;

 private:
  std::string dir_;
  std::unique_ptr<StatsWriter> stats_;
};

}  // namespace ganglion
