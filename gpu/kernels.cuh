// The agents of the CUDA evaluator: kernels that activate networks of a PopulationLayout on a batch
// of rows. They know nothing of how they were chosen (gpu/dispatch.hpp decides); every strategy
// computes a node exactly as the CPU reference does: aggregate the weighted feed-forward inputs in
// CSR order, then the recurrent ones (previous step's values), then
// activation(bias + response * aggregate) from core/activation.hpp.
//
// Value storage: the group kernel keeps a unit's values in shared memory as [node][row_tile]
// (consecutive rows in consecutive banks: a warp reading one source node for 32 rows never
// conflicts); the level and global kernels keep them in global memory as [global node][rows].
// Recurrent state has the global layout [global node][rows]: previous step in state_prev, this
// step written to state_next (the host swaps them).
#pragma once

#include <cstdint>

#include "core/activation.hpp"
#include "gpu/device_layout.cuh"

namespace ganglion::kernels {

struct ActivateArgs {
  DeviceLayout L;
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
};

__device__ __forceinline__ float input_value(const ActivateArgs& a, uint32_t n, uint32_t row, uint32_t i) {
  const size_t r = a.per_network ? size_t(n) * a.rows + row : size_t(row);
  return a.inputs[r * a.L.num_inputs + i];
}

// Edges read from shared memory, staged as (src, weight bits) pairs: one 8-byte load per edge,
// the same address for every row-thread (a broadcast).
struct StagedEdges {
  const uint2* edge;
  __device__ __forceinline__ void get(uint32_t e, uint32_t& s, float& w) const {
    const uint2 x = edge[e];
    s = x.x;
    w = __uint_as_float(x.y);
  }
};

// Edges read straight from the layout in global memory (global edge indices).
struct GlobalEdges {
  const uint32_t* src;
  const float* weight;
  __device__ __forceinline__ void get(uint32_t e, uint32_t& s, float& w) const {
    s = __ldg(src + e);
    w = __ldg(weight + e);
  }
};

// Node values of one unit: value of local node j for tile row r at base[j * stride + r].
struct Values {
  float* base;
  uint32_t stride;
  __device__ __forceinline__ float get(uint32_t j, uint32_t r) const { return base[j * stride + r]; }
  __device__ __forceinline__ void set(uint32_t j, uint32_t r, float v) const { base[j * stride + r] = v; }
};

// What node j needs besides its edges.
struct NodeParams {
  uint32_t e_begin, e_end;  // feed-forward edges
  Activation act;
  Aggregation agg;
  float bias, response;
};

// The value of one node for one row. `g` is the network's first global node, `row` the batch
// row (for recurrent state), `r` the row within the unit's value storage.
template <class Edges>
__device__ __forceinline__ float node_value(const ActivateArgs& a, const Edges& E, const Values& V,
                                            const NodeParams& p, uint32_t g, uint32_t j, uint32_t row,
                                            uint32_t r) {
  float acc;
  uint32_t count = p.e_end - p.e_begin;
  if (p.agg == Aggregation::Sum || p.agg == Aggregation::Mean) {
    // The common case, kept free of the aggregation switch.
    acc = 0.0f;
    uint32_t e = p.e_begin;
#pragma unroll 4
    for (; e < p.e_end; ++e) {
      uint32_t s;
      float w;
      E.get(e, s, w);
      acc = acc + w * V.get(s, r);
    }
  } else {
    acc = aggregation_init<float>(p.agg);
    for (uint32_t e = p.e_begin; e < p.e_end; ++e) {
      uint32_t s;
      float w;
      E.get(e, s, w);
      acc = aggregation_add<float>(p.agg, acc, w * V.get(s, r));
    }
  }
  if (a.state_prev) {
    const uint32_t rb = __ldg(a.L.rec_row_offset + g + j), re = __ldg(a.L.rec_row_offset + g + j + 1);
    count += re - rb;
    for (uint32_t e = rb; e < re; ++e) {
      const uint32_t s = __ldg(a.L.rec_src + e);
      const float w = __ldg(a.L.rec_weight + e);
      const float v = a.state_prev[size_t(g + s) * a.rows + row];
      acc = aggregation_add<float>(p.agg, acc, w * v);
    }
  }
  return node_output<float>(p.act, p.bias, p.response, aggregation_finish<float>(p.agg, acc, count));
}

template <bool kWarp>
__device__ __forceinline__ void group_barrier() {
  if (kWarp)
    __syncwarp();
  else
    __syncthreads();
}

// Shared-memory image of one unit; offsets mirror staged_unit_bytes() in dispatch.cpp.
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
    edge = reinterpret_cast<uint2*>(base);
    base += size_t(s.max_edges) * 8;
    val = reinterpret_cast<float*>(base);
    base += size_t(s.max_nodes) * s.row_tile * 4;
    ro = reinterpret_cast<uint32_t*>(base);
    base += (size_t(s.max_nodes) + 1) * 4;
    bias = reinterpret_cast<float*>(base);
    base += size_t(s.max_nodes) * 4;
    resp = reinterpret_cast<float*>(base);
    base += size_t(s.max_nodes) * 4;
    ls = reinterpret_cast<uint32_t*>(base);
    base += (size_t(s.max_levels) + 1) * 4;
    act = base;
    base += s.max_nodes;
    agg = base;
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
template <bool kStaged, bool kThreadPerRow, bool kWarp>
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
      if (has_edge) su.edge[i] = make_uint2(es, ew);
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
  const uint32_t lvl0 = first * tile_rows;
  for (uint32_t i = t; i < lvl0; i += s.group) {
    const uint32_t j = i / tile_rows, r = i % tile_rows;
    const float v = j < ni ? input_value(a, n, row0 + r, j) : 1.0f;
    V.set(j, r, v);
    if (a.state_next) a.state_next[size_t(g + j) * a.rows + row0 + r] = v;
  }
  group_barrier<kWarp>();

