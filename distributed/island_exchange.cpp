#include "distributed/island_exchange.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "core/genome/genome_codec.hpp"
#include "core/io/checkpoint_io.hpp"
#include "distributed/mpi_world.hpp"
#include "evolution/migration.hpp"

namespace ganglion {

namespace {

// What an island says in a generation's exchange.
enum Status : uint8_t { kChildren = 0, kNoChildren = 1, kStopped = 2 };

std::string number(double v) { return std::isfinite(v) ? fmt::format("{}", v) : "null"; }

}  // namespace

std::string IslandGeneration::json() const {
  std::vector<std::string> best;
  for (double f : best_fitness) best.push_back(number(f));
  std::vector<std::string> why;
  for (uint8_t r : stopped) why.push_back(r ? fmt::format("\"{}\"", stop_reason_name(StopReason(r))) : "null");
  std::string s = fmt::format("{{\"generation\":{},\"best_fitness\":[{}],\"best_genome\":[{}],\"stopped\":[{}]",
                              generation, fmt::join(best, ","), fmt::join(best_genome, ","), fmt::join(why, ","));
  if (!moves.empty()) {
    std::vector<std::string> ms;
    for (const Move& m : moves) {
      std::vector<std::string> f;
      for (double v : m.fitness) f.push_back(number(v));
      ms.push_back(fmt::format("{{\"from\":{},\"to\":{},\"genomes\":[{}],\"fitness\":[{}]}}", m.from, m.to,
                               fmt::join(m.genomes, ","), fmt::join(f, ",")));
    }
    s += fmt::format(",\"migrations\":[{}]", fmt::join(ms, ","));
  }
  return s + "}";
}

IslandExchange::IslandExchange(const Config& config, const MpiWorld& world) : config_(config), world_(world) {}

ChildrenHook IslandExchange::hook() {
  return [this](EvolutionState& state, std::vector<Genome>& children, const std::vector<uint8_t>& elite) {
    exchange(state, kChildren, &children, &elite, &state.innovations);
  };
}

void IslandExchange::after_step(const EvolutionState& state, StopReason reason) {
  if (state.history.empty()) return;
  const uint32_t generation = state.history.back().generation;
  if (exchanged_ && last_.generation == generation) {
    exchanged_ = false;
    return;
  }
  const uint8_t status = reason == StopReason::None ? uint8_t(kNoChildren) : uint8_t(kStopped + uint8_t(reason));
  exchange(state, status, nullptr, nullptr, nullptr);
  exchanged_ = false;
}

void IslandExchange::exchange(const EvolutionState& state, uint8_t status, std::vector<Genome>* children,
                              const std::vector<uint8_t>* elite, InnovationHistory* innovations) {
  const int islands = world_.size(), me = world_.rank();
  // The evaluated generation: the parents' in the hook, the last line of the history after a step.
  uint32_t generation = state.generation;
  double best_fitness = 0.0;
  uint64_t best_id = 0;
  std::vector<uint32_t> sent;
  if (children) {
    // The migrants are the island's best; without migration only the best one is ranked.
    const bool migrating = migrates_after(config_.distributed, generation, islands);
    const auto ranked = best_genomes(state, config_, migrating ? config_.distributed.migrants : 1);
    if (!ranked.empty()) {
      best_fitness = state.genomes[ranked[0]].fitness;
      best_id = state.genomes[ranked[0]].id;
    }
    if (migrating) sent = ranked;
  } else {
    const GenerationStats& s = state.history.back();
    generation = s.generation;
    best_fitness = s.best_fitness;
    best_id = s.best_genome_id;
  }

  BinaryWriter w;
  w.u8(status);
  w.u32(generation);
  w.f64(best_fitness);
  w.u64(best_id);
  w.u32(uint32_t(sent.size()));
  std::vector<Genome> out;
  for (uint32_t i : sent) {
    w.u64(state.genomes[i].id);
    w.f64(state.genomes[i].fitness);
    out.push_back(state.genomes[i]);
  }
  encode_genomes(w, out);
  const auto& bytes = w.data();
  const auto all = world_.allgather_bytes(std::string(bytes.begin(), bytes.end()));

  IslandGeneration g;
  g.generation = generation;
  g.best_fitness.resize(size_t(islands));
  g.best_genome.resize(size_t(islands));
  g.stopped.resize(size_t(islands));
  std::vector<std::vector<Genome>> migrants(static_cast<size_t>(islands));
  for (int r = 0; r < islands; ++r) {
    const std::string& blob = all[size_t(r)];
    BinaryReader in(reinterpret_cast<const uint8_t*>(blob.data()), blob.size(),
                    fmt::format("island exchange from rank {}", r));
    const uint8_t their_status = in.u8("status");
    const uint32_t their_generation = in.u32("generation");
    if (their_generation != generation)
      throw Error(fmt::format("islands out of step: rank {} is at generation {}, rank {} at generation {}", me,
                              generation, r, their_generation));
    g.best_fitness[size_t(r)] = in.f64("best fitness");
    g.best_genome[size_t(r)] = in.u64("best genome");
    g.stopped[size_t(r)] = their_status >= kStopped ? uint8_t(their_status - kStopped) : 0;
    const uint32_t count = in.u32("migrant count");
    IslandGeneration::Move move;
    move.from = r;
    for (uint32_t k = 0; k < count; ++k) {
      move.genomes.push_back(in.u64("migrant id"));
      move.fitness.push_back(in.f64("migrant fitness"));
    }
    migrants[size_t(r)] = decode_genomes(in, "migrants");
    if (migrants[size_t(r)].size() != count)
      throw Error(fmt::format("island exchange from rank {}: {} migrants announced, {} sent", r, count,
                              migrants[size_t(r)].size()));
    if (count) g.moves.push_back(std::move(move));
  }
  if (!g.moves.empty()) {
    const auto dest = migration_destinations(config_.distributed.topology, config_.seed, generation, islands);
    for (auto& m : g.moves) m.to = dest[size_t(m.from)];
    for (auto& m : g.moves) {
      if (m.to != me || !children) continue;
      const auto places = take_in(*children, *elite, migrants[size_t(m.from)], *innovations);
      for (uint32_t p : places) m.as.push_back((*children)[p].id);
      spdlog::debug("island {} took in genomes {} of island {} as {}", me, fmt::join(m.genomes, ", "), m.from,
                    fmt::join(m.as, ", "));
    }
  }
  last_ = std::move(g);
  exchanged_ = children != nullptr;
}

}  // namespace ganglion
