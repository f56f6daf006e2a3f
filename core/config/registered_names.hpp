// Names that another library owns, checked by the config loader. A string key declared with
// `registered_names()` (core/config/settings.hpp) takes the names registered for its path: gpu/
// registers `cuda.kernel` with its kernel strategies (gpu/dispatch.cpp), so a misspelt kernel is
// refused when the config is loaded, with file:line:column and "did you mean", in every build
// (gpu/dispatch.cpp is plain C++, built with or without CUDA). core/ stays free of gpu/: the list
// comes in at static-initialisation time, through a registration object in the owning library.
// A program that links no owner of a key accepts any non-empty name for it.
#pragma once

#include <string>
#include <vector>

namespace ganglion {

using NameList = std::vector<std::string> (*)();

// Registers (or replaces) the valid names of `key_path` (a key declared with registered_names()).
void register_config_names(const std::string& key_path, NameList names);
// The names registered for `key_path`; empty when none are.
std::vector<std::string> registered_config_names(const std::string& key_path);

// One line at namespace scope in the owning library:
//   static const ganglion::ConfigNamesRegistration kernels("cuda.kernel", [] { return ...; });
struct ConfigNamesRegistration {
  ConfigNamesRegistration(const std::string& key_path, NameList names) { register_config_names(key_path, names); }
};

}  // namespace ganglion
