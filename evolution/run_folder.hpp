// The run folder (docs/run-folder.md): config.yaml (the effective config), stats.jsonl (one line
// per generation) and best_genome.json, written by one reporter. Checkpoints and the report add
// their own files to the same folder.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "evolution/reporter.hpp"

namespace ganglion {

// runs/<config name>-<YYYYmmdd-HHMMSS> under config.run.out_dir (a numeric suffix when taken).
std::string default_run_folder(const Config& config);

// A run's identity (run.id, islands.json's run_id): 64 random bits as 16 hex digits. Random, not
// derived from the seed: two runs of one config are two runs.
std::string new_run_id();

// One process (and one session) per run folder: holds an exclusive lock on RUN_DIR/.lock for its
// lifetime, so that a second `run` or `resume` into the same folder is refused instead of mixing
// two runs' files. The lock is flock(2)'s, so the kernel releases it when the holder dies, however
// it dies; the file itself stays and names the last holder (pid, host), for the refusal's message.
class RunFolderLock {
 public:
  // Creates `dir` (and parents) and takes the lock; throws Error naming the folder and the holder
  // when another process or session has it.
  explicit RunFolderLock(const std::string& dir);
  ~RunFolderLock();
  RunFolderLock(const RunFolderLock&) = delete;
  RunFolderLock& operator=(const RunFolderLock&) = delete;

 private:
  int fd_ = -1;
};

// Removes the files `names` from `dir`, and the temp files of their atomic writes a kill left
// (".<name>.tmp-<pid>-<n>"): `--force` of a new run.
void remove_run_files(const std::string& dir, const std::vector<std::string>& names);
// Removes the checkpoint files of `dir` (ckpt-<N>.gck and their temp files), then `dir` when empty.
void remove_checkpoint_files(const std::string& dir);
// What `dir` holds but its lock file, sorted, for a refusal's message ("a, b, c, d, e and 3
// more"); "" when nothing.
std::string folder_contents_text(const std::string& dir);

// stats.jsonl's text for `history`: one stats_to_json line per generation.
std::string stats_lines(const std::vector<GenerationStats>& history);
// stats.jsonl replaced atomically by the lines of `history` (a resume cuts it back to its
// checkpoint; a finished folder a kill left short is completed).
void write_stats_file(const std::string& dir, const std::vector<GenerationStats>& history);
// What best_genome.json holds: the solution when the run solved the task, else the best genome
// ever, with its re-test when it had one; genome null before any genome was evaluated.
struct BestGenome {
  const Genome* genome = nullptr;
  const GenomeRetest* retest = nullptr;
};
BestGenome best_genome_of(const EvolutionState& state);
// best_genome.json: best_genome_of(state); nothing before any genome was evaluated.
void write_best_genome(const std::string& dir, const EvolutionState& state);

// events.jsonl: one JSON object per line for each start, resume and stop of the run
// (docs/run-folder.md), each appended in one write(2) so a kill leaves whole lines. The report
// marks resumes and shows the stop reason from it. `session` is "start" or "resume";
// `generation` the first generation the session evaluates; `checkpoint` and `overrides` only for a
// resume.
struct SessionEvent {
  std::string session;
  uint32_t generation = 0;
  std::string task;
  std::string backend;          // the evaluator that runs it ("cpu", "cuda", ...), not the config's "auto"
  std::string solve_criterion;  // Task::solve_criterion(); "" when the task does not say
  std::string checkpoint;
  std::vector<std::string> overrides;
};
void append_session_event(const std::string& dir, const SessionEvent& event);

class RunFolder final : public Reporter {
 public:
  // Creates `dir` (and parents) and writes config.yaml at once. `resume` appends to stats.jsonl.
  RunFolder(std::string dir, const Config& config, bool resume = false);
  const std::string& dir() const { return dir_; }
  void on_generation(const GenerationStats& stats, const EvolutionState& state, StopReason reason) override;
  void on_finish(const EvolutionState& state, StopReason reason) override;
  void write_best(const EvolutionState& state) const { write_best_genome(dir_, state); }

 private:
  std::string dir_;
  std::unique_ptr<StatsWriter> stats_;
};

}  // namespace ganglion
