// The fields of a PopulationLayout (core/network/layout.hpp), listed once: name, element type, the
// count its length is measured in, and whether the CUDA evaluator uploads it. The host struct's
// arrays, bytes(), the sizing in pack(), select_networks() and the device-side struct of pointers
// with its upload (gpu/device_layout.cuh, gpu/cuda_evaluator.cu) are all derived from this list, so
// a new field is one line here plus the code that fills and reads it. The order is the order of the
// host struct's members and of the arrays in the device's one allocation.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/hostdevice.hpp"

namespace ganglion {

// What the length of a field counts. *Bounds fields are per-network prefix sums (num_networks + 1
// entries, the first 0) into the extent they name; *Rows fields are per global node plus a final
// sentinel and hold global (recurrent) edge indices.
enum class LayoutExtent : uint8_t {
  PerNetwork,     // num_networks
  NodeBounds,     // num_networks + 1, into the nodes
  EdgeBounds,     // num_networks + 1, into the feed-forward edges
  RecEdgeBounds,  // num_networks + 1, into the recurrent edges
  LevelBounds,    // num_networks + 1, into level_start
  PerLevelStart,  // every network's level starts (its levels + 1)
  PerNode,        // total nodes
  EdgeRows,       // total nodes + 1, global feed-forward edge index
  RecEdgeRows,    // total nodes + 1, global recurrent edge index
  PerEdge,        // total feed-forward edges
  PerRecEdge,     // total recurrent edges
  PerOutput,      // num_networks * num_outputs
};

// X(name, element type, LayoutExtent, Device | HostOnly)
#define GANGLION_LAYOUT_FIELDS(X)                                                                 \
  X(genome_id, uint64_t, PerNetwork, HostOnly)                                                    \
  X(node_offset, uint32_t, NodeBounds, Device)                                                    \
  X(edge_offset, uint32_t, EdgeBounds, Device)                                                    \
  X(rec_edge_offset, uint32_t, RecEdgeBounds, HostOnly)                                           \
  X(level_offset, uint32_t, LevelBounds, Device)                                                  \
  X(num_bias, uint32_t, PerNetwork, Device) /* bias nodes follow the inputs */                    \
  X(level_start, uint32_t, PerLevelStart, Device) /* local node indices */                        \
  X(activation, uint8_t, PerNode, Device)   /* Activation */                                      \
  X(aggregation, uint8_t, PerNode, Device)  /* Aggregation */                                     \
  X(bias, float, PerNode, Device)                                                                 \
  X(response, float, PerNode, Device)                                                             \
  X(row_offset, uint32_t, EdgeRows, Device)                                                       \
  X(rec_row_offset, uint32_t, RecEdgeRows, Device)                                                \
  X(src, uint32_t, PerEdge, Device) /* local source index */                                      \
  X(weight, float, PerEdge, Device)                                                               \
  X(rec_src, uint32_t, PerRecEdge, Device)                                                        \
  X(rec_weight, float, PerRecEdge, Device)                                                        \
  X(output_node, uint32_t, PerOutput, Device) /* local indices */

// The totals the extents are measured in.
struct LayoutCounts {
  size_t networks = 0;
  size_t nodes = 0;
  size_t edges = 0;
  size_t rec_edges = 0;
  size_t level_starts = 0;
  size_t outputs = 0;  // per network
};

// The number of entries of a field of extent x.
GANGLION_HD constexpr size_t extent_size(LayoutExtent x, const LayoutCounts& c) {
  switch (x) {
    case LayoutExtent::PerNetwork: return c.networks;
    case LayoutExtent::NodeBounds:
    case LayoutExtent::EdgeBounds:
    case LayoutExtent::RecEdgeBounds:
    case LayoutExtent::LevelBounds: return c.networks + 1;
    case LayoutExtent::PerLevelStart: return c.level_starts;
    case LayoutExtent::PerNode: return c.nodes;
    case LayoutExtent::EdgeRows:
    case LayoutExtent::RecEdgeRows: return c.nodes + 1;
    case LayoutExtent::PerEdge: return c.edges;
    case LayoutExtent::PerRecEdge: return c.rec_edges;
    case LayoutExtent::PerOutput: return c.networks * c.outputs;
  }
  return 0;
}

// A field's description, handed to for_each_layout_field's callback beside the array itself.
struct LayoutField {
  const char* name;
  LayoutExtent extent;
  size_t element_bytes;
  bool on_device;
};

#define GANGLION_LAYOUT_ON_DEVICE_Device true
#define GANGLION_LAYOUT_ON_DEVICE_HostOnly false

// Calls f(layout.field, LayoutField) for every field in table order (`Layout` may be const).
template <class Layout, class F>
void for_each_layout_field(Layout& layout, F&& f) {
#define GANGLION_LAYOUT_VISIT(name, type, extent, where) \
  f(layout.name, LayoutField{#name, LayoutExtent::extent, sizeof(type), GANGLION_LAYOUT_ON_DEVICE_##where});
  GANGLION_LAYOUT_FIELDS(GANGLION_LAYOUT_VISIT)
#undef GANGLION_LAYOUT_VISIT
}

// The same over two layouts at once: f(a.field, b.field, LayoutField).
template <class A, class B, class F>
void for_each_layout_field(A& a, B& b, F&& f) {
#define GANGLION_LAYOUT_VISIT(name, type, extent, where) \
  f(a.name, b.name, LayoutField{#name, LayoutExtent::extent, sizeof(type), GANGLION_LAYOUT_ON_DEVICE_##where});
  GANGLION_LAYOUT_FIELDS(GANGLION_LAYOUT_VISIT)
#undef GANGLION_LAYOUT_VISIT
}

}  // namespace ganglion
