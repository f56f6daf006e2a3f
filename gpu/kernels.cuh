// The agents of the CUDA evaluator: kernels that activate networks of a PopulationLayout on a batch
// of rows. They know nothing of how they were chosen (gpu/dispatch.hpp decides); every strategy
// computes a node through the node update of core/network/node_update.hpp, as the CPU evaluator does
// (aggregate the weighted feed-forward inputs in CSR order, then the recurrent ones from the
// previous step's values, then activation(bias + response * aggregate)); built with --fmad=false,
// the outputs are the CPU's bits. Every kernel also comes as kFast = true (cuda.exact: false):
// node_update<float, true>, fused multiply-adds and the device's exp, faster and not bit-identical.
//
// Value storage: the group kernel keeps a unit's values in shared memory as [node][row_tile]
// (consecutive rows in consecutive banks: a warp reading one source node for 32 rows never
// conflicts); the level and global kernels keep them in global memory as [global node][rows].
// Recurrent state has the global layout [global node][rows]: previous step in state_prev, this
// step written to state_next (the host swaps them).
#pragma once

#include <cstdint>

#include <cuda_pipeline.h>

#include "core/network/node_update.hpp"
#include "gpu/device_layout.cuh"
#include "gpu/shared_layout.hpp"

namespace ganglion::kernels {

struct ActivateArgs {
  DeviceLayout L;
  const uint4* blob = nullptr;             // staged subwarp: packed records (PackedNetwork)
  const uint32_t* blob_offset = nullptr;   // networks + 1, in 16-byte units
  const float* inputs = nullptr;  // [rows][ni] or [networks][rows][ni]
  uint32_t rows = 0;
  bool per_network = false;
  float* outputs = nullptr;           // [networks][rows][no]
  const float* state_prev = nullptr;  // recurrent populations only
  float* state_next = nullptr;        // written by the group kernel (the others write `values`)
  float* values = nullptr;            // level/global: [global node][rows]
};

// Launch shape of the group kernel (a unit = one network x one tile of rows).
struct GroupShape {
  uint32_t group = 32;  // threads per unit
  uint32_t row_tile = 1;
  uint32_t row_tiles = 1;  // per network
  uint64_t units = 0;
  uint32_t max_nodes = 0;
  uint32_t max_edges = 0;
  uint32_t max_levels = 0;
  uint32_t unit_bytes = 0;  // shared memory per unit
  uint32_t blob_at = 0;     // staged subwarp: where the packed record starts within a unit (bytes)
};

__device__ __forceinline__ float input_value(const ActivateArgs& a, uint32_t n, uint32_t row, uint32_t i) {
  const size_t r = a.per_network ? size_t(n) * a.rows + row : size_t(row);
  return a.inputs[r * a.L.num_inputs + i];
}

// Node values of one unit: value of local node j for tile row r at base[j * stride + r].
struct Values {
  float* base;
  uint32_t stride;
  __device__ __forceinline__ float get(uint32_t j, uint32_t r) const { return base[j * stride + r]; }
  __device__ __forceinline__ void set(uint32_t j, uint32_t r, float v) const { base[j * stride + r] = v; }
};

// How an edge strategy reads edge e for row r: its weight w and its source's value x.
//
// Edges read from shared memory, staged as (src, weight bits) pairs: one 8-byte load per edge,
// the same address for every row-thread (a broadcast).
struct StagedEdges {
  const uint2* edge;
  __device__ __forceinline__ void get(uint32_t e, const Values& V, uint32_t r, float& w, float& x) const {
    const uint2 q = edge[e];
    w = __uint_as_float(q.y);
    x = V.get(q.x, r);
  }
};

// The same with the source stored as the byte offset of its row-0 value within the unit's values
// (offset_of, written when the group kernel stages its network): the value's address is one add
// per edge instead of a multiply-add and a scaled add.
struct StagedEdgeOffsets {
  const uint2* edge;
  // What staging stores for source node `src` of values laid out with `stride` rows per node.
  static __device__ __forceinline__ uint32_t offset_of(uint32_t src, uint32_t stride) {
    return src * stride * uint32_t(sizeof(float));
  }
  __device__ __forceinline__ void get(uint32_t e, const Values& V, uint32_t r, float& w, float& x) const {
    const uint2 q = edge[e];
    w = __uint_as_float(q.y);
    x = *reinterpret_cast<const float*>(reinterpret_cast<const unsigned char*>(V.base + r) + q.x);
  }
};

// Edges read straight from the layout in global memory (global edge indices).
struct GlobalEdges {
  const uint32_t* src;
  const float* weight;
  __device__ __forceinline__ void get(uint32_t e, const Values& V, uint32_t r, float& w, float& x) const {
    w = __ldg(weight + e);
    x = V.get(__ldg(src + e), r);
  }
};

// Node j of a unit: its feed-forward edges and its parameters.
struct NodeInputs {
  uint32_t e_begin, e_end;  // feed-forward edges
  NodeParams<float> node;
};

// The value of one node for one row: the node update of core/network/node_update.hpp. `g` is the
// network's first global node, `row` the batch row (for recurrent state), `r` the row within the
// unit's value storage.
template <bool kFast, class Edges>
__device__ __forceinline__ float compute_node(const ActivateArgs& a, const Edges& E, const Values& V,
                                              const NodeInputs& p, uint32_t g, uint32_t j, uint32_t row,
                                              uint32_t r) {
  const auto ff = [&](uint32_t e, float& w, float& x) { E.get(e, V, r, w, x); };
  const auto rec = [&](uint32_t e, float& w, float& x) {
    const uint32_t s = __ldg(a.L.rec_src + e);
    w = __ldg(a.L.rec_weight + e);
    x = a.state_prev[size_t(g + s) * a.rows + row];
  };
  // Two calls, so that a feed-forward population (no state: the same branch for every thread)
  // runs a node update without the recurrent range's loads and loop.
  if (a.state_prev)
    return node_update<float, kFast>(p.node, p.e_begin, p.e_end, ff, __ldg(a.L.rec_row_offset + g + j),
                                     __ldg(a.L.rec_row_offset + g + j + 1), rec);
  return node_update<float, kFast>(p.node, p.e_begin, p.e_end, ff, 0u, 0u, rec);
}

// Calls f(i / rows, i % rows) for i = t, t + step, ... below count. One row, the common case of
// small batches, skips the integer division (about 20 instructions for a divisor known only at
// run time), in a loop of its own so that the division is not issued predicated off.
template <class F>
__device__ __forceinline__ void for_items(uint32_t t, uint32_t count, uint32_t step, uint32_t rows, F f) {
  if (rows == 1) {
    for (uint32_t i = t; i < count; i += step) f(i, 0u);
  } else {
    for (uint32_t i = t; i < count; i += step) f(i / rows, i % rows);
  }
}

// Output k of tile row r of network n: the value of node output_node(k), written by lane t of a
// group of `group` lanes (outputs of one row, k fastest, as in the host's [networks][rows][no]).
template <class OutputNode>
__device__ __forceinline__ void write_outputs(const ActivateArgs& a, uint32_t n, uint32_t row0, uint32_t tile_rows,
                                              uint32_t t, uint32_t group, const Values& V, OutputNode output_node) {
  const uint32_t no = a.L.num_outputs;
  float* out = a.outputs + (size_t(n) * a.rows + row0) * no;
  if (tile_rows == 1) {
    for (uint32_t k = t; k < no; k += group) out[k] = V.get(output_node(k), 0);
  } else {
    for (uint32_t i = t; i < no * tile_rows; i += group) out[i] = V.get(output_node(i % no), i / no);
  }
}

template <bool kWarp>
__device__ __forceinline__ void group_barrier() {
  if (kWarp)
    __syncwarp();
  else
    __syncthreads();
}

// Shared-memory image of one unit, placed by shared_layout::staged_unit (gpu/shared_layout.hpp),
// which the dispatcher sizes shared memory by.
struct StagedUnit {
  uint2* edge;
  float* val;
  uint32_t* ro;  // local edge offsets, nodes + 1
  float* bias;
  float* resp;
  uint32_t* ls;  // level starts
  uint8_t* act;
  uint8_t* agg;
  __device__ StagedUnit(unsigned char* base, const GroupShape& s) {
    const shared_layout::StagedUnit u = shared_layout::staged_unit(s.max_nodes, s.max_edges, s.max_levels, s.row_tile);
    edge = reinterpret_cast<uint2*>(base + u.edge);
    val = reinterpret_cast<float*>(base + u.val);
    ro = reinterpret_cast<uint32_t*>(base + u.ro);
    bias = reinterpret_cast<float*>(base + u.bias);
    resp = reinterpret_cast<float*>(base + u.resp);
    ls = reinterpret_cast<uint32_t*>(base + u.ls);
    act = base + u.act;
    agg = base + u.agg;
  }
};

// One group of `s.group` threads per unit (network n, rows [row0, row0 + row_tile)).
//   kStaged:      the network (edges, node parameters, level starts) and its values live in
//                 shared memory; else everything is read from / written to global memory.
//   kThreadPerRow: group == row_tile; thread t owns row t of the tile and computes every node
//                 in level order, so no barrier is needed between levels. Otherwise the group
//                 walks the levels: the (node, row) pairs of one level are spread over the
//                 threads, with a group barrier after each level.
//   kWarp:        the group is one warp (barriers are __syncwarp), several units per block.
// Barriers: after staging, after each level (not kThreadPerRow), before writing outputs.
template <bool kStaged, bool kThreadPerRow, bool kWarp, bool kFast>
__global__ void group_kernel(ActivateArgs a, GroupShape s) {
  extern __shared__ __align__(16) unsigned char smem[];
  const uint32_t per_block = blockDim.x / s.group;
  const uint32_t gi = threadIdx.x / s.group;
  const uint32_t t = threadIdx.x % s.group;
  const uint64_t unit = uint64_t(blockIdx.x) * per_block + gi;
  // A block holds either one unit (block-wide barriers) or whole warps: a unit that does not
  // exist leaves as a whole, so no barrier waits for it.
  if (unit >= s.units) return;
  const DeviceLayout& L = a.L;
  const uint32_t n = uint32_t(unit / s.row_tiles);
  const uint32_t row0 = uint32_t(unit % s.row_tiles) * s.row_tile;
  const uint32_t tile_rows = min(s.row_tile, a.rows - row0);
  const uint32_t g = L.node_offset[n];
  const uint32_t nodes = L.node_offset[n + 1] - g;
  const uint32_t e0 = L.edge_offset[n];
  const uint32_t lo = L.level_offset[n];
  const uint32_t nls = L.level_offset[n + 1] - lo;  // level starts, levels + 1
  const uint32_t ni = L.num_inputs;
  const uint32_t first = ni + L.num_bias[n];  // first computed node

  const uint32_t* ro;
  const float* bias;
  const float* resp;
  const uint8_t* act;
  const uint8_t* agg;
  const uint32_t* ls;
  Values V;
  StagedUnit su(smem + size_t(gi) * s.unit_bytes, s);
  if (kStaged) {
    // One pass per `group` indices; each pass issues all of its loads before any store, so a
    // small network is staged in one memory round trip rather than one per array.
    const uint32_t ne = L.edge_offset[n + 1] - e0;
    const uint32_t span = max(max(ne, nodes + 1), nls);
    for (uint32_t i = t; i < span; i += s.group) {
      const bool has_edge = i < ne, has_node = i < nodes, has_ro = i <= nodes, has_level = i < nls;
      uint32_t es = 0, ew = 0, r = 0, lv = 0;
      float b = 0.0f, rp = 0.0f;
      uint8_t ac = 0, ag = 0;
      if (has_edge) {
        es = __ldg(L.src + e0 + i);
        ew = __float_as_uint(__ldg(L.weight + e0 + i));
      }
      if (has_ro) r = __ldg(L.row_offset + g + i);
      if (has_node) {
        b = __ldg(L.bias + g + i);
        rp = __ldg(L.response + g + i);
        ac = __ldg(L.activation + g + i);
        ag = __ldg(L.aggregation + g + i);
      }
      if (has_level) lv = __ldg(L.level_start + lo + i);
      if (has_edge) su.edge[i] = make_uint2(StagedEdgeOffsets::offset_of(es, s.row_tile), ew);
      if (has_ro) su.ro[i] = r - e0;
      if (has_node) {
        su.bias[i] = b;
        su.resp[i] = rp;
        su.act[i] = ac;
        su.agg[i] = ag;
      }
      if (has_level) su.ls[i] = lv;
    }
    ro = su.ro;
    bias = su.bias;
    resp = su.resp;
    act = su.act;
    agg = su.agg;
    ls = su.ls;
    V = Values{su.val, s.row_tile};
  } else {
    ro = L.row_offset + g;
    bias = L.bias + g;
    resp = L.response + g;
    act = L.activation + g;
    agg = L.aggregation + g;
    ls = L.level_start + lo;
    V = Values{a.values + size_t(g) * a.rows + row0, a.rows};
  }
  // Level 0: inputs and bias nodes.
  for_items(t, first * tile_rows, s.group, tile_rows, [&](uint32_t j, uint32_t r) {
    const float v = j < ni ? input_value(a, n, row0 + r, j) : 1.0f;
    V.set(j, r, v);
    if (a.state_next) a.state_next[size_t(g + j) * a.rows + row0 + r] = v;
  });
  group_barrier<kWarp>();

  auto compute = [&](uint32_t j, uint32_t r) {
    const NodeInputs p{ro[j], ro[j + 1],
                       {static_cast<Activation>(act[j]), static_cast<Aggregation>(agg[j]), bias[j], resp[j]}};
    float v;
    if (kStaged)
      v = compute_node<kFast>(a, StagedEdgeOffsets{su.edge}, V, p, g, j, row0 + r, r);
    else
      v = compute_node<kFast>(a, GlobalEdges{L.src, L.weight}, V, p, g, j, row0 + r, r);
    V.set(j, r, v);
    if (a.state_next) a.state_next[size_t(g + j) * a.rows + row0 + r] = v;
  };

  if (kThreadPerRow) {
    if (t < tile_rows)
      for (uint32_t j = first; j < nodes; ++j) compute(j, t);
  } else {
    for (uint32_t level = 0; level + 1 < nls; ++level) {
      const uint32_t jb = max(ls[level], first), je = ls[level + 1];
      if (jb >= je) continue;  // the same for the whole group
      for_items(t, (je - jb) * tile_rows, s.group, tile_rows, [&](uint32_t q, uint32_t r) { compute(jb + q, r); });
      group_barrier<kWarp>();
    }
  }
  group_barrier<kWarp>();
  const uint32_t no = L.num_outputs;
  write_outputs(a, n, row0, tile_rows, t, s.group, V, [&](uint32_t k) { return __ldg(L.output_node + size_t(n) * no + k); });
}

// The packed record of one network (the staged subwarp kernel's input), read through the word
// offsets of shared_layout::PackedRecord (gpu/shared_layout.hpp, which also gives its size).
struct PackedNetwork {
  using R = shared_layout::PackedRecord;
  const uint32_t* w;
  __device__ __forceinline__ uint32_t nodes() const { return w[0]; }
  __device__ __forceinline__ uint32_t edges() const { return w[1]; }
  __device__ __forceinline__ uint32_t level_starts() const { return w[2]; }
  __device__ __forceinline__ uint32_t first() const { return w[3]; }
  __device__ __forceinline__ uint32_t global_node() const { return w[4]; }
  __device__ __forceinline__ const uint4* node() const { return reinterpret_cast<const uint4*>(w + R::node_word()); }
  __device__ __forceinline__ const uint2* edge() const {
    return reinterpret_cast<const uint2*>(w + R::edge_word(nodes()));
  }
  __device__ __forceinline__ const uint32_t* level_start() const { return w + R::level_start_word(nodes(), edges()); }
  __device__ __forceinline__ const uint32_t* output_node() const {
    return w + R::output_word(nodes(), edges(), level_starts());
  }
};

#ifndef GANGLION_KERNELS_NODE_UPDATE_ONLY  // gpu/kernels_fast.cu: its translation unit has only kFast kernels
// Writes every network's packed record at blob + blob_offset[n] (16-byte units); a warp per
// network. Run once per loaded population, when a staged plan first needs the records.
__global__ void pack_networks_kernel(DeviceLayout L, const uint32_t* blob_offset, uint4* blob) {
  const uint64_t warp = (uint64_t(blockIdx.x) * blockDim.x + threadIdx.x) / 32;
  const uint32_t lane = threadIdx.x & 31u;
  if (warp >= L.num_networks) return;
  const uint32_t n = uint32_t(warp);
  const uint32_t g = L.node_offset[n], nodes = L.node_offset[n + 1] - g;
  const uint32_t e0 = L.edge_offset[n], ne = L.edge_offset[n + 1] - e0;
  const uint32_t lo = L.level_offset[n], nls = L.level_offset[n + 1] - lo;
  const uint32_t no = L.num_outputs;
  using R = shared_layout::PackedRecord;
  uint32_t* w = reinterpret_cast<uint32_t*>(blob + blob_offset[n]);
  if (lane < R::kHeaderWords) {
    const uint32_t header[R::kHeaderWords] = {nodes, ne, nls, L.num_inputs + L.num_bias[n], g, 0, 0, 0};
    w[lane] = header[lane];
  }
  uint32_t* rec = w + R::node_word();
  for (uint32_t j = lane; j < nodes; j += 32) {
    const uint32_t gj = g + j;
    rec[R::kNodeWords * j] = (L.row_offset[gj] - e0) | ((L.row_offset[gj + 1] - e0) << 16);
    rec[R::kNodeWords * j + 1] = uint32_t(L.activation[gj]) | (uint32_t(L.aggregation[gj]) << 8);
    rec[R::kNodeWords * j + 2] = __float_as_uint(L.bias[gj]);
    rec[R::kNodeWords * j + 3] = __float_as_uint(L.response[gj]);
  }
  uint32_t* edge = w + R::edge_word(nodes);
  for (uint32_t e = lane; e < ne; e += 32) {
    edge[R::kEdgeWords * e] = L.src[e0 + e];
    edge[R::kEdgeWords * e + 1] = __float_as_uint(L.weight[e0 + e]);
  }
  uint32_t* ls = w + R::level_start_word(nodes, ne);
  for (uint32_t i = lane; i < nls; i += 32) ls[i] = L.level_start[lo + i];
  uint32_t* outn = w + R::output_word(nodes, ne, nls);
  for (uint32_t k = lane; k < no; k += 32) outn[k] = L.output_node[size_t(n) * no + k];
}
#endif

// The levels of one subwarp unit: the (node, row) items of each level spread over the group's
// lanes, a group barrier after each level; a group of one lane takes the nodes in index order
// (which is level order) with no barrier. `level_start(l)` reads the unit's l-th level start.
template <class LevelStart, class Compute>
__device__ __forceinline__ void walk_levels(uint32_t group, uint32_t t, unsigned mask, uint32_t first,
                                            uint32_t nodes, uint32_t nls, uint32_t tile_rows,
                                            LevelStart level_start, Compute compute) {
  if (group == 1) {
    for (uint32_t j = first; j < nodes; ++j)
      for (uint32_t r = 0; r < tile_rows; ++r) compute(j, r);
    return;
  }
  for (uint32_t level = 0; level + 1 < nls; ++level) {
    const uint32_t jb = max(level_start(level), first), je = level_start(level + 1);
    if (jb >= je) continue;  // the same for the whole group
    for_items(t, (je - jb) * tile_rows, group, tile_rows, [&](uint32_t q, uint32_t r) { compute(jb + q, r); });
    __syncwarp(mask);
  }
}

// One unit of the subwarp kernel (below): lane t of the group whose lanes are `mask`, its shared
// memory at `base`.
template <bool kStaged, bool kFast>
__device__ __forceinline__ void subwarp_unit(const ActivateArgs& a, const GroupShape& s, uint64_t unit, uint32_t t,
                                             unsigned mask, unsigned char* base) {
  const DeviceLayout& L = a.L;
  uint32_t n = uint32_t(unit), row0 = 0;
  if (s.row_tiles != 1) {
    n = uint32_t(unit / s.row_tiles);
    row0 = uint32_t(unit % s.row_tiles) * s.row_tile;
  }
  const uint32_t tile_rows = min(s.row_tile, a.rows - row0);
  const uint32_t ni = L.num_inputs;
  const uint32_t no = L.num_outputs;

  if constexpr (kStaged) {
    // The inputs need only n: their copies go first, then the record's (one round trip after its
    // offset); nothing is awaited until all are issued.
    float* const val = reinterpret_cast<float*>(base);
    for_items(t, ni * tile_rows, s.group, tile_rows, [&](uint32_t j, uint32_t r) {
      const size_t ir = a.per_network ? size_t(n) * a.rows + row0 + r : size_t(row0 + r);
      __pipeline_memcpy_async(val + j * s.row_tile + r, a.inputs + ir * ni + j, 4);
    });
    uint4* const rec = reinterpret_cast<uint4*>(base + s.blob_at);
    const uint32_t b0 = __ldg(a.blob_offset + n), pieces = __ldg(a.blob_offset + n + 1) - b0;
    for (uint32_t i = t; i < pieces; i += s.group) __pipeline_memcpy_async(rec + i, a.blob + b0 + i, 16);
    __pipeline_commit();
    __pipeline_wait_prior(0);
    __syncwarp(mask);
    const PackedNetwork P{reinterpret_cast<const uint32_t*>(rec)};
    const uint32_t nodes = P.nodes(), nls = P.level_starts(), first = P.first(), g = P.global_node();
    const Values V{val, s.row_tile};
    for_items(t, (first - ni) * tile_rows, s.group, tile_rows, [&](uint32_t j, uint32_t r) { V.set(ni + j, r, 1.0f); });
    __syncwarp(mask);
    if (a.state_next)
      for_items(t, first * tile_rows, s.group, tile_rows,
                [&](uint32_t j, uint32_t r) { a.state_next[size_t(g + j) * a.rows + row0 + r] = V.get(j, r); });

    const StagedEdges E{P.edge()};
    const uint4* node = P.node();
    auto compute = [&](uint32_t j, uint32_t r) {
      const uint4 q = node[j];
      const NodeInputs p{q.x & 0xffffu, q.x >> 16,
                         {static_cast<Activation>(q.y & 0xffu), static_cast<Aggregation>((q.y >> 8) & 0xffu),
                          __uint_as_float(q.z), __uint_as_float(q.w)}};
      const float v = compute_node<kFast>(a, E, V, p, g, j, row0 + r, r);
      V.set(j, r, v);
      if (a.state_next) a.state_next[size_t(g + j) * a.rows + row0 + r] = v;
    };
    const uint32_t* ls = P.level_start();
    walk_levels(s.group, t, mask, first, nodes, nls, tile_rows, [&](uint32_t l) { return ls[l]; }, compute);
    __syncwarp(mask);
    const uint32_t* outn = P.output_node();
    write_outputs(a, n, row0, tile_rows, t, s.group, V, [&](uint32_t k) { return outn[k]; });
  } else {
    const uint32_t g = __ldg(L.node_offset + n);
    const uint32_t nodes = __ldg(L.node_offset + n + 1) - g;
    const uint32_t lo = __ldg(L.level_offset + n);
    const uint32_t nls = __ldg(L.level_offset + n + 1) - lo;
    const uint32_t first = ni + __ldg(L.num_bias + n);
    const Values V{reinterpret_cast<float*>(base), s.row_tile};
    for_items(t, first * tile_rows, s.group, tile_rows, [&](uint32_t j, uint32_t r) {
      const float v = j < ni ? input_value(a, n, row0 + r, j) : 1.0f;
      V.set(j, r, v);
      if (a.state_next) a.state_next[size_t(g + j) * a.rows + row0 + r] = v;
    });
    __syncwarp(mask);

    const GlobalEdges E{L.src, L.weight};
    auto compute = [&](uint32_t j, uint32_t r) {
      const uint32_t gj = g + j;
      const NodeInputs p{__ldg(L.row_offset + gj),
                         __ldg(L.row_offset + gj + 1),
                         {static_cast<Activation>(__ldg(L.activation + gj)),
                          static_cast<Aggregation>(__ldg(L.aggregation + gj)), __ldg(L.bias + gj),
                          __ldg(L.response + gj)}};
      const float v = compute_node<kFast>(a, E, V, p, g, j, row0 + r, r);
      V.set(j, r, v);
      if (a.state_next) a.state_next[size_t(gj) * a.rows + row0 + r] = v;
    };
    const uint32_t* ls = L.level_start + lo;
    walk_levels(s.group, t, mask, first, nodes, nls, tile_rows, [&](uint32_t l) { return __ldg(ls + l); }, compute);
    __syncwarp(mask);
    write_outputs(a, n, row0, tile_rows, t, s.group, V, [&](uint32_t k) { return __ldg(L.output_node + size_t(n) * no + k); });
  }
}

// Several networks per warp, for small networks on few rows (1-row batches are latency-bound:
// a whole warp per 16-node network leaves most lanes idle). A group of `s.group` lanes (1, 2, 4,
// 8, 16 or 32) owns one unit; barriers are __syncwarp over the group's own lanes, and a group of
// one lane computes its nodes in index order (which is level order) without any.
//   kStaged = false: only the node values live in shared memory (`s.unit_bytes` per unit, an
//     odd number of floats so that group-of-1 lanes hit distinct banks); edges and node
//     parameters are read from global memory through L1 as each level needs them: a few
//     dependent global round trips per level.
//   kStaged = true: the network's packed record (PackedNetwork, written once per population by
//     pack_networks_kernel) and the input rows are copied into shared memory first, every copy
//     (cp.async, 16 bytes per record piece) issued before any is awaited, so the network arrives
//     in one round trip after its record's offset; the levels then run on shared memory alone,
//     one 16-byte load per node and one 8-byte load per edge. Costs shared memory (the largest
//     record per unit), so fewer units fit.
template <bool kStaged, bool kFast>
__global__ void subwarp_kernel(ActivateArgs a, GroupShape s) {
  extern __shared__ __align__(16) unsigned char smem[];
  const uint32_t shift = __ffs(s.group) - 1;  // s.group is a power of two: no integer division
  const uint32_t per_block = blockDim.x >> shift;
  const uint32_t gi = threadIdx.x >> shift;
  const uint32_t t = threadIdx.x & (s.group - 1);
  const uint32_t lane = threadIdx.x & 31u;
  const unsigned mask = s.group >= 32 ? 0xffffffffu : ((1u << s.group) - 1u) << (lane & ~(s.group - 1u));
  const uint64_t unit = uint64_t(blockIdx.x) * per_block + gi;
  // Groups never straddle warps (s.group divides 32), so a missing unit leaves as a whole group.
  if (unit < s.units) subwarp_unit<kStaged, kFast>(a, s, unit, t, mask, smem + size_t(gi) * s.unit_bytes);
}

// The paper's scheme: one thread per (node of this level, row), over every network at once; the
// host launches it once per level. Level 0 (inputs, bias) goes through the same kernel.
template <bool kFast>
__global__ void level_kernel(ActivateArgs a, uint32_t item_begin, uint32_t item_count) {
  const DeviceLayout& L = a.L;
  const size_t total = size_t(item_count) * a.rows;
  for (size_t idx = size_t(blockIdx.x) * blockDim.x + threadIdx.x; idx < total;
       idx += size_t(gridDim.x) * blockDim.x) {
    const uint2 item = L.level_items[item_begin + idx / a.rows];
    const uint32_t row = uint32_t(idx % a.rows);
    const uint32_t n = item.y;
    const uint32_t g = L.node_offset[n];
    const uint32_t j = item.x - g;
    float v;
    if (j < L.num_inputs) {
      v = input_value(a, n, row, j);
    } else if (j < L.num_inputs + L.num_bias[n]) {
      v = 1.0f;
    } else {
      const NodeInputs p{L.row_offset[item.x],
                         L.row_offset[item.x + 1],
                         {static_cast<Activation>(L.activation[item.x]),
                          static_cast<Aggregation>(L.aggregation[item.x]), L.bias[item.x], L.response[item.x]}};
      const Values V{a.values + size_t(g) * a.rows, a.rows};
      v = compute_node<kFast>(a, GlobalEdges{L.src, L.weight}, V, p, g, j, row, row);
    }
    a.values[size_t(item.x) * a.rows + row] = v;
  }
}

#ifndef GANGLION_KERNELS_NODE_UPDATE_ONLY
// Copies the output nodes' values out of global `values` (level strategy).
__global__ void gather_outputs_kernel(ActivateArgs a) {
  const DeviceLayout& L = a.L;
  const uint32_t no = L.num_outputs;
  const size_t total = size_t(L.num_networks) * a.rows * no;
  for (size_t idx = size_t(blockIdx.x) * blockDim.x + threadIdx.x; idx < total;
       idx += size_t(gridDim.x) * blockDim.x) {
    const uint32_t k = uint32_t(idx % no);
    const size_t nr = idx / no;
    const uint32_t row = uint32_t(nr % a.rows);
    const uint32_t n = uint32_t(nr / a.rows);
    const uint32_t j = L.output_node[size_t(n) * no + k];
    a.outputs[idx] = a.values[size_t(L.node_offset[n] + j) * a.rows + row];
  }
}
#endif

}  // namespace ganglion::kernels
