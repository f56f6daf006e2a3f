#include "evolution/reporter.hpp"

#include "core/io/checkpoint_io.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/error.hpp"

namespace ganglion {

const char* stop_reason_name(StopReason reason) {
  switch (reason) {
    case StopReason::None: return "running";
    case StopReason::Solved: return "solved";
    case StopReason::Threshold: return "fitness threshold reached";
    case StopReason::GenerationLimit: return "generation limit reached";
    case StopReason::Interrupted: return "interrupted";
    case StopReason::AllInvalid: return "no valid fitness";
  }
  return "?";
}

bool stop_leaves_unevaluated(StopReason reason) {
  return reason == StopReason::Interrupted || reason == StopReason::AllInvalid;
}

std::string all_invalid_message(const std::string& task, uint32_t generation, size_t genomes,
                                const std::string& checkpoint) {
  return fmt::format(
      "task '{}' gave no valid fitness in generation {}: all {} values were NaN or infinite, so the run stopped "
      "(run.on_all_invalid: stop) with nothing of that generation kept. Fix the task and resume{}: generation {} "
      "is evaluated again; or resume with --set run.on_all_invalid=continue to give each such genome fitness 0",
      task, generation, genomes, checkpoint.empty() ? std::string() : " from " + checkpoint, generation);
}

void LogReporter::on_generation(const GenerationStats& s, const EvolutionState& state, StopReason reason) {
  (void)state;
  std::string metrics;
  if (s.best_loss) metrics += fmt::format("  loss {:.4g}", *s.best_loss);
  if (s.best_accuracy) metrics += fmt::format("  accuracy {:.3f}", *s.best_accuracy);
  // The threshold is the config's number, not the task's criterion: the line says which was met.
  const char* mark = reason == StopReason::Threshold ? "  THRESHOLD REACHED" : s.solved ? "  SOLVED" : "";
  spdlog::info("gen {:4d}  best {:10.4f}{}  mean {:10.4f}  species {:3d}  nodes/conns {:5.1f}/{:5.1f}  best {}/{}  "
               "evals {:8d}  {:7.3f}s{}",
               s.generation, s.best_fitness, metrics, s.mean_fitness, s.species.size(), s.mean_nodes,
               s.mean_connections, s.best_nodes, s.best_connections, s.evaluations, s.time_total, mark);
  if (s.retest_fitness) spdlog::debug("gen {:4d}  champion re-test {:10.4f}", s.generation, *s.retest_fitness);
  if (s.invalid_fitness)
    spdlog::warn("gen {}: {} genome(s) had NaN or infinite fitness and were given the generation's worst fitness",
                 s.generation, s.invalid_fitness);
  if (spdlog::should_log(spdlog::level::debug)) {
    for (const auto& sp : s.species)
      spdlog::debug("  species {:4d}  size {:4d}  best {:10.4f}  age {:4d}  stagnation {:3d}", sp.id, sp.size,
                    sp.best_fitness, sp.age, sp.stagnation);
  }
}

std::string stats_to_json(const GenerationStats& s) {
  nlohmann::ordered_json j;
  j["generation"] = s.generation;
  j["evaluations"] = s.evaluations;
  j["best_fitness"] = s.best_fitness;
  j["mean_fitness"] = s.mean_fitness;
  j["median_fitness"] = s.median_fitness;
  j["best_ever_fitness"] = s.best_ever_fitness;
  j["species_count"] = s.species.size();
  nlohmann::ordered_json species = nlohmann::ordered_json::array();
  for (const auto& sp : s.species) {
    nlohmann::ordered_json o;
    o["id"] = sp.id;
    o["size"] = sp.size;
    o["best_fitness"] = sp.best_fitness;
    o["age"] = sp.age;
    o["stagnation"] = sp.stagnation;
    species.push_back(std::move(o));
  }
  j["species"] = std::move(species);
  j["mean_nodes"] = s.mean_nodes;
  j["mean_connections"] = s.mean_connections;
  j["best_nodes"] = s.best_nodes;
  j["best_connections"] = s.best_connections;
  j["compatibility_threshold"] = s.compatibility_threshold;
  j["solved"] = s.solved;
  j["invalid_fitness"] = s.invalid_fitness;
  if (s.retest_fitness)  // only runs that re-test their champion (run.champion_episodes) have it
    j["retest_fitness"] = std::isfinite(*s.retest_fitness) ? nlohmann::ordered_json(*s.retest_fitness)
                                                           : nlohmann::ordered_json(nullptr);
  // Only for tasks that measure them; a loss that is not finite has no JSON number, so it is null.
  if (s.best_loss) j["best_loss"] = std::isfinite(*s.best_loss) ? nlohmann::ordered_json(*s.best_loss) : nullptr;
  if (s.best_accuracy) j["best_accuracy"] = *s.best_accuracy;
#define GANGLION_TIME_KEY(name, in_hist) j["time_" #name] = s.time_##name;
  GANGLION_GENERATION_TIMES(GANGLION_TIME_KEY)
#undef GANGLION_TIME_KEY
  return j.dump();
}

StatsWriter::StatsWriter(const std::string& path, bool append) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (append ? 0 : O_TRUNC), 0644);
  if (fd_ < 0) throw Error(path + ": cannot open for writing: " + std::strerror(errno));
  last_sync_ = std::chrono::steady_clock::now();
}

StatsWriter::~StatsWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void StatsWriter::on_generation(const GenerationStats& stats, const EvolutionState& state, StopReason reason) {
  (void)state;
  (void)reason;
  const std::string line = stats_to_json(stats) + '\n';
  write_all(fd_, line.data(), line.size(), path_);
  if (std::chrono::steady_clock::now() - last_sync_ >= std::chrono::seconds(1)) sync();
}

void StatsWriter::on_finish(const EvolutionState& state, StopReason reason) {
  (void)state;
  (void)reason;
  sync();
}

void StatsWriter::sync() {
  if (::fdatasync(fd_) != 0) throw Error(path_ + ": sync to disk failed: " + std::strerror(errno));
  last_sync_ = std::chrono::steady_clock::now();
}

}  // namespace ganglion
