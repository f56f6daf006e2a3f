// Strategy rules; see dispatch.hpp. The thresholds come from `ganglion bench activate` on an H100
// (docs/benchmarks.md).
#include "gpu/dispatch.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace ganglion {

const std::vector<std::string>& kernel_strategy_names() {
  static const std::vector<std::string> names = {"auto", "level", "block", "warp", "global"};
  return names;
}

std::string kernel_strategy_name(KernelStrategy s) {
  return kernel_strategy_names()[static_cast<size_t>(s)];
}

KernelStrategy parse_kernel_strategy(const std::string& name, const std::string& where) {
  const auto& names = kernel_strategy_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<KernelStrategy>(i);
  std::string valid;
  for (const auto& n : names) valid += (valid.empty() ? "" : ", ") + n;
  throw Error(where + ": unknown kernel '" + name + "'; valid kernels: " + valid);
}

namespace {

size_t align_up(size_t x, size_t a) { return (x + a - 1) / a * a; }

uint32_t round_up32(size_t x) { return uint32_t(align_up(std::max<size_t>(x, 1), 32)); }

}  // namespace

size_t staged_unit_bytes(const PopulationShape& s, uint32_t row_tile) {
  // Mirrors StagedUnit in kernels.cuh: edges (8 B), values (4 B x rows), local row offsets,
  // bias, response (4 B each), level starts (4 B), activation + aggregation (1 B each).
  size_t b = size_t(s.max_edges) * 8;
  b += size_t(s.max_nodes) * row_tile * 4;
  b += (size_t(s.max_nodes) + 1) * 4;
  b += size_t(s.max_nodes) * 8;
  b += (size_t(s.max_levels) + 1) * 4;
  b += size_t(s.max_nodes) * 2;
  return align_up(b, 16);
}

LaunchPlan plan_launch(KernelStrategy requested, const PopulationShape& shape, size_t rows, const DeviceLimits& limits) {
  LaunchPlan p;
  const size_t smem = limits.shared_per_block;
  auto fits = [&](uint32_t tile, uint32_t units) { return staged_unit_bytes(shape, tile) * units <= smem; };

  // Block: thread per row for batches of 32 rows or more (largest tile up to 128 that fits), else
  // threads over (node of a level, row) with a barrier between levels.
  auto block_plan = [&](LaunchPlan& q) -> bool {
    q.strategy = KernelStrategy::Block;
    q.groups_per_block = 1;
    if (rows >= 32) {
      for (uint32_t tile = std::min<uint32_t>(128, round_up32(rows)); tile >= 32; tile -= 32) {
        if (fits(tile, 1)) {
          q.group = q.row_tile = tile;
          q.thread_per_row = true;
          q.shared_bytes = staged_unit_bytes(shape, tile);
          return true;
        }
      }
      // Fall through to fewer rows per block, level-parallel.
    }
    for (uint32_t tile = uint32_t(std::min<size_t>(rows, 16)); tile >= 1; tile /= 2) {
      if (fits(tile, 1)) {
        q.group = 128;
        q.row_tile = tile;
        q.thread_per_row = false;
        q.shared_bytes = staged_unit_bytes(shape, tile);
        return true;
      }
      if (tile == 1) break;
    }
    return false;
  };
  // Warp: one warp per unit, 4 units per block; a lane per row when there are 32 rows or more.
  auto warp_plan = [&](LaunchPlan& q) -> bool {
    q.strategy = KernelStrategy::Warp;
    q.group = 32;
    q.row_tile = rows >= 32 ? 32 : uint32_t(std::max<size_t>(rows, 1));
    q.thread_per_row = rows >= 32;
    for (uint32_t units = 4; units >= 1; units /= 2) {
      if (fits(q.row_tile, units)) {
        q.groups_per_block = units;
        q.shared_bytes = staged_unit_bytes(shape, q.row_tile) * units;
        return true;
      }
      if (units == 1) break;
    }
    return false;
  };
  auto global_plan = [&](LaunchPlan& q) {
    q.strategy = KernelStrategy::Global;
    q.groups_per_block = 1;
    q.shared_bytes = 0;
    if (rows >= 32) {
      q.group = q.row_tile = std::min<uint32_t>(128, round_up32(rows));
      q.thread_per_row = true;
    } else {
      q.group = 128;
      q.row_tile = uint32_t(std::max<size_t>(rows, 1));
      q.thread_per_row = false;
    }
  };
  auto level_plan = [&](LaunchPlan& q) {
    q.strategy = KernelStrategy::Level;
    q.group = 256;
    q.groups_per_block = 1;
    q.row_tile = uint32_t(std::max<size_t>(rows, 1));
    q.thread_per_row = false;
    q.shared_bytes = 0;
  };

  const std::string too_big = "the largest network (" + std::to_string(shape.max_nodes) + " nodes, " +
                              std::to_string(shape.max_edges) + " edges) does not fit in " +
                              std::to_string(smem / 1024) + " KiB of shared memory";
  switch (requested) {
    case KernelStrategy::Level:
      level_plan(p);
      p.why = "forced by cuda.kernel";
      return p;
    case KernelStrategy::Global:
      global_plan(p);
      p.why = "forced by cuda.kernel";
      return p;
    case KernelStrategy::Block:
      if (!block_plan(p)) throw Error("cuda.kernel: block: " + too_big + "; use global, level or auto");
      p.why = "forced by cuda.kernel";
      return p;
    case KernelStrategy::Warp:
      if (!warp_plan(p)) throw Error("cuda.kernel: warp: " + too_big + "; use global, level or auto");
      p.why = "forced by cuda.kernel";
      return p;
    case KernelStrategy::Auto:
    default:
      break;
  }
  // Auto. Many rows: a thread per row, whole network staged per block (edge data read once per
  // block, broadcast from shared memory to every row). Few rows: a warp per network keeps the
  // lanes busy on small networks; wide networks want a whole block per level.
  if (rows >= 32) {
    if (block_plan(p)) {
      p.why = "rows >= 32: a thread per row, network in shared memory";
      return p;
    }
  } else if (shape.max_nodes <= 512) {
    if (warp_plan(p)) {
      p.why = "rows < 32, networks <= 512 nodes: a warp per network";
      return p;
    }
  } else if (block_plan(p)) {
    p.why = "rows < 32, networks > 512 nodes: a block per network";
    return p;
  }
  global_plan(p);
  p.why = too_big + ": values in global memory";
  return p;
}

}  // namespace ganglion
