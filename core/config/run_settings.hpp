// The sections of how a run goes: `run` (generation limit, stopping, run folders; read by the
// engine and the session), `checkpoint` (evolution/checkpoint) and `log` (the session and the
// CLI). Key table format: core/config/settings.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/config/settings.hpp"

namespace ganglion {

enum class FitnessCriterion { Max, Min };  // maximise or minimise fitness

template <>
struct EnumWords<FitnessCriterion> {
  static constexpr const char* what = "criterion";
  static constexpr std::pair<const char*, FitnessCriterion> words[] = {{"max", FitnessCriterion::Max},
                                                                       {"min", FitnessCriterion::Min}};
};

// What a generation in which no genome has a valid (finite) fitness does to the run.
enum class AllInvalidPolicy { Stop, Continue };

template <>
struct EnumWords<AllInvalidPolicy> {
  static constexpr const char* what = "policy";
  static constexpr std::pair<const char*, AllInvalidPolicy> words[] = {{"stop", AllInvalidPolicy::Stop},
                                                                       {"continue", AllInvalidPolicy::Continue}};
};

// run.generations may change on resume: a resumed run goes further (or stops earlier), and
// generation N is the same either way. So may run.on_all_invalid: a run stopped by it left its
// folder at the generation that failed, which a resume with `continue` evaluates as the
// uninterrupted run with `continue` would have.
#define GANGLION_RUN_SETTINGS(KEY, SUB)                                                                      \
  KEY(uint32_t, generations, 300, at_least(1), may_change, "generation limit")                               \
  KEY(FitnessCriterion, fitness_criterion, FitnessCriterion::Max, any(), fixed,                               \
      "max: larger fitness is better; min: smaller is better")                                               \
  KEY(std::optional<double>, fitness_threshold, std::nullopt, any(), fixed,                                   \
      "stop once the best fitness reaches it; null: no threshold")                                           \
  KEY(bool, stop_when_solved, true, any(), fixed, "stop when the task reports a solution")                    \
  KEY(std::optional<uint32_t>, champion_episodes, std::nullopt, at_least(0), fixed,                          \
      "fresh episodes on which each generation's best is re-tested before it may become best_genome.json "    \
      "or count as solved; auto: 100 for tasks with random starts, else 0; 0: off")                           \
  KEY(std::string, out_dir, "runs", non_empty(), fixed, "run folders are created under it")                   \
  KEY(AllInvalidPolicy, on_all_invalid, AllInvalidPolicy::Stop, any(), may_change,                            \
      "a generation whose every fitness is NaN or infinite: stop (resumable) or continue (each gets 0)")       \
  KEY(std::string, id, "", may_be_empty(), fixed,                                                             \
      "the run's identity, set when it starts (a new run always gets a fresh one); its checkpoints carry it")

struct RunConfig {
  GANGLION_RUN_SETTINGS(GANGLION_SETTING_FIELD, GANGLION_SETTING_FIELD)
  GANGLION_SETTINGS_DESCRIBE(RunConfig, GANGLION_RUN_SETTINGS)
};

// Checkpoints are also written when a run starts, when it ends and when it is interrupted, so a
// run killed at any moment resumes (docs/run-folder.md).
#define GANGLION_CHECKPOINT_SETTINGS(KEY, SUB)                                                    \
  KEY(uint32_t, every, 0, at_least(0), may_change,                                                \
      "generations between checkpoints; 0: none by count (see seconds)")                          \
  KEY(double, seconds, 30, at_least(0), may_change,                                               \
      "at most this much run time between checkpoints (a kill loses no more); 0: none by time")    \
  KEY(uint32_t, keep, 3, at_least(1), may_change, "most recent checkpoints kept")

struct CheckpointConfig {
  GANGLION_CHECKPOINT_SETTINGS(GANGLION_SETTING_FIELD, GANGLION_SETTING_FIELD)
  GANGLION_SETTINGS_DESCRIBE(CheckpointConfig, GANGLION_CHECKPOINT_SETTINGS)
};

#define GANGLION_LOG_SETTINGS(KEY, SUB)                                                                   \
  KEY(std::string, level, "info", one_of({"trace", "debug", "info", "warn", "error", "off"}), may_change, \
      "log verbosity")                                                                                    \
  KEY(bool, progress, true, any(), may_change, "a progress line on terminals")

struct LogConfig {
  GANGLION_LOG_SETTINGS(GANGLION_SETTING_FIELD, GANGLION_SETTING_FIELD)
  GANGLION_SETTINGS_DESCRIBE(LogConfig, GANGLION_LOG_SETTINGS)
};

}  // namespace ganglion
