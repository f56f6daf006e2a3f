#include "core/task/control_task.hpp"

#include <type_traits>
#include <utility>

#include "core/error.hpp"
#include "core/task/task_choice.hpp"

namespace ganglion {

// Field by field from the table (core/network/layout_fields.hpp): each network's slice of every
// array in `which` order; the *Bounds offsets become new prefix sums and the *Rows edge indices are
// rebased onto the new edge numbering.
PopulationLayout select_networks(const PopulationLayout& in, const std::vector<uint32_t>& which) {
  for (uint32_t n : which)
    if (n >= in.num_networks)
      throw Error("select_networks: network " + std::to_string(n) + " is out of range (layout has " +
                  std::to_string(in.num_networks) + ")");
  PopulationLayout out;
  out.num_networks = uint32_t(which.size());
  out.num_inputs = in.num_inputs;
  out.num_outputs = in.num_outputs;
  // The slice of network n in an extent, as [first, last).
  auto slice = [&](LayoutExtent x, uint32_t n) -> std::pair<size_t, size_t> {
    switch (x) {
      case LayoutExtent::PerNetwork: return {n, n + 1};
      case LayoutExtent::PerLevelStart: return {in.level_offset[n], in.level_offset[n + 1]};
      case LayoutExtent::PerNode:
      case LayoutExtent::EdgeRows:
      case LayoutExtent::RecEdgeRows: return {in.node_offset[n], in.node_offset[n + 1]};
      case LayoutExtent::PerEdge: return {in.edge_offset[n], in.edge_offset[n + 1]};
      case LayoutExtent::PerRecEdge: return {in.rec_edge_offset[n], in.rec_edge_offset[n + 1]};
      case LayoutExtent::PerOutput: return {size_t(n) * in.num_outputs, size_t(n + 1) * in.num_outputs};
      default: return {n, n + 2};  // *Bounds: the network's two offsets
    }
  };
  for_each_layout_field(in, out, [&](const auto& src, auto& dst, const LayoutField& f) {
    using T = typename std::decay_t<decltype(dst)>::value_type;
    const bool bounds = f.extent == LayoutExtent::NodeBounds || f.extent == LayoutExtent::EdgeBounds ||
                        f.extent == LayoutExtent::RecEdgeBounds || f.extent == LayoutExtent::LevelBounds;
    const bool rows = f.extent == LayoutExtent::EdgeRows || f.extent == LayoutExtent::RecEdgeRows;
    // Hand-built layouts may leave per-network fields such as genome_id out; they stay out.
    if (f.extent == LayoutExtent::PerNetwork && src.empty()) return;
    T base = 0;  // rows: the first new edge index of the current network
    if (bounds) dst.push_back(T(0));
    for (uint32_t n : which) {
      const auto [b, e] = slice(f.extent, n);
      if (bounds) {
        dst.push_back(T(dst.back() + (src[b + 1] - src[b])));
      } else if (rows) {
        const std::vector<uint32_t>& edge_offset =
            f.extent == LayoutExtent::EdgeRows ? in.edge_offset : in.rec_edge_offset;
        const T e0 = T(edge_offset[n]);
        for (size_t g = b; g < e; ++g) dst.push_back(T(src[g] - e0 + base));
        base = T(base + (edge_offset[n + 1] - edge_offset[n]));
      } else {
        dst.insert(dst.end(), src.begin() + b, src.begin() + e);
      }
    }
    if (rows) dst.push_back(base);
  });
  fill_shape_summary(out);
  return out;
}

ControlOptions read_control_options(TaskParams& params, const Config& config, uint32_t default_max_steps,
                                    uint32_t default_episodes) {
  const std::string& origin = config.source;
  ControlOptions o;
  o.serial = config.threads == 1;
  o.episodes = uint32_t(params.get_int("episodes", default_episodes, 1, 1000000));
  o.max_steps = uint32_t(params.get_int("max_steps", default_max_steps, 1, 1000000000));
  o.aggregate = get_task_choice(params, origin, "aggregate", "mean", {"mean", "min"}) == "min" ? EpisodeAggregate::Min
                                                                                              : EpisodeAggregate::Mean;
  o.same_starts = params.get_bool("same_starts", true);
  o.allow_fused = get_task_choice(params, origin, "episode_runner", "auto", {"auto", "per_step"}) == "auto";
  return o;
}

}  // namespace ganglion
