#include "distributed/shard_costs.hpp"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.hpp"
#include "distributed/mpi_world.hpp"
#include "distributed/shard_evaluation.hpp"

namespace ganglion {

void ShardCosts::on_generation(const GenerationStats& stats, const EvolutionState&, StopReason) {
  if (!evaluation_) return;  // every rank has one, or none: the same on all
  const ShardCost& c = evaluation_->last_cost();
  // This generation's exchange of children; a generation that made none (the last) reports 0.
  ShardChildrenCost children;
  if (children_) {
    children = *children_;
    *children_ = ShardChildrenCost{};
  }
  constexpr size_t kValues = 7;
  const std::vector<double> all =
      world_.gather({c.evaluate_seconds, c.communicate_seconds, double(c.bytes), double(c.networks),
                     double(children.made), children.seconds, double(children.bytes)});
  if (world_.rank() != 0 || dir_.empty()) return;
  const int k = world_.size();
  std::vector<double> column[kValues];
  for (int r = 0; r < k; ++r)
    for (size_t v = 0; v < kValues; ++v) column[v].push_back(all[size_t(r) * kValues + v]);
  const std::string line =
      fmt::format("{{\"generation\":{},\"ranks\":{},\"networks\":[{}],\"time_evaluate\":[{:.6g}],"
                  "\"time_communicate\":[{:.6g}],\"bytes\":[{}],\"children\":[{}],\"time_children\":[{:.6g}],"
                  "\"bytes_children\":[{}]}}\n",
                  stats.generation, k, fmt::join(column[3], ","), fmt::join(column[0], ","),
                  fmt::join(column[1], ","), fmt::join(column[2], ","), fmt::join(column[4], ","),
                  fmt::join(column[5], ","), fmt::join(column[6], ","));
  const std::string path = (std::filesystem::path(dir_) / "distributed.jsonl").string();
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out << line;
  out.flush();
  if (!out) throw Error(path + ": cannot append the generation's shard costs");
}

}  // namespace ganglion
