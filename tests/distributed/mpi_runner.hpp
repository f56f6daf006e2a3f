// The command lines of the mpirun tests: mpirun with --oversubscribe (the 2-core CI machine runs
// more ranks than it has cores) and, as root, --allow-run-as-root; the ganglion under test.
#pragma once

#include <cstdlib>
#include <string>

#include <unistd.h>

#include "tests/cli_runner.hpp"

namespace ganglion::testing {

inline std::string mpirun(int ranks) {
  const char* m = std::getenv("GANGLION_MPIRUN");
  std::string cmd = std::string(m && *m ? m : "mpirun") + " --oversubscribe";
  if (::geteuid() == 0) cmd += " --allow-run-as-root";
  return cmd + " -np " + std::to_string(ranks) + " ";
}

inline std::string ganglion_cmd() { return "'" + ganglion_binary() + "' "; }

}  // namespace ganglion::testing
