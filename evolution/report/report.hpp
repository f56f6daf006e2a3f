// The run report: turns a run folder (config.yaml, stats.jsonl, best_genome.json, as the engine
// writes them) into RUN_DIR/report.html, one self-contained page that opens offline: fitness
// curves, per-species fitness, stacked species sizes, network size, time per phase, the config
// and a drawing of the best network. Plots are drawn in the page by uPlot, which is inlined.
#pragma once

#include <string>

namespace ganglion {

struct ReportOptions {
  // Draw the best network with graphviz's `dot` when it is on PATH; otherwise (or when false) a
  // simple layered drawing computed from the compiled levels, and the page says so.
  bool use_graphviz = true;
};

// The page for run folder `run_dir`. stats.jsonl must exist; a missing config.yaml or
// best_genome.json leaves a note in its place. Throws CheckpointError naming file:line for a
// stats line that is not a JSON object with an integer "generation" (a truncated last line, as an
// interrupted run may leave, is skipped with a warning).
std::string render_report(const std::string& run_dir, const ReportOptions& options = {});

// Writes render_report(run_dir) to RUN_DIR/report.html and returns that path.
std::string write_report(const std::string& run_dir, const ReportOptions& options = {});

}  // namespace ganglion
