// EvolutionState: everything a NEAT run needs to make its next generation, in one plain struct.
// Checkpoints (issue 6) serialise exactly this (plus the config); the Engine keeps no other state,
// so restoring it and stepping on gives bit-for-bit the run that was never interrupted.
//
// Every container here is ordered (vectors sorted by id, std::map), never hashed, so iteration
// order is part of the data and never depends on pointers or on the thread count.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/genome/genome.hpp"

namespace ganglion {

// A species: its representative (the genome new genomes are compared with) and its history.
struct Species {
  uint32_t id = 0;
  uint32_t created = 0;        // generation in which it appeared
  uint32_t last_improved = 0;  // generation in which best_score last rose
  double best_score = 0.0;     // best score (fitness, sign-adjusted for minimisation) ever seen
  bool has_best = false;       // best_score is meaningful (false until its first evaluation)
  Genome representative;
  std::vector<uint32_t> members;  // indices into EvolutionState::genomes, ascending

  uint32_t age(uint32_t generation) const { return generation - created; }
  uint32_t stagnation(uint32_t generation) const { return generation - last_improved; }
};

// The node and connection ids a split of one connection received in the current generation.
struct SplitRecord {
  int32_t node = 0;
  int64_t in_innovation = 0;   // source -> node
  int64_t out_innovation = 0;  // node -> target
};

// Innovation numbers are shared within one generation (Stanley & Miikkulainen 2002, sec. 3.2):
// the same new connection, or the same split of a connection, made by two children of one
// generation gets the same innovation number and node id. The maps are cleared each generation.
struct InnovationHistory {
  int64_t next_innovation = 0;
  int32_t next_node_id = 0;
  std::map<std::pair<int32_t, int32_t>, int64_t> connections;  // (source, target) -> innovation
  std::map<int64_t, SplitRecord> splits;                       // split connection's innovation -> ids
};

// One generation's numbers, as written to stats.jsonl (docs/run-folder.md).
struct SpeciesStats {
  uint32_t id = 0;
  uint32_t size = 0;
  double best_fitness = 0.0;
  uint32_t age = 0;
  uint32_t stagnation = 0;
};

// The timed parts of one generation, in the order they run; each is a GenerationStats field
// time_<name> and the stats.jsonl key of that name (docs/run-folder.md says what each covers).
// in_hist: stored in the checkpoint's HIST section (the first four, as format version 1 began);
// the others go to its TIME section by name.
#define GANGLION_GENERATION_TIMES(X) \
  X(compile, true)                   \
  X(upload, false)                   \
  X(evaluate, true)                  \
  X(communicate, false)              \
  X(statistics, false)               \
  X(reproduce, true)                 \
  X(speciate, false)                 \
  X(reporters, false)                \
  X(total, true)

struct GenerationStats {
  uint32_t generation = 0;
  uint64_t evaluations = 0;  // cumulative, this generation included
  double best_fitness = 0.0;
  double mean_fitness = 0.0;
  double median_fitness = 0.0;
  double best_ever_fitness = 0.0;
  std::vector<SpeciesStats> species;  // sorted by id
  double mean_nodes = 0.0;            // hidden + output nodes
  double mean_connections = 0.0;      // enabled connections
  uint32_t best_nodes = 0;
  uint32_t best_connections = 0;
  uint64_t best_genome_id = 0;
  double compatibility_threshold = 0.0;
  bool solved = false;
  uint32_t invalid_fitness = 0;  // NaN/Inf fitness values replaced by the worst fitness
  // The champion re-test (run.champion_episodes): the fitness over fresh episodes of this
  // generation's re-tested genome (its best, or its best solver); empty when the run re-tests none.
  std::optional<double> retest_fitness;
  // The best genome's loss and accuracy, for tasks that measure them (Task::network_metrics).
  std::optional<double> best_loss;
  std::optional<double> best_accuracy;
  // Wall-clock seconds, one per GANGLION_GENERATION_TIMES entry: the only non-deterministic content.
#define GANGLION_TIME_MEMBER(name, in_hist) double time_##name = 0.0;
  GANGLION_GENERATION_TIMES(GANGLION_TIME_MEMBER)
#undef GANGLION_TIME_MEMBER
};

// Sets every time_ field to 0, so that two runs' statistics compare equal when their results are.
inline void clear_times(GenerationStats& s) {
#define GANGLION_TIME_CLEAR(name, in_hist) s.time_##name = 0.0;
  GANGLION_GENERATION_TIMES(GANGLION_TIME_CLEAR)
#undef GANGLION_TIME_CLEAR
}

struct EvolutionState {
  uint32_t generation = 0;      // the generation held in `genomes` (evaluated or not yet)
  uint64_t evaluations = 0;     // genome evaluations so far
  uint64_t next_genome_id = 0;
  uint32_t next_species_id = 0;
  double compatibility_threshold = 3.0;
  std::vector<Genome> genomes;  // the current population, in child order
  std::vector<Species> species;  // sorted by id
  InnovationHistory innovations;
  bool has_best = false;
  Genome best;                  // best genome ever evaluated (its fitness field set)
  bool solved = false;          // a genome solved the task (or reached the threshold)
  Genome solution;              // the best genome of the first generation that solved (when solved)
  // Runs that re-test their champion (run.champion_episodes): `best` is the re-tested genome with
  // the best re-test so far, and these are the re-tests of `best` and `solution`.
  std::optional<GenomeRetest> best_retest;
  std::optional<GenomeRetest> solution_retest;
  uint64_t restarts = 0;        // extinctions followed by a fresh population
  std::vector<GenerationStats> history;
};

}  // namespace ganglion
