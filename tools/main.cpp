// The `ganglion` command line: builds a CLI11 parser from the registered subcommands
// (tools/command.hpp), runs the chosen one and turns any ganglion::Error into a message on
// stderr and a non-zero exit code. The conventions every command gets from here (docs/cli.md):
// a usage error exits kExitUsage with the message and the command's usage line; `--help` shows
// every option's default; `ganglion --help` lists the exit codes.
#include <algorithm>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include "core/allocator.hpp"
#include "core/error.hpp"
#include "tools/command.hpp"
#include "tools/ranks.hpp"

namespace ganglion::cli {

namespace {
std::vector<CommandInfo>& registry() {
  static std::vector<CommandInfo> commands;
  return commands;
}

std::string exit_codes_text() {
  std::string text = "Exit codes (docs/cli.md):\n";
  for (const ExitCodeInfo& e : kExitCodes) text += fmt::format("  {:<5}{}\n", e.code, e.meaning);
  return text;
}

// The command a usage error belongs to: the deepest subcommand named on the command line (CLI11
// may not have reached it when the error came), or the program itself.
const CLI::App* command_of(const CLI::App& app, int argc, char** argv) {
  const CLI::App* at = &app;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.empty() || word[0] == '-') break;
    const CLI::App* sub = nullptr;
    for (const CLI::App* s : at->get_subcommands([](const CLI::App*) { return true; }))
      if (s->check_name(word)) sub = s;
    if (!sub) break;
    at = sub;
  }
  return at;
}

// `ganglion run: <message>`, the command's usage line and where its help is; exit kExitUsage.
int usage_error(const CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  const CLI::App* cmd = command_of(app, argc, argv);
  std::string path;
  for (const CLI::App* a = cmd; a; a = a->get_parent()) path = a->get_name() + (path.empty() ? "" : " " + path);
  std::string usage;
  std::istringstream help(cmd->get_formatter()->make_help(cmd, path, CLI::AppFormatMode::Normal));
  for (std::string line; std::getline(help, line);)
    if (line.rfind("Usage:", 0) == 0) usage = line;
  std::cerr << path << ": " << e.what() << "\n" << usage << "\nRun `" << path << " --help` for the options.\n";
  return kExitUsage;
}
}  // namespace

void register_command(CommandInfo info) { registry().push_back(std::move(info)); }
const std::vector<CommandInfo>& commands() { return registry(); }

}  // namespace ganglion::cli

int main(int argc, char** argv) {
  using namespace ganglion::cli;
  // Logs go to stderr so that stdout carries only a command's product (an export, a table).
  spdlog::set_default_logger(spdlog::stderr_color_mt("ganglion"));
  spdlog::set_pattern("[%H:%M:%S] %^%l%$ %v");
  // Before anything allocates much: evolution frees and allocates a population every generation.
  ganglion::tune_allocator_for_evolution();
  CLI::App app{"Ganglion: NEAT neuroevolution on CPU and CUDA", "ganglion"};
  app.require_subcommand(1);
  // Every option's help shows its default (commands register after this and inherit it); an
  // option whose default is "not given" says what that means with ->default_str().
  app.option_defaults()->always_capture_default();
  app.set_version_flag("--version", std::string("ganglion ") + GANGLION_VERSION);

  std::map<std::string, CLI::App*> groups;  // "bench" -> its App, for "bench compile"
  std::function<int()> action;
  std::vector<std::pair<CLI::App*, std::function<std::function<int()>(CLI::App&)>>> setups;

  auto group_for = [&](const std::string& group) {
    auto it = groups.find(group);
    if (it != groups.end()) return it->second;
    CLI::App* g = app.add_subcommand(group, group == "bench" ? "Benchmarks: print a table of timings" : group);
    g->require_subcommand(1);
    groups[group] = g;
    return g;
  };

  // Commands register in static-initialisation order; sort by name for a stable help text.
  std::vector<CommandInfo> sorted = commands();
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const auto& info : sorted) {
    CLI::App* parent = &app;
    std::string leaf = info.name;
    auto space = info.name.find(' ');
    if (space != std::string::npos) {
      parent = group_for(info.name.substr(0, space));
      leaf = info.name.substr(space + 1);
    }
    CLI::App* sub = parent->add_subcommand(leaf, info.description);
    auto made = std::make_shared<std::function<int()>>();
    auto setup = info.setup;
    *made = setup(*sub);
    sub->callback([&action, made] { action = *made; });
  }

  app.footer(exit_codes_text());  // after the subcommands, which would inherit it

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == int(CLI::ExitCodes::Success)) return app.exit(e);  // --help, --version
    return usage_error(app, e, argc, argv);
  }
  // Under mpirun / srun: every rank runs the command; an error on any one ends them all, with the
  // rank named (the other ranks would wait for it forever).
  auto failed = [](const std::string& message) {
    if (ranks().distributed())
      spdlog::error("rank {} of {}: {}; ending the MPI job", ranks().rank, ranks().size, message);
    else
      spdlog::error("{}", message);
    abort_ranks(kExitError);
    return kExitError;
  };
  int code = kExitError;
  try {
    start_ranks(argc, argv);
    if (ranks().distributed()) {
      const auto chosen = app.get_subcommands();
      const std::string name = chosen.empty() ? std::string() : chosen.front()->get_name();
      if (name != "run" && name != "resume")
        throw ganglion::Error("`ganglion " + name + "` runs as one process: under mpirun or srun only `run` and " +
                              "`resume` divide their work between ranks (docs/distributed.md)");
    }
    code = action ? action() : kExitUsage;
  } catch (const ganglion::Error& e) {
    return failed(e.what());
  } catch (const YAML::Exception& e) {
    return failed(e.what());
  } catch (const std::exception& e) {
    return failed(std::string("internal error: ") + e.what());
  }
  stop_ranks();
  return code;
}
