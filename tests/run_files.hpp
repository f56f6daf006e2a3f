// Reading a run folder's files for comparisons: stats.jsonl without its time_ fields, the only
// content that differs between two runs of one seed (docs/run-folder.md).
#pragma once

#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/cli_runner.hpp"

namespace ganglion::testing {

// The stats.jsonl text with every ,"time_<name>":<number> removed and all else left byte for byte,
// as scripts/record_reference_runs.sh writes the recorded references.
inline std::string strip_time_fields(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const size_t k = text.find(",\"time_", i);
    if (k == std::string::npos) {
      out.append(text, i, std::string::npos);
      break;
    }
    out.append(text, i, k - i);
    size_t j = k + 1;
    while (j < text.size() && text[j] != ',' && text[j] != '}') ++j;
    i = j;
  }
  return out;
}

// A config.yaml without what differs between two runs of one seed and config: the run's id (fresh
// for every run) becomes <run id>, and `source_dir` (the paths of data files are recorded absolute)
// becomes <source>; as scripts/record_reference_runs.sh writes the recorded references.
inline std::string normalise_config_yaml(const std::string& text, const std::string& source_dir) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    const size_t id = line.find("  id: ");
    if (id != std::string::npos && line.find_first_not_of(' ') == id + 2 && line.size() >= id + 6 + 16)
      line = line.substr(0, id + 6) + "<run id>" + line.substr(id + 6 + 16);
    for (size_t k; !source_dir.empty() && (k = line.find(source_dir)) != std::string::npos;)
      line.replace(k, source_dir.size(), "<source>");
    out += line + "\n";
  }
  return out;
}

// The stats.jsonl file at `path`, each line parsed and written again without its time_ keys.
inline std::string stats_without_times(const std::string& path) {
  std::istringstream in(read_text(path));
  std::string line, out;
  while (std::getline(in, line)) {
    auto j = nlohmann::ordered_json::parse(line);
    for (auto it = j.begin(); it != j.end();) {
      if (it.key().rfind("time_", 0) == 0) it = j.erase(it);
      else ++it;
    }
    out += j.dump() + "\n";
  }
  return out;
}

}  // namespace ganglion::testing
