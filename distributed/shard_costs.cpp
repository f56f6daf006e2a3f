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
  const std::vector<double> all =
      world_.gather({c.evaluate_seconds, c.communicate_seconds, double(c.bytes), double(c.networks)});
  if (world_.rank() != 0 || dir_.empty()) return;
  const int k = world_.size();
  std::vector<double> networks, evaluate, communicate, bytes;
  for (int r = 0; r < k; ++r) {
    evaluate.push_back(all[size_t(r) * 4]);
    communicate.push_back(all[size_t(r) * 4 + 1]);
    bytes.push_back(all[size_t(r) * 4 + 2]);
    networks.push_back(all[size_t(r) * 4 + 3]);
  }
  const std::string line =
      fmt::format("{{\"generation\":{},\"ranks\":{},\"networks\":[{}],\"time_evaluate\":[{:.6g}],"
                  "\"time_communicate\":[{:.6g}],\"bytes\":[{}]}}\n",
                  stats.generation, k, fmt::join(networks, ","), fmt::join(evaluate, ","),
                  fmt::join(communicate, ","), fmt::join(bytes, ","));
  const std::string path = (std::filesystem::path(dir_) / "distributed.jsonl").string();
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out << line;
  out.flush();
  if (!out) throw Error(path + ": cannot append the generation's shard costs");
}

}  // namespace ganglion
