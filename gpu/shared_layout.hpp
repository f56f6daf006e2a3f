// Byte layouts the CUDA kernels and the dispatcher must agree on, described once: a staged unit of
// the group kernel (block and warp strategies) in shared memory, the packed record of one network
// that the staged subwarp kernel copies into shared memory, and a subwarp unit. The kernels
// (gpu/kernels.cuh) place their pointers by these offsets; the dispatcher (gpu/dispatch.cpp) and the
// evaluator (gpu/cuda_evaluator.cu) size shared memory and records by them. Plain C++ for both
// compilers.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/hostdevice.hpp"

namespace ganglion::shared_layout {

GANGLION_HD constexpr size_t align_up(size_t x, size_t a) { return (x + a - 1) / a * a; }

// A staged unit of the group kernel, from a 16-byte aligned base: feed-forward edges as (byte
// offset of the source's values within the unit's values, weight bits) pairs (8 bytes), node
// values [node][row_tile] (4 bytes), local edge offsets (nodes + 1), bias, response, level starts
// (levels + 1; 4 bytes each), activation and aggregation (1 byte each); the whole padded to 16
// bytes. Offsets in bytes.
struct StagedUnit {
  size_t edge, val, ro, bias, resp, ls, act, agg, bytes;
};

// `max_levels` counts the deepest network's levels, level 0 included (PopulationShape::max_levels).
GANGLION_HD constexpr StagedUnit staged_unit(uint32_t max_nodes, uint32_t max_edges, uint32_t max_levels,
                                             uint32_t row_tile) {
  StagedUnit u{};
  size_t b = 0;
  u.edge = b;
  b += size_t(max_edges) * 8;
  u.val = b;
  b += size_t(max_nodes) * row_tile * 4;
  u.ro = b;
  b += (size_t(max_nodes) + 1) * 4;
  u.bias = b;
  b += size_t(max_nodes) * 4;
  u.resp = b;
  b += size_t(max_nodes) * 4;
  u.ls = b;
  b += (size_t(max_levels) + 1) * 4;
  u.act = b;
  b += max_nodes;
  u.agg = b;
  b += max_nodes;
  u.bytes = align_up(b, 16);
  return u;
}

// The packed record of one network, in 4-byte words from a 16-byte aligned start:
//   header (8 words): nodes, edges, level starts, first computed node, first global node, 0, 0, 0
//   nodes (4 words each): e_begin | e_end << 16 (local edge indices), activation | aggregation << 8,
//                         bias bits, response bits
//   edges (2 words each): local source node, weight bits
//   level starts (local node indices), output nodes (local)
// so that a unit copies its network in 16-byte pieces and reads a node's parameters in one load.
// Local indices in 16 bits: only networks of fewer than 65,536 nodes and edges are packed.
struct PackedRecord {
  static constexpr uint32_t kHeaderWords = 8;
  static constexpr uint32_t kNodeWords = 4;
  static constexpr uint32_t kEdgeWords = 2;
  GANGLION_HD static constexpr size_t node_word() { return kHeaderWords; }
  GANGLION_HD static constexpr size_t edge_word(uint32_t nodes) { return kHeaderWords + size_t(kNodeWords) * nodes; }
  GANGLION_HD static constexpr size_t level_start_word(uint32_t nodes, uint32_t edges) {
    return edge_word(nodes) + size_t(kEdgeWords) * edges;
  }
  GANGLION_HD static constexpr size_t output_word(uint32_t nodes, uint32_t edges, uint32_t level_starts) {
    return level_start_word(nodes, edges) + level_starts;
  }
  // The record's size, padded to 16 bytes.
  GANGLION_HD static constexpr size_t bytes(uint32_t nodes, uint32_t edges, uint32_t level_starts, uint32_t outputs) {
    return align_up(4 * (output_word(nodes, edges, level_starts) + outputs), 16);
  }
};

// A subwarp unit that keeps only its values in shared memory: [node][row_tile] floats, an odd
// number of them so that groups of one lane hit distinct banks.
GANGLION_HD constexpr size_t subwarp_values_bytes(uint32_t max_nodes, uint32_t row_tile) {
  return (size_t(max_nodes > 1 ? max_nodes : 1) * row_tile | 1) * 4;
}

// A staged subwarp unit: its values, padded to 16 bytes, then the largest network's record (which
// starts at this offset).
GANGLION_HD constexpr size_t subwarp_staged_record_at(uint32_t max_nodes, uint32_t row_tile) {
  return align_up(size_t(max_nodes > 1 ? max_nodes : 1) * row_tile * 4, 16);
}

}  // namespace ganglion::shared_layout
