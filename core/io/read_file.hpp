// Reading a whole input file (a config, a genome, a data set, a run folder's files) without ever
// blocking: a FIFO, a device or a socket given where a file is expected is refused at once with a
// message naming the path, instead of waiting for ever for a writer.
#pragma once

#include <cstddef>
#include <limits>
#include <string>

namespace ganglion {

// Reads `path` into `out` when it is a regular file; otherwise leaves `out` alone and returns
// false with `problem` saying why ("no such file", "is a directory", "not a regular file (a FIFO)",
// the system's error text). `what` names the kind of file expected ("config file"). A file of more
// than `max_bytes` is refused before anything is read or allocated, and so is one whose bytes
// cannot be allocated ("N bytes do not fit in memory").
bool read_regular_file(const std::string& path, const char* what, std::string& out, std::string& problem,
                       size_t max_bytes = std::numeric_limits<size_t>::max());

// The same, throwing E(path + ": " + problem) on failure (E: ConfigError, GenomeError, ...).
template <class E>
std::string read_regular_file_or_throw(const std::string& path, const char* what,
                                       size_t max_bytes = std::numeric_limits<size_t>::max()) {
  std::string text, problem;
  if (!read_regular_file(path, what, text, problem, max_bytes)) throw E(path + ": " + problem);
  return text;
}

}  // namespace ganglion
