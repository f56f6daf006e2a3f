// Islands mode of the `ganglion` program (distributed.mode: islands, docs/distributed.md): under
// MPI every rank runs an island of its own, a complete run folder RUN_DIR/island-<rank>/ (config.yaml
// with the island's seed, stats.jsonl, best_genome.json, checkpoints), which that rank writes;
// rank 0 writes RUN_DIR/islands.json (the number of islands, the seed, the migration settings,
// at the end the whole run's stop reason and best island) and RUN_DIR/islands.jsonl (one line per
// generation: each island's best, the migrations made), and copies the best island's
// best_genome.json to RUN_DIR/best_genome.json at the end.
#pragma once

#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "evolution/session.hpp"
#include "tools/run_session.hpp"

namespace ganglion::cli {

// Whether `config` runs as islands in this job (distributed.mode: islands under more than one rank).
bool runs_as_islands(const Config& config);
// Whether `path` (a resume's argument) is the folder of an islands run (it holds islands.json).
bool is_islands_folder(const std::string& path);

// `options.run_dir` is the run folder (empty: default_run_folder); `options.reporters` go to this
// rank's island. Returns the exit code of the whole run's stop reason.
int run_islands(const Config& config, SessionOptions options, const StopOnSignal& signals);
// Resumes every island from the newest generation that all of them have a checkpoint of. Refused
// when the job's number of ranks is not the run's number of islands.
int resume_islands(const std::string& run_dir, const std::vector<std::string>& overrides, SessionOptions options,
                   const StopOnSignal& signals);

}  // namespace ganglion::cli
