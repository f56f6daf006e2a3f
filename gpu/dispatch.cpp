// Strategy rules; see dispatch.hpp. The thresholds come from `ganglion bench activate` on an H100
// (docs/benchmarks.md).
#include "gpu/dispatch.hpp"

#include <algorithm>

#include "core/config/registered_names.hpp"
#include "core/error.hpp"
#include "gpu/shared_layout.hpp"

namespace ganglion {

const std::vector<std::string>& kernel_strategy_names() {
  static const std::vector<std::string> names = {"auto", "level", "block", "warp", "global", "subwarp", "paper"};
  return names;
}

// The config loader checks `cuda.kernel` against these names when a config is loaded.
static const ConfigNamesRegistration kernel_names_for_config("cuda.kernel", [] { return kernel_strategy_names(); });

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

uint32_t round_up32(size_t x) { return uint32_t(shared_layout::align_up(std::max<size_t>(x, 1), 32)); }

}  // namespace

size_t staged_unit_bytes(const PopulationShape& s, uint32_t row_tile) {
  return shared_layout::staged_unit(s.max_nodes, s.max_edges, s.max_levels, row_tile).bytes;
}

size_t subwarp_unit_bytes(const PopulationShape& s, uint32_t row_tile) {
  return shared_layout::subwarp_values_bytes(s.max_nodes, row_tile);
}

size_t network_blob_bytes(uint32_t nodes, uint32_t edges, uint32_t level_starts, uint32_t outputs) {
  return shared_layout::PackedRecord::bytes(nodes, edges, level_starts, outputs);
}

size_t subwarp_staged_unit_bytes(const PopulationShape& s, uint32_t row_tile) {
  return shared_layout::subwarp_staged_record_at(s.max_nodes, row_tile) + s.max_blob_bytes;
}

uint32_t resident_warps(const DeviceLimits& limits, uint32_t threads, size_t shared) {
  uint32_t blocks = std::min(limits.blocks_per_sm, limits.threads_per_sm / std::max(threads, 1u));
  if (shared) blocks = std::min<size_t>(blocks, limits.shared_per_sm / (shared + 1024));  // 1 KiB reserved per block
  return blocks * ((threads + 31) / 32);
}

