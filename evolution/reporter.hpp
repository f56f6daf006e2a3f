// Reporters: observers of a run, called by the Engine. The per-generation log line, the
// stats.jsonl writer and the checkpoint writer are reporters; a new output is a new reporter, the
// engine does not change.
#pragma once

#include <chrono>

#include <cstdio>
#include <fstream>
#include <string>

#include "evolution/state.hpp"

namespace ganglion {

enum class StopReason {
  None,             // the run goes on
  Solved,           // the task reported a solution (run.stop_when_solved)
  Threshold,        // run.fitness_threshold reached
  GenerationLimit,  // run.generations generations evaluated without either
  Interrupted,      // a stop was requested (Ctrl-C, SIGTERM)
  AllInvalid,       // no genome of a generation got a finite fitness (run.on_all_invalid: stop)
};
const char* stop_reason_name(StopReason reason);
// Whether a run that stopped for `reason` holds a generation still to be evaluated (Interrupted:
// between generations; AllInvalid: the generation that failed, nothing of it kept) rather than
// its final, evaluated one.
bool stop_leaves_unevaluated(StopReason reason);
// What a user reads when a run stopped AllInvalid: the task, the generation, what happened and
// how to go on (`checkpoint`: the file that resumes there; may be empty).
std::string all_invalid_message(const std::string& task, uint32_t generation, size_t genomes,
                                const std::string& checkpoint);

class Reporter {
 public:
  virtual ~Reporter() = default;
  // Before the first step, after Engine::init() or Engine::restore().
  virtual void on_start(const EvolutionState& state) { (void)state; }
  // After each evaluated generation. `stats` describe the generation just evaluated. When
  // `reason` is None, `state` already holds the next generation (unevaluated, speciated): the
  // moment a checkpoint must be taken for an exact resume. Otherwise `state` is the evaluated,
  // final one. (A generation that stops the run AllInvalid is not reported here: it is not kept.)
  virtual void on_generation(const GenerationStats& stats, const EvolutionState& state, StopReason reason) {
    (void)stats;
    (void)state;
    (void)reason;
  }
  // Once, when run() returns. `state` is the final, evaluated generation, or the next one to
  // evaluate when stop_leaves_unevaluated(reason).
  virtual void on_finish(const EvolutionState& state, StopReason reason) {
    (void)state;
    (void)reason;
  }
};

// One readable spdlog line per generation (info level; species detail at debug level).
class LogReporter final : public Reporter {
 public:
  void on_generation(const GenerationStats& stats, const EvolutionState& state, StopReason reason) override;
};

// Appends one JSON object per generation to a stats.jsonl file (keys: docs/run-folder.md). Each
// line goes out in one write(2) to a file opened for appending, so a process killed at any moment
// leaves whole lines; the file is synced to disk at most once a second and at the end of the run.
class StatsWriter final : public Reporter {
 public:
  // `append` keeps existing lines (a resumed run); otherwise the file is truncated.
  explicit StatsWriter(const std::string& path, bool append = false);
  ~StatsWriter() override;
  StatsWriter(const StatsWriter&) = delete;
  StatsWriter& operator=(const StatsWriter&) = delete;
  void on_generation(const GenerationStats& stats, const EvolutionState& state, StopReason reason) override;
  void on_finish(const EvolutionState& state, StopReason reason) override;

 private:
  void sync();
  std::string path_;
  int fd_ = -1;
  std::chrono::steady_clock::time_point last_sync_;
};

// The stats.jsonl line of one generation, without the newline.
std::string stats_to_json(const GenerationStats& stats);

}  // namespace ganglion
