#include "evolution/reporter.hpp"

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
  }
  return "?";
}

void LogReporter::on_generation(const GenerationStats& s, const EvolutionState& state, StopReason reason) {
  (void)state;
  (void)reason;
  spdlog::info("gen {:4d}  best {:10.4f}  mean {:10.4f}  species {:3d}  nodes/conns {:5.1f}/{:5.1f}  best {}/{}  "
               "evals {:8d}  {:7.3f}s{}",
               s.generation, s.best_fitness, s.mean_fitness, s.species.size(), s.mean_nodes, s.mean_connections,
               s.best_nodes, s.best_connections, s.evaluations, s.time_total, s.solved ? "  SOLVED" : "");
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
#define GANGLION_TIME_KEY(name, in_hist) j["time_" #name] = s.time_##name;
  GANGLION_GENERATION_TIMES(GANGLION_TIME_KEY)
#undef GANGLION_TIME_KEY
  return j.dump();
}

StatsWriter::StatsWriter(const std::string& path, bool append)
    : path_(path), out_(path, append ? std::ios::app : std::ios::trunc) {
  if (!out_) throw Error(path + ": cannot open for writing");
}

void StatsWriter::on_generation(const GenerationStats& stats, const EvolutionState& state, StopReason reason) {
  (void)state;
  (void)reason;
  out_ << stats_to_json(stats) << '\n';
  out_.flush();
  if (!out_) throw Error(path_ + ": write failed");
}

}  // namespace ganglion
