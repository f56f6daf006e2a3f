// What shard mode costs, generation by generation: a reporter that every rank runs (it gathers
// each rank's ShardCost on rank 0) and rank 0 writes as one JSON line per generation to
// <run folder>/distributed.jsonl:
//
//   {"generation":3,"ranks":2,"networks":[75,75],"time_evaluate":[0.012,0.011],
//    "time_communicate":[0.0004,0.0013],"bytes":[675,675]}
//
// Each array has one entry per rank: its share of the networks, the seconds it spent evaluating
// its share and in the gather (waiting for slower ranks included), the bytes it received. Its own
// file, so stats.jsonl stays the one-process run's. A resumed run appends to it.
#pragma once

#include <string>

#include "evolution/reporter.hpp"

namespace ganglion {

class MpiWorld;
class ShardEvaluation;

class ShardCosts final : public Reporter {
 public:
  explicit ShardCosts(const MpiWorld& world) : world_(world) {}
  // The run's evaluation (made with its session, after this reporter) and rank 0's run folder
  // (known once the session exists); both before the first generation. Until then, and on other
  // ranks for the folder, nothing is written.
  void watch(const ShardEvaluation* evaluation) { evaluation_ = evaluation; }
  void set_run_dir(std::string dir) { dir_ = std::move(dir); }
  void on_generation(const GenerationStats& stats, const EvolutionState& state, StopReason reason) override;

 private:
  const ShardEvaluation* evaluation_ = nullptr;
  const MpiWorld& world_;
  std::string dir_;
};

}  // namespace ganglion
