// The bounds every YAML text the config loader reads is held to (a config file, a checkpoint's
// stored config, a `--set` value): its size, how deeply it nests and how many values it holds
// once every alias is expanded. They are checked on yaml-cpp's event stream before any node tree
// is built, so a 500-byte alias bomb or a 100 MB list is refused in milliseconds, with the place,
// instead of taking minutes and gigabytes. docs/config.md states them. Internal to core/config.
#pragma once

#include <cstddef>
#include <string>

namespace ganglion::config_detail {

// A config is a page or two of YAML; the largest shipped one is about 2 KB.
constexpr size_t kMaxConfigBytes = size_t(1) << 20;
// Levels of maps and lists, the top-level map being level 1 (`task: {a: [1]}` nests 3 deep).
constexpr int kMaxConfigDepth = 64;
// Values (scalars, nulls, lists, maps) after alias expansion: a value behind an alias counts
// once per alias, as the loader copies it once per alias.
constexpr size_t kMaxConfigValues = 100000;

// Throws ConfigError naming `origin` (and file:line:column where there is one) when `text` breaks
// a bound above or holds more than one YAML document; throws YAML::ParserException on invalid
// YAML, for the caller to word.
void check_yaml_bounds(const std::string& text, const std::string& origin);

}  // namespace ganglion::config_detail
