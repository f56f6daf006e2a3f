// Checkpoints of a NEAT run: the whole EvolutionState (genomes, species with representatives and
// stagnation counters, innovation history, counters, best genome, statistics so far), the
// effective config as YAML and the task's state, in the container of core/io/checkpoint_io.hpp.
// Random streams need no saving: every stream is derived from (seed, purpose, generation, index).
//
// CheckpointWriter is the reporter that writes RUN_DIR/checkpoints/ckpt-<N>.gck, where N is the
// number of generations evaluated: resuming from it evaluates generation N next.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/io/checkpoint_io.hpp"
#include "core/config/config.hpp"
#include "core/task/task.hpp"
#include "evolution/reporter.hpp"
#include "evolution/state.hpp"

namespace ganglion {

// What a checkpoint holds besides the EvolutionState.
struct CheckpointInfo {
  // True when the state is the final, evaluated generation of a run that stopped (generation
  // limit, threshold, solved): resuming first makes the next generation from it (reproduce()),
  // exactly as the uninterrupted run would have. False when the state already holds the next
  // generation, unevaluated.
  bool needs_reproduce = false;
  std::string config_yaml;  // the effective config (config_to_yaml), which resume starts from
  std::string task_state;   // the task's own state; empty for stateless tasks
  std::string stop_reason;  // why the run stopped ("" while running; stop_reason_name otherwise)
};

struct Checkpoint {
  EvolutionState state;
  CheckpointInfo info;
  // Generations evaluated so far, which is also the next one to evaluate.
  uint32_t completed_generations() const { return info.needs_reproduce ? state.generation + 1 : state.generation; }
};

// `pool`, when given (a run's ExecutionContext), encodes and decodes genome chunks and zstd frames
// in parallel; without one the work is serial. The bytes never depend on it.
Bytes encode_checkpoint(const EvolutionState& state, const CheckpointInfo& info, ThreadPool* pool = nullptr);
// `origin` (the file) names the place in every error.
Checkpoint decode_checkpoint(const Bytes& body, const std::string& origin, ThreadPool* pool = nullptr);

// Refuses (CheckpointError naming `file` and the mismatch) a checkpoint whose state its own stored
// config could not have made: a population of another size than population_size, or a genome
// (in the population, a species representative, the best or the solution) whose input, output or
// bias nodes disagree with genome.num_inputs, num_outputs or bias_node. `config` is the stored
// config, before any resume override. Such a file is crafted or from a broken writer; resuming it
// would run a population the config does not describe.
void check_checkpoint_matches_config(const Checkpoint& checkpoint, const Config& config, const std::string& file);

// options.pool serves both the encoding and the compression.
void save_checkpoint(const std::string& path, const EvolutionState& state, const CheckpointInfo& info,
                     const ContainerOptions& options = {});
Checkpoint load_checkpoint(const std::string& path, CheckpointHeader* header = nullptr, ThreadPool* pool = nullptr);

// A checkpoint file from a path: a .gck file itself, a run folder (its newest checkpoint in
// checkpoints/) or a checkpoints folder. Throws CheckpointError when there is none.
std::string find_checkpoint(const std::string& run_dir_or_file);
// The run folder a checkpoint file belongs to (RUN_DIR for RUN_DIR/checkpoints/ckpt-N.gck).
std::string run_folder_of_checkpoint(const std::string& checkpoint_path);

// Where a CheckpointWriter sends its checkpoints instead of RUN_DIR/checkpoints: islands mode's
// ranks hand theirs to rank 0, which writes one file holding every island (tools/islands.cpp).
struct CheckpointSink {
  // The checkpoint after `completed` generations, as the bytes of a checkpoint file (a container).
  std::function<void(uint32_t completed, Bytes file)> take;
  // Whether checkpoint.seconds have passed: asked instead of this process's clock, so that every
  // island checkpoints at the same generation (rank 0's clock decides). Empty: never by time.
  std::function<bool()> due_by_time;
};

// Islands mode's checkpoint (docs/distributed.md): one file per generation holding every island,
// each island's checkpoint file (a container of its own) whole inside it. `run_id` is the islands
// run's (islands.json's), so that a checkpoint of another islands run is refused.
struct IslandsCheckpoint {
  std::string run_id;
  uint32_t completed = 0;      // generations evaluated, the same on every island
  std::vector<Bytes> islands;  // island r's checkpoint file bytes
};
Bytes encode_islands_checkpoint(const IslandsCheckpoint& checkpoint);
// Whether `body` (a container's) is an islands checkpoint.
bool is_islands_checkpoint(const Bytes& body);
IslandsCheckpoint decode_islands_checkpoint(const Bytes& body, const std::string& origin);
// Island `island` of an islands checkpoint file, unpacked; `origin` names the file.
Checkpoint island_checkpoint(const Bytes& island_file, const std::string& origin, int island, ThreadPool* pool = nullptr);

// Writes checkpoints when a run starts (its first generation, before it is evaluated), every
// `config.checkpoint.every` generations and whenever `config.checkpoint.seconds` have passed since
// the last one (0: neither), always at the end of a run (before the run folder's last files) and
// when it is interrupted, keeping the newest `config.checkpoint.keep`. So a run killed at any
// moment resumes, losing at most that much work.
class CheckpointWriter final : public Reporter {
 public:
  // `task`, when given, is asked for its state (Task::save_state) at every checkpoint; `pool`, when
  // given (the run's), encodes and compresses in parallel.
  CheckpointWriter(std::string run_dir, const Config& config, const Task* task = nullptr, ThreadPool* pool = nullptr);
  // Hands every checkpoint to `sink` instead (no file, no rotation; the sink's owner keeps them);
  // sink.take must be set.
  CheckpointWriter(CheckpointSink sink, const Config& config, const Task* task = nullptr, ThreadPool* pool = nullptr);
  void on_start(const EvolutionState& state) override;
  void on_generation(const GenerationStats& stats, const EvolutionState& state, StopReason reason) override;
  void on_finish(const EvolutionState& state, StopReason reason) override;
  const std::string& last_written() const { return last_path_; }

 private:
  void write(const EvolutionState& state, bool needs_reproduce, StopReason reason);
  std::string dir_;
  CheckpointSink sink_;
  std::string config_yaml_;
  const Task* task_;
  ThreadPool* pool_;
  uint32_t every_;
  double seconds_;
  uint32_t keep_;
  std::chrono::steady_clock::time_point last_time_ = std::chrono::steady_clock::now();
  int64_t last_completed_ = -1;
  std::string last_path_;
};

}  // namespace ganglion
