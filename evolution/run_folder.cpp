#include "evolution/run_folder.hpp"

#include <ctime>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "core/genome/genome.hpp"

namespace ganglion {

namespace fs = std::filesystem;

std::string default_run_folder(const Config& config) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  const std::string base = (fs::path(config.run.out_dir) / (config.name + "-" + stamp)).string();
  std::string dir = base;
  for (int k = 2; fs::exists(dir); ++k) dir = base + "-" + std::to_string(k);
  return dir;
}

RunFolder::RunFolder(std::string dir, const Config& config, bool resume) : dir_(std::move(dir)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw Error(dir_ + ": cannot create the run folder: " + ec.message());
  const std::string path = (fs::path(dir_) / "config.yaml").string();
  std::ofstream out(path);
  out << config_to_yaml(config);
  if (!out) throw Error(path + ": cannot write the effective config");
  stats_ = std::make_unique<StatsWriter>((fs::path(dir_) / "stats.jsonl").string(), resume);
}

void RunFolder::on_generation(const GenerationStats& stats, const EvolutionState& state, StopReason reason) {
  stats_->on_generation(stats, state, reason);
}

void RunFolder::write_best(const EvolutionState& state) const {
  if (!state.has_best) return;
  save_genome(state.solved ? state.solution : state.best, (fs::path(dir_) / "best_genome.json").string());
}

void RunFolder::on_finish(const EvolutionState& state, StopReason reason) {
  (void)reason;
  write_best(state);
}

}  // namespace ganglion
