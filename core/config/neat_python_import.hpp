// neat-python's INI configs ([NEAT], [DefaultGenome], [DefaultSpeciesSet], [DefaultStagnation],
// [DefaultReproduction]) turned into an equivalent Ganglion config: each key with a counterpart is
// carried over (and checked as Ganglion checks it, the error naming the INI file and line), each
// key without one is listed with the reason, and the settings where neat-python's algorithm
// differs from Ganglion's defaults are set to neat-python's behaviour (no bias node, node genes in
// the distance, every child from crossover). `ganglion import neat-python` writes the result.
#pragma once

#include <string>
#include <vector>

#include "core/config/config.hpp"

namespace ganglion {

struct NeatPythonImport {
  Config config;                     // the equivalent config (validated)
  std::vector<std::string> mapped;   // "[DefaultGenome] conn_add_prob -> genome.conn_add_prob", in file order
  std::vector<std::string> skipped;  // "FILE:LINE: [Section] key = value: why it has no counterpart"
  std::vector<std::string> set;      // settings chosen to match neat-python's algorithm, with why
  // The config as YAML (every key), with the lists above as a comment block at the top.
  std::string yaml(const std::string& source) const;
};

// Whether a file's text is an INI config of neat-python's kind (a `[NEAT]` section header line).
bool looks_like_neat_python_config(const std::string& text);

// Throws ConfigError naming `origin`:line for malformed lines and for values Ganglion refuses.
// `task_name` goes into task.name (neat-python configs name no task).
NeatPythonImport import_neat_python_config(const std::string& text, const std::string& origin,
                                           const std::string& task_name);

}  // namespace ganglion
