#include "core/task/control_task.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/task/task_choice.hpp"

namespace ganglion {

PopulationLayout select_networks(const PopulationLayout& in, const std::vector<uint32_t>& which) {
  PopulationLayout out;
  out.num_networks = uint32_t(which.size());
  out.num_inputs = in.num_inputs;
  out.num_outputs = in.num_outputs;
  out.node_offset.push_back(0);
  out.edge_offset.push_back(0);
  out.rec_edge_offset.push_back(0);
  out.level_offset.push_back(0);
  for (uint32_t n : which) {
    if (n >= in.num_networks)
      throw Error("select_networks: network " + std::to_string(n) + " is out of range (layout has " +
                  std::to_string(in.num_networks) + ")");
    const uint32_t n0 = in.node_offset[n], n1 = in.node_offset[n + 1];
    const uint32_t e0 = in.edge_offset[n], e1 = in.edge_offset[n + 1];
    const uint32_t r0 = in.rec_edge_offset[n], r1 = in.rec_edge_offset[n + 1];
    const uint32_t l0 = in.level_offset[n], l1 = in.level_offset[n + 1];
    const uint32_t new_e0 = out.edge_offset.back();
    const uint32_t new_r0 = out.rec_edge_offset.back();

    if (!in.genome_id.empty()) out.genome_id.push_back(in.genome_id[n]);
    if (!in.num_bias.empty()) out.num_bias.push_back(in.num_bias[n]);
    out.level_start.insert(out.level_start.end(), in.level_start.begin() + l0, in.level_start.begin() + l1);
    out.activation.insert(out.activation.end(), in.activation.begin() + n0, in.activation.begin() + n1);
    out.aggregation.insert(out.aggregation.end(), in.aggregation.begin() + n0, in.aggregation.begin() + n1);
    out.bias.insert(out.bias.end(), in.bias.begin() + n0, in.bias.begin() + n1);
    out.response.insert(out.response.end(), in.response.begin() + n0, in.response.begin() + n1);
    for (uint32_t g = n0; g < n1; ++g) {
      out.row_offset.push_back(in.row_offset[g] - e0 + new_e0);
      out.rec_row_offset.push_back(in.rec_row_offset[g] - r0 + new_r0);
    }
    out.src.insert(out.src.end(), in.src.begin() + e0, in.src.begin() + e1);
    out.weight.insert(out.weight.end(), in.weight.begin() + e0, in.weight.begin() + e1);
    out.rec_src.insert(out.rec_src.end(), in.rec_src.begin() + r0, in.rec_src.begin() + r1);
    out.rec_weight.insert(out.rec_weight.end(), in.rec_weight.begin() + r0, in.rec_weight.begin() + r1);
    const size_t o0 = size_t(n) * in.num_outputs;
    out.output_node.insert(out.output_node.end(), in.output_node.begin() + o0,
                           in.output_node.begin() + o0 + in.num_outputs);

    out.node_offset.push_back(out.node_offset.back() + (n1 - n0));
    out.edge_offset.push_back(new_e0 + (e1 - e0));
    out.rec_edge_offset.push_back(new_r0 + (r1 - r0));
    out.level_offset.push_back(out.level_offset.back() + (l1 - l0));
    out.max_nodes = std::max(out.max_nodes, n1 - n0);
    out.max_edges = std::max(out.max_edges, e1 - e0);
    out.max_levels = std::max(out.max_levels, l1 - l0 >= 2 ? l1 - l0 - 2 : 0u);  // levels after level 0
    out.any_recurrent = out.any_recurrent || r1 > r0;
  }
  out.row_offset.push_back(out.edge_offset.back());
  out.rec_row_offset.push_back(out.rec_edge_offset.back());
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
