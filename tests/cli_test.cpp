// The command-line conventions tools/main.cpp gives every command (docs/cli.md): a usage error
// exits 2 with the message and the command's usage line; `--help` shows each option's default;
// `ganglion --help` lists the exit codes of tools/command.hpp. Every registered command is checked,
// found from `ganglion --help`, so a command added later is checked too.
#include <doctest/doctest.h>

#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli_runner.hpp"
#include "tools/command.hpp"

using namespace ganglion::testing;

namespace {

// The subcommand names listed under "Subcommands:" in a help text.
std::vector<std::string> subcommands_in(const std::string& help) {
  std::vector<std::string> names;
  std::istringstream in(help);
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Subcommands:", 0) == 0) {
      inside = true;
      continue;
    }
    if (!inside) continue;
    if (line.empty() || line[0] != ' ') break;
    std::istringstream words(line);
    std::string name;
    words >> name;
    if (!name.empty()) names.push_back(name);
  }
  return names;
}

// Every command path: "run", "bench compile", ...
std::vector<std::string> all_commands() {
  std::vector<std::string> out;
  for (const auto& name : subcommands_in(run_ganglion("--help").output)) {
    const auto inner = subcommands_in(run_ganglion(name + " --help").output);
    if (inner.empty()) out.push_back(name);
    for (const auto& leaf : inner) out.push_back(name + " " + leaf);
  }
  return out;
}

}  // namespace

TEST_CASE("usage errors exit 2 with the command's usage line") {
  if (ganglion_binary().empty()) {
    MESSAGE("GANGLION_BINARY not set: skipped");
    return;
  }
  const std::string xor_config = "'" + source_dir() + "/configs/xor.yaml'";
  struct Case {
    std::string args, command, message;
  };
  const Case cases[] = {
      {"run " + xor_config + " --set seed 3", "run", "'seed' is not section.key=value"},
      {"run " + xor_config + " --no-such-option", "run", "--no-such-option"},
      {"run", "run", "config is required"},
      {"run " + xor_config + " --seed many", "run", "--seed"},
      {"resume", "resume", "from is required"},
      {"experiment xor --runs", "experiment", "--runs"},
      {"report", "report", "run_dir is required"},
      {"bench compile --genomes", "bench compile", "--genomes"},
      {"no-such-command", "", ""},
      {"", "", "subcommand is required"},
  };
  for (const Case& c : cases) {
    const CommandResult r = run_ganglion(c.args);
    const std::string path = c.command.empty() ? "ganglion" : "ganglion " + c.command;
    INFO("ganglion ", c.args, "\n", r.output);
    CHECK(r.exit_code == ganglion::cli::kExitUsage);
    CHECK(r.output.find(path + ": ") == 0);
    CHECK(r.output.find(c.message) != std::string::npos);
    CHECK(r.output.find("\nUsage: " + path + " ") != std::string::npos);
    CHECK(r.output.find("Run `" + path + " --help` for the options.") != std::string::npos);
  }
  // Help and version are no errors.
  CHECK(run_ganglion("run --help").exit_code == 0);
  CHECK(run_ganglion("--version").exit_code == 0);
}

TEST_CASE("--help shows every option's default") {
  if (ganglion_binary().empty()) {
    MESSAGE("GANGLION_BINARY not set: skipped");
    return;
  }
  const std::vector<std::string> commands = all_commands();
  CHECK(commands.size() >= 10);
  const std::set<std::string> listed(commands.begin(), commands.end());
  for (const char* c : {"run", "resume", "experiment", "report", "bench compile"}) CHECK_MESSAGE(listed.count(c), c);

  // An option line of CLI11's help: "  --name TYPE=DEFAULT  description". A value option shows
  // "=DEFAULT" or says "default" in its description (one whose default is "not given", such as
  // run --seed, names what decides then); flags take no value and need neither.
  const std::regex value_option(R"(^  (-\w,)?--[\w-]+ ([A-Z:{}_,=\[\]]|[A-Z]+\b))");
  for (const auto& command : commands) {
    const CommandResult r = run_ganglion(command + " --help");
    INFO("ganglion ", command, " --help:\n", r.output);
    REQUIRE(r.exit_code == 0);
    std::istringstream in(r.output.substr(0, r.output.find("Exit codes")));
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    for (size_t i = 0; i < lines.size(); ++i) {
      const std::string& line = lines[i];
      if (!std::regex_search(line, value_option)) continue;
      if (line.find(" REQUIRED") != std::string::npos) continue;
      // The description may be on the next line when the option's name is long.
      const std::string text = line + (i + 1 < lines.size() ? lines[i + 1] : "");
      const bool shown = std::regex_search(line, std::regex(R"(^  \S+ [A-Z:{}a-z,-]*=)")) ||
                         text.find("default") != std::string::npos;
      CHECK_MESSAGE(shown, "ganglion ", command, ": ", line);
    }
  }
  CHECK(run_ganglion("experiment --help").output.find("--runs INT=100") != std::string::npos);
  CHECK(run_ganglion("run --help").output.find("default: the config's seed") != std::string::npos);
}

TEST_CASE("ganglion --help lists every exit code") {
  if (ganglion_binary().empty()) {
    MESSAGE("GANGLION_BINARY not set: skipped");
    return;
  }
  const std::string help = run_ganglion("--help").output;
  REQUIRE(help.find("Exit codes") != std::string::npos);
  for (const auto& e : ganglion::cli::kExitCodes) {
    CHECK_MESSAGE(help.find("  " + std::to_string(e.code) + " ") != std::string::npos, e.code);
    CHECK(help.find(e.meaning) != std::string::npos);
  }
  // Listed once, on the program's help: a command's help does not repeat it.
  CHECK(run_ganglion("report --help").output.find("Exit codes") == std::string::npos);
  // docs/cli.md, the one page that lists them, has each code.
  const std::string doc = read_text(source_dir() + "/docs/cli.md");
  for (const auto& e : ganglion::cli::kExitCodes)
    CHECK_MESSAGE(doc.find("| " + std::to_string(e.code) + " |") != std::string::npos, e.code);
}