  auto compute = [&](uint32_t j, uint32_t r) {
    NodeParams p;
    p.e_begin = ro[j];
    p.e_end = ro[j + 1];
    p.act = static_cast<Activation>(act[j]);
    p.agg = static_cast<Aggregation>(agg[j]);
    p.bias = bias[j];
    p.response = resp[j];
    float v;
    if (kStaged)
      v = node_value(a, StagedEdges{su.edge}, V, p, g, j, row0 + r, r);
    else
      v = node_value(a, GlobalEdges{L.src, L.weight}, V, p, g, j, row0 + r, r);
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
      const uint32_t items = (je - jb) * tile_rows;
      for (uint32_t i = t; i < items; i += s.group) compute(jb + i / tile_rows, i % tile_rows);
      group_barrier<kWarp>();
    }
  }
  group_barrier<kWarp>();
  const uint32_t no = L.num_outputs;
  const uint32_t outs = no * tile_rows;
  float* out = a.outputs + (size_t(n) * a.rows + row0) * no;
  for (uint32_t i = t; i < outs; i += s.group) {
    const uint32_t k = i % no, r = i / no;
    out[i] = V.get(__ldg(L.output_node + size_t(n) * no + k), r);
  }
}

// Several networks per warp, for small networks on few rows (1-row batches are latency-bound:
// a whole warp per 16-node network leaves most lanes idle). A group of `s.group` lanes (1, 2, 4,
// 8, 16 or 32) owns one unit; only the node values live in shared memory (`s.unit_bytes` per
// unit, an odd number of floats so that group-of-1 lanes hit distinct banks); edges and node
// parameters are read straight from global memory through L1, since on a few rows each is read
// only a few times and staging them would cost a round trip and shared memory (occupancy).
// Barriers are __syncwarp over the group's own lanes; a group of one lane computes its nodes in
// index order (which is level order) without any.
__global__ void subwarp_kernel(ActivateArgs a, GroupShape s) {
  extern __shared__ __align__(16) unsigned char smem[];
  const uint32_t per_block = blockDim.x / s.group;
  const uint32_t gi = threadIdx.x / s.group;
  const uint32_t t = threadIdx.x % s.group;
  const uint64_t unit = uint64_t(blockIdx.x) * per_block + gi;
  // Groups never straddle warps (s.group divides 32), so a missing unit leaves as a whole group.
  if (unit >= s.units) return;
  const uint32_t lane = threadIdx.x & 31u;
  const unsigned mask = s.group >= 32 ? 0xffffffffu : ((1u << s.group) - 1u) << (lane & ~(s.group - 1u));
  const DeviceLayout& L = a.L;
  const uint32_t n = uint32_t(unit / s.row_tiles);
  const uint32_t row0 = uint32_t(unit % s.row_tiles) * s.row_tile;
  const uint32_t tile_rows = min(s.row_tile, a.rows - row0);
  const uint32_t g = __ldg(L.node_offset + n);
  const uint32_t nodes = __ldg(L.node_offset + n + 1) - g;
  const uint32_t lo = __ldg(L.level_offset + n);
  const uint32_t nls = __ldg(L.level_offset + n + 1) - lo;
  const uint32_t ni = L.num_inputs;
  const uint32_t first = ni + __ldg(L.num_bias + n);
  const Values V{reinterpret_cast<float*>(smem + size_t(gi) * s.unit_bytes), s.row_tile};

  const uint32_t lvl0 = first * tile_rows;
  for (uint32_t i = t; i < lvl0; i += s.group) {
    const uint32_t j = i / tile_rows, r = i % tile_rows;
    const float v = j < ni ? input_value(a, n, row0 + r, j) : 1.0f;
    V.set(j, r, v);
    if (a.state_next) a.state_next[size_t(g + j) * a.rows + row0 + r] = v;
  }
  __syncwarp(mask);

  const GlobalEdges E{L.src, L.weight};
  auto compute = [&](uint32_t j, uint32_t r) {
    const uint32_t gj = g + j;
    NodeParams p;
    p.e_begin = __ldg(L.row_offset + gj);
    p.e_end = __ldg(L.row_offset + gj + 1);
    p.act = static_cast<Activation>(__ldg(L.activation + gj));
    p.agg = static_cast<Aggregation>(__ldg(L.aggregation + gj));
    p.bias = __ldg(L.bias + gj);
    p.response = __ldg(L.response + gj);
    const float v = node_value(a, E, V, p, g, j, row0 + r, r);
    V.set(j, r, v);
    if (a.state_next) a.state_next[size_t(gj) * a.rows + row0 + r] = v;
  };
  if (s.group == 1) {
    for (uint32_t j = first; j < nodes; ++j)
      for (uint32_t r = 0; r < tile_rows; ++r) compute(j, r);
  } else {
    const uint32_t* ls = L.level_start + lo;
    for (uint32_t level = 0; level + 1 < nls; ++level) {
      const uint32_t jb = max(__ldg(ls + level), first), je = __ldg(ls + level + 1);
      if (jb >= je) continue;  // the same for the whole group
      const uint32_t items = (je - jb) * tile_rows;
      for (uint32_t i = t; i < items; i += s.group) compute(jb + i / tile_rows, i % tile_rows);
      __syncwarp(mask);
    }
  }
  __syncwarp(mask);
  const uint32_t no = L.num_outputs;
  const uint32_t outs = no * tile_rows;
  float* out = a.outputs + (size_t(n) * a.rows + row0) * no;
  for (uint32_t i = t; i < outs; i += s.group) {
    const uint32_t k = i % no, r = i / no;
    out[i] = V.get(__ldg(L.output_node + size_t(n) * no + k), r);
  }
}

// The paper's scheme: one thread per (node of this level, row), over every network at once; the
// host launches it once per level. Level 0 (inputs, bias) goes through the same kernel.
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
      NodeParams p;
      p.e_begin = L.row_offset[item.x];
      p.e_end = L.row_offset[item.x + 1];
      p.act = static_cast<Activation>(L.activation[item.x]);
      p.agg = static_cast<Aggregation>(L.aggregation[item.x]);
      p.bias = L.bias[item.x];
      p.response = L.response[item.x];
      const Values V{a.values + size_t(g) * a.rows, a.rows};
      v = node_value(a, GlobalEdges{L.src, L.weight}, V, p, g, j, row, row);
    }
    a.values[size_t(item.x) * a.rows + row] = v;
  }
}

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

}  // namespace ganglion::kernels
