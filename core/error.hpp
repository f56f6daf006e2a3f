// Errors that reach the user. Each carries the place it was detected (file:line, key path,
// genome id, node id) and what would have been valid; the CLI prints what() and exits non-zero.
#pragma once

#include <stdexcept>
#include <string>

namespace ganglion {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A config file or override that does not match the schema.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A genome that cannot be compiled or loaded (cycle in a feed-forward genome, dangling edge, NaN).
class GenomeError : public Error {
 public:
  using Error::Error;
};

// A checkpoint or run folder that cannot be read.
class CheckpointError : public Error {
 public:
  using Error::Error;
};

}  // namespace ganglion
