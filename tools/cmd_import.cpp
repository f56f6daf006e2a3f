// `ganglion import neat-python CONFIG.ini`: writes the equivalent Ganglion config
// (core/config/neat_python_import.hpp) to --out or stdout, with what was carried over, what was set
// to neat-python's algorithm and what has no counterpart as a comment block; the keys left out are
// also listed on stderr.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "core/config/neat_python_import.hpp"
#include "core/error.hpp"
#include "core/io/checkpoint_io.hpp"
#include "core/io/read_file.hpp"
#include "tools/command.hpp"

namespace ganglion::cli {
namespace {

struct ImportArgs {
  std::string file;
  std::string out;
  std::string task = "xor";
};

int run_import(const ImportArgs& a) {
  const std::string text = read_regular_file_or_throw<ConfigError>(a.file, "neat-python config file");
  const NeatPythonImport r = import_neat_python_config(text, a.file, a.task);
  const std::string yaml = r.yaml(a.file);
  // What was written must load as it is.
  parse_config(yaml, a.out.empty() ? "the imported config" : a.out);
  if (a.out.empty()) std::fwrite(yaml.data(), 1, yaml.size(), stdout);
  else write_file_atomic(a.out, yaml.data(), yaml.size());
  for (const auto& s : r.skipped) std::cerr << "ganglion import: left out: " << s << "\n";
  if (!a.out.empty())
    std::cerr << "ganglion import: wrote " << a.out << " (" << r.mapped.size() << " keys carried over, "
              << r.skipped.size() << " left out); run it with: ganglion run " << a.out << "\n";
  return kExitOk;
}

GANGLION_COMMAND("import neat-python",
                 "Write the Ganglion config equivalent to a neat-python INI config (keys without a counterpart listed)",
                 [](CLI::App& app) -> std::function<int()> {
                   auto a = std::make_shared<ImportArgs>();
                   app.add_option("config", a->file, "neat-python config file (INI)")->required();
                   app.add_option("--out", a->out, "write the YAML config here (default: stdout)");
                   app.add_option("--task", a->task, "task.name of the config (neat-python names no task)")
                       ->capture_default_str();
                   return [a] { return run_import(*a); };
                 });

}  // namespace
}  // namespace ganglion::cli
