// Between yaml-cpp and ConfigValue: the only place where config values meet yaml-cpp's types, so
// that the public headers need none. Internal to core/config.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "core/config/config_value.hpp"

namespace ganglion::config_detail {

// "origin:line:column" (1-based), or the origin alone for a node without a mark.
std::string mark_place(const std::string& origin, const YAML::Mark& mark);

// The line of a "origin:line:column" place, or 0.
int line_of_place(const std::string& place);

// A parsed node as a ConfigValue with places from its marks, or every place `fixed_place` when
// that is given (values of `--set`). Map keys must be scalars (ConfigError naming the place and
// `path`). Aliases are expanded; a tree of more than a million values is refused.
ConfigValue from_yaml(const YAML::Node& node, const std::string& origin, const std::string& path,
                      const std::string& fixed_place = "");

// The value as a yaml-cpp node with its tags and styles, for the emitter.
YAML::Node to_yaml(const ConfigValue& value);

}  // namespace ganglion::config_detail
