// The distributed section, read by the `ganglion` program when it runs as several MPI ranks
// (docs/distributed.md: shard mode, one population whose networks the ranks evaluate in shares,
// with the one-process run's result for any number of ranks). A run started as one process
// ignores it. Key table format: core/config/settings.hpp.
#pragma once

#include <cstdint>
#include <utility>

#include "core/config/settings.hpp"

namespace ganglion {

// How the ranks of an MPI job share a run: one population whose networks they evaluate in shares
// (the one-process run's result), or one population per rank with migrants between them.
enum class DistributedMode { Shard, Islands };

template <>
struct EnumWords<DistributedMode> {
  static constexpr const char* what = "mode";
  static constexpr std::pair<const char*, DistributedMode> words[] = {{"shard", DistributedMode::Shard},
                                                                      {"islands", DistributedMode::Islands}};
};

// Where islands send their migrants: to the next rank (r + 1 mod K), or along a cycle drawn
// each migration from the run's seed and the generation (every island sends to one other and
// receives from one other; the same for a given seed and K).
enum class IslandTopology { Ring, Random };

template <>
struct EnumWords<IslandTopology> {
  static constexpr const char* what = "topology";
  static constexpr std::pair<const char*, IslandTopology> words[] = {{"ring", IslandTopology::Ring},
                                                                     {"random", IslandTopology::Random}};
};

// divide_threads may change on resume: it decides where the work runs, never what it computes.
// The islands keys decide what an islands run computes, so they may not.
#define GANGLION_DISTRIBUTED_SETTINGS(KEY, SUB)                                                             \
  KEY(bool, divide_threads, true, any(), may_change,                                                      \
      "under MPI with threads = 0: each rank takes its host's cores divided by the ranks on that host")      \
  KEY(DistributedMode, mode, DistributedMode::Shard, any(), fixed,                                          \
      "under MPI: shard (one population, each rank evaluates a share: the one-process run) or islands "     \
      "(one population per rank, migrants between them)")                                                   \
  KEY(uint32_t, migrants, 2, at_least(0), fixed,                                                            \
      "islands: the best genomes each island sends every interval generations (0: none)")                  \
  KEY(uint32_t, interval, 10, at_least(1), fixed, "islands: generations between migrations")                \
  KEY(IslandTopology, topology, IslandTopology::Ring, any(), fixed,                                         \
      "islands: ring (to the next rank) or random (a cycle through all islands drawn from the seed each migration)")

struct DistributedConfig {
  GANGLION_DISTRIBUTED_SETTINGS(GANGLION_SETTING_FIELD, GANGLION_SETTING_FIELD)
  GANGLION_SETTINGS_DESCRIBE(DistributedConfig, GANGLION_DISTRIBUTED_SETTINGS)
};

}  // namespace ganglion
