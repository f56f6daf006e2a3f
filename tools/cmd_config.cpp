// `ganglion config`: shows the effective config (file + `--set` overrides, every key, defaults
// included) after the same strict validation a run does, or with `--keys` lists every key with its
// type, default, allowed values and whether it may change on resume (`--markdown` gives the tables
// of docs/config.md). Everything listed comes from the key tables (core/config/settings.hpp).
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "core/error.hpp"
#include "tools/command.hpp"

namespace ganglion::cli {
namespace {

struct ConfigArgs {
  std::string config;
  std::vector<std::string> overrides;
  bool keys = false;
  bool markdown = false;
};

std::string section_of(const std::string& path) {
  auto dot = path.rfind('.');
  return dot == std::string::npos ? std::string() : path.substr(0, dot);
}

std::string top_section_of(const std::string& path) {
  auto dot = path.find('.');
  return dot == std::string::npos ? std::string() : path.substr(0, dot);
}

// Markdown table cells: escape the pipe, show code in backticks.
std::string cell(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

void print_keys_markdown(std::ostream& out) {
  std::string current = "?";
  for (const auto& k : config_key_docs()) {
    const std::string section = top_section_of(k.path);
    if (section != current) {
      current = section;
      out << "\n### " << (section.empty() ? std::string("Top level") : "`" + section + ":`") << "\n\n";
      out << "| key | type | default | allowed | on resume | meaning |\n| --- | --- | --- | --- | --- | --- |\n";
    }
    out << "| `" << k.path << "` | " << cell(k.type) << " | `" << cell(k.default_value) << "` | " << cell(k.allowed)
        << " | " << (k.resumable ? "may change" : "fixed") << " | " << cell(k.doc) << " |\n";
  }
}

void print_keys_text(std::ostream& out) {
  std::string current = "?";
  for (const auto& k : config_key_docs()) {
    const std::string section = section_of(k.path);
    if (section != current) {
      current = section;
      out << "\n[" << (section.empty() ? std::string("top level") : section) << "]\n";
    }
    out << "  " << k.path << " = " << k.default_value << "    (" << k.type << ": " << k.allowed << ")"
        << (k.resumable ? "  [may change on resume]" : "") << "\n"
        << "      " << k.doc << "\n";
  }
  out << "\nThe task section also takes the task's own keys (`ganglion tasks` lists them).\n"
         "Keys marked [may change on resume] may be given to `ganglion resume --set`; the others decide what\n"
         "the run computes and stay as the checkpoint has them.\n";
}

int run_config(const ConfigArgs& args) {
  if (args.keys) {
    if (args.markdown) print_keys_markdown(std::cout);
    else print_keys_text(std::cout);
    return kExitOk;
  }
  if (args.config.empty()) {
    std::cerr << "ganglion config: give a CONFIG file, or --keys to list every key\n";
    return kExitUsage;
  }
  try {
    Config config = load_config(args.config, args.overrides);
    std::cout << "# effective config of " << args.config << "\n" << config_to_yaml(config);
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kExitError;
  }
  return kExitOk;
}

GANGLION_COMMAND(
    "config", "Print the effective config (file plus --set overrides, every key) or, with --keys, every key",
    [](CLI::App& app) -> std::function<int()> {
      auto args = std::make_shared<ConfigArgs>();
      app.add_option("config", args->config, "Config YAML file");
      app.add_option("--set", args->overrides, "Override a key: section.key=value (repeatable)")
          ->allow_extra_args(false)
          ->type_name("KEY=VALUE")
          ->check(check_key_value);
      app.add_flag("--keys", args->keys, "List every key with its type, default and allowed values");
      app.add_flag("--markdown", args->markdown, "With --keys: markdown tables (as in docs/config.md)");
      return [args] { return run_config(*args); };
    });

}  // namespace
}  // namespace ganglion::cli
