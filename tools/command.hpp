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

// Exit codes shared by all commands.
constexpr int kExitOk = 0;
constexpr int kExitError = 1;         // bad input, with a message
constexpr int kExitUsage = 2;         // command-line usage error
constexpr int kExitNotSolved = 3;     // `run`: generation limit reached before the threshold
constexpr int kExitNoValidFitness = 4; // `run`: a generation without one finite fitness (run.on_all_invalid)
constexpr int kExitInterrupted = 130; // Ctrl-C / SIGTERM, results saved

}  // namespace ganglion::cli
