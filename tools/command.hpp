// Subcommands of the `ganglion` program. Each cmd_*.cpp registers one (or a `bench` workload) with
// GANGLION_COMMAND; main.cpp builds the CLI11 parser from the registry, so adding a command
// touches no other file.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace ganglion::cli {

struct CommandInfo {
  std::string name;         // "run", "resume", "bench compile" (a space makes a sub-subcommand)
  std::string description;
  // Adds options to `app` and returns the action to run once parsing succeeded (returns the exit code).
  std::function<std::function<int()>(CLI::App& app)> setup;
};

void register_command(CommandInfo info);
const std::vector<CommandInfo>& commands();

struct CommandRegistration {
  explicit CommandRegistration(CommandInfo info) { register_command(std::move(info)); }
};

#define GANGLION_CMD_CONCAT2(a, b) a##b
#define GANGLION_CMD_CONCAT(a, b) GANGLION_CMD_CONCAT2(a, b)
#define GANGLION_COMMAND(name, description, setup)                                                \
  static ::ganglion::cli::CommandRegistration GANGLION_CMD_CONCAT(ganglion_command_, __LINE__)( \
      ::ganglion::cli::CommandInfo{name, description, setup})

// Exit codes shared by all commands: the one list (docs/cli.md shows it; `ganglion --help` prints
// kExitCodes). A new code is added here, to the table below and to docs/cli.md.
constexpr int kExitOk = 0;
constexpr int kExitError = 1;          // bad input or a failure, with a message
constexpr int kExitUsage = 2;          // command-line usage error, with the command's usage line
constexpr int kExitNotSolved = 3;      // `run`: generation limit reached before the threshold
constexpr int kExitNoValidFitness = 4; // `run`: a generation without one finite fitness (run.on_all_invalid)
constexpr int kExitInterrupted = 130;  // Ctrl-C / SIGTERM, results saved

struct ExitCodeInfo {
  int code;
  const char* meaning;
};
inline constexpr ExitCodeInfo kExitCodes[] = {
    {kExitOk, "success (run, resume, experiment: solved or run.fitness_threshold reached)"},
    {kExitError, "an error, with a message naming the place (bad config, missing file, failed task, ...)"},
    {kExitUsage, "a usage error (unknown option, missing or extra argument, bad value), with the usage line"},
    {kExitNotSolved, "run, resume, experiment: the generation limit came before a solution"},
    {kExitNoValidFitness, "run, resume, experiment: a generation without one valid fitness stopped the run"},
    {kExitInterrupted, "stopped by Ctrl-C or SIGTERM; the current generation finished and the files were saved"},
};

// The value check of `--set`: "section.key=value", so that `--set seed 3` is told how to write it
// rather than that "3" was not expected.
inline std::string check_key_value(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    return "'" + text + "' is not section.key=value (e.g. --set seed=3 or --set run.generations=50)";
  return "";
}

}  // namespace ganglion::cli
