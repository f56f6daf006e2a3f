// libFuzzer target for the config loader: parse_config on arbitrary text must never crash. A
// ganglion::Error (ConfigError with file:line) or a yaml-cpp exception is a clean rejection. When
// the text loads, the effective config written back out must load again (config_to_yaml's promise).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <yaml-cpp/yaml.h>

#include "core/config/config.hpp"
#include "core/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ganglion;
  const std::string text(reinterpret_cast<const char*>(data), size);
  Config config;
  try {
    config = parse_config(text, "fuzz.yaml");
  } catch (const Error&) {
    return 0;
  } catch (const YAML::Exception&) {
    return 0;
  }
  try {
    parse_config(config_to_yaml(config), "fuzz.yaml (written back)");
  } catch (const std::exception& e) {
    // A config that loaded but whose own YAML does not: a real bug in the loader or the writer.
    fprintf(stderr, "config_to_yaml output does not load again: %s\n", e.what());
    std::abort();
  }
  return 0;
}
