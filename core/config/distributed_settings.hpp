// The distributed section, read by the `ganglion` program when it runs as several MPI ranks
// (docs/distributed.md: shard mode, one population whose networks the ranks evaluate in shares,
// with the one-process run's result for any number of ranks). A run started as one process
// ignores it. Key table format: core/config/settings.hpp.
#pragma once

#include "core/config/settings.hpp"

namespace ganglion {

// It may change on resume: it decides where the work runs, never what it computes.
#define GANGLION_DISTRIBUTED_SETTINGS(KEY, SUB)                                                             \
  KEY(bool, divide_threads, true, any(), may_change,                                                      \
      "under MPI with threads = 0: each rank takes its host's cores divided by the ranks on that host")

struct DistributedConfig {
  GANGLION_DISTRIBUTED_SETTINGS(GANGLION_SETTING_FIELD, GANGLION_SETTING_FIELD)
  GANGLION_SETTINGS_DESCRIBE(DistributedConfig, GANGLION_DISTRIBUTED_SETTINGS)
};

}  // namespace ganglion
