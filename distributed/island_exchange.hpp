// Islands mode (docs/distributed.md): one population per rank of an MPI job, each a run of its own
// (island r's seed island_seed(seed, r)), with the best `distributed.migrants` genomes of every
// island sent every `distributed.interval` generations to another island (topology ring: to rank
// r + 1; random: along a cycle through all islands drawn from the seed and the generation), where
// they replace the last children that are not elite copies (evolution/migration.hpp).
// Deterministic for a given seed and number of ranks.
//
// One collective per generation, in step on every rank: after generation g is evaluated every
// island takes part in the exchange of g, from its reproduction (the session's ChildrenHook, so
// the migrants are in the population that the generation's checkpoint holds) or, when it made no
// children (it stopped, or restarted after an extinction), from after_step() with nothing to send.
// The exchange also carries each island's best fitness and whether it stopped, so every rank
// knows when any island stopped (the whole run stops with it) and rank 0 can write islands.jsonl.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "evolution/migration.hpp"
#include "evolution/reporter.hpp"
#include "evolution/reproduction.hpp"
#include "evolution/state.hpp"

namespace ganglion {

class MpiWorld;

// One generation of the island run, as every rank learns it from the exchange.
struct IslandGeneration {
  uint32_t generation = 0;
  std::vector<double> best_fitness;   // per island
  std::vector<uint64_t> best_genome;  // per island: its best genome's id
  std::vector<uint8_t> stopped;       // per island: its StopReason after this generation (0: it goes on)
  struct Move {
    int from = 0, to = 0;
    std::vector<uint64_t> genomes;  // the sender's ids, best first
    std::vector<double> fitness;
    std::vector<uint64_t> as;       // filled on the receiving rank only: the ids they got there
  };
  std::vector<Move> moves;  // empty in generations without migration
  // islands.jsonl's line (no trailing newline).
  std::string json() const;
};

class IslandExchange {
 public:
  // `config` is the run's (distributed.* as given; its seed the run's, not an island's).
  IslandExchange(const Config& config, const MpiWorld& world);
  // The session's ChildrenHook: sends this island's migrants, takes in the ones sent to it.
  ChildrenHook hook();
  // After every step: an island that made no children in it (`state` is its evaluated generation)
  // takes part in that generation's exchange here. Then last() is the generation's.
  void after_step(const EvolutionState& state, StopReason reason);
  const IslandGeneration& last() const { return last_; }
  // Whether last() came from a reproduction that no after_step() has followed yet (the
  // reproduction a resume of a finished run makes, before its first step).
  bool pending() const { return exchanged_; }

 private:
  void exchange(const EvolutionState& state, uint8_t status, std::vector<Genome>* children,
                const std::vector<uint8_t>* elite, InnovationHistory* innovations);

  Config config_;
  const MpiWorld& world_;
  IslandGeneration last_;
  bool exchanged_ = false;  // the current generation's exchange happened (in the hook)
};

}  // namespace ganglion
