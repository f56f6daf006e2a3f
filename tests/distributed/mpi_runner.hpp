// The command lines of the mpirun tests: mpirun with --oversubscribe (the 2-core CI machine runs
// more ranks than it has cores) and, as root, --allow-run-as-root; the ganglion under test.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
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

// The command of a rank that runs `ganglion run ARGS` and kills it (SIGKILL), then itself, once
// `wait_for` exists: an MPMD job's second part ("mpirun -np 1 A : -np 1 KILLER").
inline std::string killing_rank(const std::string& run_args, const std::filesystem::path& wait_for) {
  return "sh -c '" + ganglion_binary() + " run " + run_args + " & p=$!; while [ ! -e " + wait_for.string() +
         " ]; do sleep 0.02; done; kill -9 $p; kill -9 $$'";
}

// The generation of the newest checkpoint (ckpt-N.gck) in `checkpoints`; 0 when there is none.
inline uint64_t newest_checkpoint(const std::filesystem::path& checkpoints) {
  uint64_t newest = 0;
  for (const auto& e : std::filesystem::directory_iterator(checkpoints)) {
    const std::string n = e.path().filename().string();
    if (n.rfind("ckpt-", 0) == 0 && e.path().extension() == ".gck")
      newest = std::max<uint64_t>(newest, std::stoull(n.substr(5, n.size() - 9)));
  }
  return newest;
}

}  // namespace ganglion::testing
