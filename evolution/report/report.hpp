// The run report: turns a run folder (config.yaml, stats.jsonl, events.jsonl, best_genome.json,
// as the session writes them) into RUN_DIR/report.html, one self-contained page that opens
// offline: a summary (task, seed, backend, solve criterion, threshold, stop reason, resumes),
// fitness curves (linear or log scale), loss and accuracy of data tasks, the largest species'
// fitness and sizes, network size, time per phase, the config and a drawing of the best network.
// Plots are drawn in the page by uPlot, which is inlined. ReportWriter keeps the page of a
// running run current.
#pragma once

#include <chrono>
#include <string>

#include "evolution/reporter.hpp"

namespace ganglion {

struct ReportOptions {
  // Draw the best network with graphviz's `dot` when it is on PATH; otherwise (or when false) a
  // simple layered drawing computed from the compiled levels, and the page says so.
  bool use_graphviz = true;
  // 0: a page of the run as it is. > 0: the page of a running run, which reloads itself every
  // this many seconds (its writer rewrites it meanwhile: ReportWriter); it says so at the top.
  double refresh_seconds = 0.0;
};

// The page for run folder `run_dir`. stats.jsonl must exist; a missing config.yaml or
// best_genome.json leaves a note in its place. Throws CheckpointError naming file:line for a
// stats line that is not a JSON object with an integer "generation" (a truncated last line, as an
// interrupted run may leave, is skipped with a warning).
std::string render_report(const std::string& run_dir, const ReportOptions& options = {});

// Writes render_report(run_dir) to RUN_DIR/report.html and returns that path.
std::string write_report(const std::string& run_dir, const ReportOptions& options = {});

// A reporter that rewrites RUN_DIR/report.html while the run goes on, at most every
// `interval_seconds` (after a generation), as a page that reloads itself every interval; the
// page lags the newest generation by one, whose stats line the run folder writes after the
// reporters. The final page (no reloading) is the caller's to write once the session has ended
// (`ganglion run --report` does). A failure to write is logged, never stops the run.
class ReportWriter final : public Reporter {
 public:
  ReportWriter(std::string run_dir, ReportOptions options, double interval_seconds = 5.0);
  void on_generation(const GenerationStats& stats, const EvolutionState& state, StopReason reason) override;

 private:
  std::string run_dir_;
  ReportOptions options_;
  double interval_;
  std::chrono::steady_clock::time_point last_{};
  bool written_ = false;
};

}  // namespace ganglion