LaunchPlan plan_launch(KernelStrategy requested, const PopulationShape& shape, size_t rows, const DeviceLimits& limits,
                       const PlanTuning& tuning) {
  LaunchPlan p;
  const size_t smem = limits.shared_per_block;
  const size_t rows1 = std::max<size_t>(rows, 1);
  auto unit = [&](uint32_t tile) { return staged_unit_bytes(shape, tile); };
  const bool tpr_allowed = rows >= 32 && tuning.thread_per_row != 0;
  const bool tpr_forced = tuning.thread_per_row == 1 && rows >= 32;

  // Thread per row: the tile (a multiple of 32, at most 128) that keeps the most warps resident.
  auto tpr_tile = [&](bool staged) -> uint32_t {
    if (tuning.row_tile) return staged && unit(tuning.row_tile) > smem ? 0 : tuning.row_tile;
    uint32_t best = 0, best_warps = 0;
    for (uint32_t tile = std::min<uint32_t>(128, round_up32(rows) - (rows % 32 ? 32 : 0)); tile >= 32; tile -= 32) {
      if (staged && unit(tile) > smem) continue;
      const uint32_t w = resident_warps(limits, tile, staged ? unit(tile) : 0);
      if (w > best_warps) best = tile, best_warps = w;
    }
    return best;
  };
  // Walking levels: `group` threads over (node of a level, row); the largest tile (at most 32
  // rows) that still lets two blocks share a multiprocessor.
  auto lp_tile = [&](uint32_t group, bool staged) -> uint32_t {
    if (tuning.row_tile) return staged && unit(tuning.row_tile) > smem ? 0 : tuning.row_tile;
    uint32_t tile = uint32_t(std::min<size_t>(rows1, 32));
    if (!staged) return tile;
    while (tile > 1 && (unit(tile) > smem || resident_warps(limits, group, unit(tile)) < 2 * group / 32)) tile /= 2;
    return unit(tile) <= smem ? tile : 0;
  };

  auto block_plan = [&](LaunchPlan& q) -> bool {
    q.strategy = KernelStrategy::Block;
    q.groups_per_block = 1;
    if (tpr_allowed) {
      const uint32_t tile = tpr_tile(true);
      // A thread per row needs enough resident warps to hide shared-memory latency; large
      // networks leave too few, and walking levels with more threads wins.
      if (tile && (tpr_forced || resident_warps(limits, tile, unit(tile)) >= 8)) {
        q.group = q.row_tile = tile;
        q.thread_per_row = true;
        q.shared_bytes = unit(tile);
        return true;
      }
    }
    // Walking levels: 64 threads suit networks of a few hundred nodes on few rows (more of them
    // per multiprocessor), 256 larger networks or many rows.
    q.group = tuning.group ? tuning.group : (rows < 32 && shape.max_nodes <= 512 ? 64 : 256);
    const uint32_t tile = lp_tile(q.group, true);
    if (!tile) return false;
    q.row_tile = tile;
    q.thread_per_row = false;
    q.shared_bytes = unit(tile);
    return true;
  };
  // Warp: one warp per unit, up to 4 units per block; a lane per row with 32 rows or more.
  auto warp_plan = [&](LaunchPlan& q) -> bool {
    q.strategy = KernelStrategy::Warp;
    q.group = 32;
    q.thread_per_row = tpr_allowed;
    q.row_tile = q.thread_per_row ? 32 : (tuning.row_tile ? tuning.row_tile : uint32_t(std::min<size_t>(rows1, 32)));
    for (uint32_t units = 4; units >= 1; units /= 2) {
      if (unit(q.row_tile) * units <= smem) {
        q.groups_per_block = units;
        q.shared_bytes = unit(q.row_tile) * units;
        return true;
      }
    }
    return false;
  };
  auto global_plan = [&](LaunchPlan& q) {
    q.strategy = KernelStrategy::Global;
    q.groups_per_block = 1;
    q.shared_bytes = 0;
    if (tpr_allowed) {
      q.group = q.row_tile = tpr_tile(false);
      q.thread_per_row = true;
    } else {
      q.group = tuning.group ? tuning.group : 128;
      q.row_tile = lp_tile(q.group, false);
      q.thread_per_row = false;
    }
  };
  // Subwarp: a group of lanes per (network, row tile); by default as many lanes as a level has
  // (node, row) items on average, a power of two from 1 to 32; 128-thread blocks, fewer when the
  // values of that many units do not fit in shared memory.
  auto subwarp_plan = [&](LaunchPlan& q) -> bool {
    q.strategy = KernelStrategy::Subwarp;
    q.thread_per_row = false;
    q.row_tile = tuning.row_tile ? tuning.row_tile : uint32_t(std::min<size_t>(rows1, 32));
    uint32_t g = tuning.group;
    if (g == 0) {
      const size_t width = (size_t(shape.max_nodes) + std::max(shape.max_levels, 1u) - 1) / std::max(shape.max_levels, 1u);
      const size_t items = width * q.row_tile;
      g = 1;
      while (g < 32 && g < items) g *= 2;
    }
    if (g > 32 || (g & (g - 1)) != 0)
      throw Error("cuda.kernel: subwarp: a group of " + std::to_string(g) + " lanes; valid: 1, 2, 4, 8, 16 or 32");
    q.group = g;
    // Units per block: 128 threads' worth, fewer when their shared memory does not fit.
    auto fit = [&](size_t unit_bytes, LaunchPlan& r) -> bool {
      for (uint32_t threads = std::max<uint32_t>(128, g); threads >= g; threads /= 2) {
        const uint32_t units = threads / g;
        if (unit_bytes * units <= smem) {
          r.groups_per_block = units;
          r.shared_bytes = unit_bytes * units;
          return true;
        }
        if (threads == g) break;
      }
      return false;
    };
    // Staged: the packed record keeps local edge and node indices in 16 bits.
    const bool stageable = shape.max_edges < 65536 && shape.max_nodes < 65536;
    if (tuning.staged == 1 && !stageable)
      throw Error("cuda.kernel: subwarp: the largest network (" + std::to_string(shape.max_nodes) + " nodes, " +
                  std::to_string(shape.max_edges) +
                  " edges) is too large to stage in shared memory (at most 65,535 of each)");
    if (tuning.staged != 0 && stageable) {
      LaunchPlan st = q;
      st.staged = true;
      if (fit(subwarp_staged_unit_bytes(shape, q.row_tile), st)) {
        // Left to the rule, staging is worth its shared memory while 16 warps per
        // multiprocessor stay resident, or while the whole population fits in one wave (measured
        // at 1 row on an H200, docs/benchmarks.md: 16 and 64 nodes at every population, 256
        // nodes at 1,000 networks gain; 256 nodes at 10,000 and 100,000, 4 warps per
        // multiprocessor, lose 1.6-2.8x).
        const uint32_t resident = resident_warps(limits, st.group * st.groups_per_block, st.shared_bytes);
        const uint64_t units = uint64_t(shape.networks) * ((rows1 + q.row_tile - 1) / q.row_tile);
        const uint64_t warps = (units * g + 31) / 32;
        if (tuning.staged == 1 || resident >= 16 ||
            warps <= uint64_t(resident) * uint64_t(std::max(limits.multiprocessors, 1))) {
          q = st;
          return true;
        }
      } else if (tuning.staged == 1) {
        q.staged = true;
        return false;
      }
    }
    q.staged = false;
    return fit(subwarp_unit_bytes(shape, q.row_tile), q);
  };
  auto level_plan = [&](LaunchPlan& q) {
    q.strategy = KernelStrategy::Level;
    q.group = 256;
    q.groups_per_block = 1;
    q.row_tile = uint32_t(rows1);
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
    case KernelStrategy::Paper:
      level_plan(p);
      p.strategy = KernelStrategy::Paper;
      p.why = "forced by cuda.kernel: one network at a time, a launch per level";
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
    case KernelStrategy::Subwarp:
      if (!subwarp_plan(p))
        throw Error("cuda.kernel: subwarp: " +
                    std::string(p.staged ? "the largest network (" : "the values of the largest network (") +
                    std::to_string(shape.max_nodes) + " nodes" +
                    (p.staged ? ", " + std::to_string(shape.max_edges) + " edges" : std::string()) + ") for " +
                    std::to_string(p.row_tile) + " rows do not fit in " + std::to_string(smem / 1024) +
                    " KiB of shared memory; use global, level or auto");
      p.why = "forced by cuda.kernel";
      return p;
    case KernelStrategy::Auto:
    default:
      break;
  }
  // Auto (measured on an H100, docs/benchmarks.md). 32 rows or more: a block per (network, row
  // tile), a thread per row while that keeps 8 warps per multiprocessor, else walking levels
  // with 32-row tiles; when not even that fits twice per multiprocessor (about 1,000 nodes),
  // values in global memory with a thread per row (L1/L2 serve them) beat a thin shared tile.
  // Under 32 rows: a warp per network up to 128 nodes, else a block walking the levels.
  if (rows >= 32) {
    LaunchPlan b;
    if (block_plan(b) && (b.thread_per_row || b.row_tile >= 32)) {
      p = b;
      p.why = p.thread_per_row ? "32 rows or more: a thread per row, network in shared memory"
                               : "32 rows or more, large networks: a block walks the levels, 32-row tiles";
      return p;
    }
    global_plan(p);
    p.why = "32 rows or more, networks too large for a 32-row shared tile: a thread per row, values in global memory";
    return p;
  }
  // Few rows (measured at 1 row, commit d9e4f52): several networks per warp beats a warp or a
  // block per network (16 nodes: 0.021 against 0.025 ms at 10,000 networks, 0.057 against 0.13 at
  // 100,000; 64 nodes, 8 lanes: 0.057 against 0.068 and 0.24 against 0.43; 256 nodes: 0.17
  // against 0.26 and 0.87 against 2.1). Lanes per network by population and size (staged
  // subwarp, H100, docs/benchmarks.md run 4): populations of up to 16 networks per SM get a warp
  // each (32 lanes: every size from 16 to 192 nodes, 10-30% faster than 4 or 8); up to 160 per
  // SM, networks of 64 nodes or more get 16 (64-192 nodes at 10,000: 10-20% faster than 8; run 2
  // found 16 best for 256 nodes at 10,000 too); larger populations 8, and 4 for networks of up to
  // 24 nodes (16 nodes: 4 is best from 10,000 on, 32 nodes: 8, by up to 20%). Under 8 rows only:
  // from 2 to 31 rows nothing was measured, and a tile of many rows gives each group of lanes
  // much more work per level.
  if (rows < 8 && shape.max_nodes <= 256 && tuning.group == 0) {
    const uint64_t sms = uint64_t(std::max(limits.multiprocessors, 1));
    PlanTuning t = tuning;
    std::string why;
    if (shape.networks <= 16 * sms) {
      t.group = 32;
      why = "under 8 rows, up to 256 nodes, at most 16 networks per SM: a warp per network";
    } else if (shape.networks <= 160 * sms && shape.max_nodes >= 64) {
      t.group = 16;
      why = "under 8 rows, 64-256 nodes, at most 160 networks per SM: 16 lanes per network";
    } else if (shape.max_nodes <= 24) {
      t.group = 4;
      why = "under 8 rows, networks up to 24 nodes: 4 lanes per network";
    } else {
      t.group = 8;
      why = "under 8 rows, networks up to 256 nodes: 8 lanes per network";
    }
    LaunchPlan q = plan_launch(KernelStrategy::Subwarp, shape, rows, limits, t);
    q.why = why;
    return q;
  }
  // Larger networks on few rows, in populations that fill the card (measured at 1 row on an H100,
  // 1,024 nodes): a warp per network with only the values in shared memory (subwarp, 32 lanes)
  // beats a block walking the levels from 3,000 networks on (0.24 against 0.47 ms at 3,000, 0.47
  // against 1.44 at 10,000, 3.8 against 13.7 at 100,000); at 1,000 the block is faster (0.19 against
  // 0.23): too few warps to hide the latency.
  if (rows < 8 && shape.max_nodes > 256 && tuning.group == 0 &&
      shape.networks >= 16u * uint32_t(std::max(limits.multiprocessors, 1))) {
    PlanTuning t = tuning;
    t.group = 32;
    if (subwarp_unit_bytes(shape, uint32_t(rows1)) * 4 <= smem) {
      LaunchPlan q = plan_launch(KernelStrategy::Subwarp, shape, rows, limits, t);
      q.why = "under 8 rows, networks over 256 nodes, at least 16 per SM: a warp per network, values in shared memory";
      return q;
    }
  }
  if (shape.max_nodes <= 128 && warp_plan(p)) {
    p.why = "under 32 rows, networks up to 128 nodes: a warp per network";
    return p;
  }
  if (block_plan(p)) {
    p.why = "under 32 rows, networks over 128 nodes: a block per network walks the levels";
    return p;
  }
  global_plan(p);
  p.why = too_big + ": values in global memory";
  return p;
}

}  // namespace ganglion
