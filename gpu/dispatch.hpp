// The dispatch layer of the CUDA evaluator (CUB-style): looks at the shape of a loaded population
// and the batch (largest network, deepest network, rows, recurrence, the device's shared memory)
// and picks a kernel strategy and its launch shape. The kernels (gpu/kernels.cuh) know nothing of
// the choice. Host-only code, so the rules can be read and tested without a device.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ganglion {

enum class KernelStrategy {
  Auto,
  Level,   // the paper's scheme: one thread per (node, row), one launch per dependency level
  Block,   // one block per (network, row tile), the network staged in shared memory
  Warp,    // one warp per (network, row tile), several networks per block
  Global,  // one block per (network, row tile), values in global memory (networks too big for shared memory)
  Subwarp, // a group of 1-32 lanes per (network, row tile), several networks per warp; values in shared memory
  Paper,   // the paper as published: one network at a time, a launch per level of that network (a baseline)
};

// "auto", "level", "block", "warp", "global", "subwarp", "paper": the values of `cuda.kernel`.
const std::vector<std::string>& kernel_strategy_names();
std::string kernel_strategy_name(KernelStrategy s);
// Throws ganglion::Error naming `where` and the valid names for an unknown name.
KernelStrategy parse_kernel_strategy(const std::string& name, const std::string& where = "cuda.kernel");

// What the dispatcher needs to know about the population (computed once per load()).
struct PopulationShape {
  uint32_t networks = 0;
  uint32_t max_nodes = 0;      // including inputs and bias nodes
  uint32_t max_edges = 0;      // feed-forward edges of the largest network (by edges)
  uint32_t max_levels = 0;     // level_start entries - 1 of the deepest network (level 0 included)
  uint32_t num_outputs = 0;
  size_t max_blob_bytes = 0;   // largest network_blob_bytes() of a network
  uint64_t total_nodes = 0;
  bool recurrent = false;
};

struct DeviceLimits {
  size_t shared_per_block = 48 * 1024;  // usable dynamic shared memory per block (opt-in limit)
  size_t shared_per_sm = 100 * 1024;    // shared memory of one multiprocessor
  uint32_t threads_per_sm = 2048;
  uint32_t blocks_per_sm = 32;
  int multiprocessors = 1;
};

// Overrides of the rules below, for benchmarks and experiments (`ganglion bench activate
// --variants`); the defaults let the rules decide.
struct PlanTuning {
  int thread_per_row = -1;  // block/warp/global: 1 = a thread per row (needs 32 rows or more), 0 = walk levels
  uint32_t row_tile = 0;    // rows per unit
  uint32_t group = 0;       // threads per unit when walking levels (block/global: multiple of 32;
                            // subwarp: 1, 2, 4, 8, 16 or 32)
  int staged = -1;          // subwarp: 1 = the network's packed record copied into shared memory, 0 = only its values
};

// How one activate() runs.
struct LaunchPlan {
  KernelStrategy strategy = KernelStrategy::Level;
  uint32_t group = 0;             // threads that work on one (network, row tile) unit
  uint32_t groups_per_block = 1;  // units per block (warp strategy: several)
  uint32_t row_tile = 0;          // rows per unit
  bool thread_per_row = false;    // group == row_tile: each thread owns one row, no barriers between levels
  bool staged = false;            // subwarp: the network's packed record copied into shared memory first
  size_t shared_bytes = 0;        // dynamic shared memory per block
  std::string why;                // one line: why this plan (for logs and the benchmark table)
};

// Shared memory one unit needs to stage a network of the given shape with `row_tile` rows. This and
// the sizes below read the byte layouts of gpu/shared_layout.hpp.
size_t staged_unit_bytes(const PopulationShape& shape, uint32_t row_tile);

// Picks the plan for `requested` (Auto: by shape). A forced strategy that cannot run this shape
// (block/warp on networks larger than shared memory) throws an Error that says so and names the
// strategies that can.
LaunchPlan plan_launch(KernelStrategy requested, const PopulationShape& shape, size_t rows, const DeviceLimits& limits,
                       const PlanTuning& tuning = {});

// Shared memory one subwarp unit needs: the values alone, an odd number of floats (bank spread).
size_t subwarp_unit_bytes(const PopulationShape& shape, uint32_t row_tile);
// A network packed into one record for the staged subwarp kernel (kernels::pack_networks_kernel
// writes it, 16-byte aligned): a 32-byte header, 16 bytes per node, 8 per edge, 4 per level
// start and per output.
size_t network_blob_bytes(uint32_t nodes, uint32_t edges, uint32_t level_starts, uint32_t outputs);
// Shared memory of one staged subwarp unit: the values (padded to 16 bytes), then the largest
// network's record.
size_t subwarp_staged_unit_bytes(const PopulationShape& shape, uint32_t row_tile);

// Resident warps per multiprocessor for blocks of `threads` threads using `shared` bytes each.
uint32_t resident_warps(const DeviceLimits& limits, uint32_t threads, size_t shared);

}  // namespace ganglion
