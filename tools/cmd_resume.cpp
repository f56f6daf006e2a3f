// `ganglion resume RUN_DIR_OR_CHECKPOINT`: continues a run from a checkpoint so that the result
// is the run that was never interrupted: stats.jsonl (apart from time_ fields) and
// best_genome.json come out identical. stats.jsonl is rebuilt from the checkpoint's statistics,
// then appended to. Only settings that cannot change the course of evolution may be changed.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "core/io/checkpoint_io.hpp"
#include "core/config/config.hpp"
#include "core/task/task.hpp"
#include "evolution/checkpoint.hpp"
#include "evolution/engine.hpp"
#include "evolution/reproduction.hpp"
#include "evolution/run_folder.hpp"
#include "gpu/backend.hpp"
#include "tools/command.hpp"
#include "tools/run_session.hpp"

namespace ganglion::cli {
namespace {

namespace fs = std::filesystem;

struct ResumeOptions {
  std::string from;
  std::vector<std::string> sets;
  int64_t generations = -1;
  int64_t threads = -1;
  std::string out;
  bool quiet = false;
  bool verbose = false;
};

// Keys that change how, where or how long the run goes, never what it computes.
bool resumable_key(const std::string& key) {
  auto under = [&](const char* section) { return key.rfind(section, 0) == 0; };
  return key == "run.generations" || key == "backend" || key == "threads" || under("log.") ||
         under("checkpoint.") || under("cuda.");
}

std::string trim(std::string s) {
  const char* ws = " \t";
  s.erase(0, s.find_first_not_of(ws));
  s.erase(s.find_last_not_of(ws) + 1);
  return s;
}

void apply_resume_override(Config& config, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos)
    throw ConfigError(fmt::format("--set {}: expected key=value, e.g. --set run.generations=200", assignment));
  const std::string key = trim(assignment.substr(0, eq));
  if (!resumable_key(key)) {
    const auto keys = config_keys();
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      apply_override(config, assignment);  // an unknown key: the loader's message names the nearest
    }
    throw ConfigError(fmt::format(
        "--set {}: '{}' cannot change when resuming: it changes how evolution proceeds, so the resumed run would "
        "no longer be the one that was interrupted. Keys that can change: run.generations, log.*, checkpoint.*, "
        "backend, threads, cuda.* (start a new run with `ganglion run` to change others)",
        assignment, key));
  }
  apply_override(config, assignment);
}

int resume_command(const ResumeOptions& o) {
  const std::string file = find_checkpoint(o.from);
  CheckpointHeader header;
  Checkpoint ck = load_checkpoint(file, &header);
  Config config = parse_config(ck.info.config_yaml, file + " (effective config)");
  std::vector<std::string> overrides = o.sets;
  if (o.generations >= 0) overrides.push_back("run.generations=" + std::to_string(o.generations));
  if (o.threads >= 0) overrides.push_back("threads=" + std::to_string(o.threads));
  for (const auto& s : overrides) apply_resume_override(config, s);
  const std::string changed = fmt::format("{}", fmt::join(overrides, ", "));

  spdlog::set_level(spdlog::level::from_str(config.log.level));
  if (o.quiet) spdlog::set_level(spdlog::level::warn);
  if (o.verbose) spdlog::set_level(spdlog::level::debug);
  if (config.threads) ThreadPool::set_default_threads(config.threads);

  const uint32_t done = ck.completed_generations();
  if (config.run.generations <= done)
    throw Error(fmt::format("{}: the run has {} generation(s) evaluated already and its limit is run.generations = {}; "
                            "pass --generations N with N > {} to run further",
                            file, done, config.run.generations, done));
  if (!ck.info.stop_reason.empty() && ck.info.stop_reason != stop_reason_name(StopReason::Interrupted) &&
      ck.info.stop_reason != stop_reason_name(StopReason::GenerationLimit))
    spdlog::warn("the run had stopped ({}); it goes on as if it had not", ck.info.stop_reason);
  const std::string run_dir = o.out.empty() ? run_folder_of_checkpoint(file) : o.out;
  auto task = TaskRegistry::instance().create(config);
  try {
    task->restore_state(ck.info.task_state);
  } catch (const Error& e) {
    throw CheckpointError(file + ": the task's state: " + e.what());
  }
  ExecutionContext execution = make_execution_context(config);  // threads and backend (fused episodes on CUDA)
  Engine engine(config, *task, execution);

  // stats.jsonl as it was when the checkpoint was written (later lines belonged to a run that
  // did not get saved), then the run folder appends to it.
  fs::create_directories(run_dir);
  std::string lines;
  for (const auto& s : ck.state.history) lines += stats_to_json(s) + "\n";
  write_file_atomic((fs::path(run_dir) / "stats.jsonl").string(), lines.data(), lines.size());
  RunFolder folder(run_dir, config, /*resume=*/true);
  CheckpointWriter checkpoints(run_dir, config, task.get());
  LogReporter log;

  EvolutionState state = std::move(ck.state);
  if (ck.info.needs_reproduce) {
    // The checkpoint holds the final evaluated generation of a finished run: make the next one as
    // the engine's step() would have (reproduction depends only on the state, config and seed).
    reproduce(state, config, execution.pool());
  }
  engine.restore(std::move(state));
  engine.add_reporter(&log);
  engine.add_reporter(&folder);
  engine.add_reporter(&checkpoints);
  spdlog::info("resume '{}' from {} (generation {}): task {}, backend {}, up to {} generations -> {}", config.name,
               file, done, task->name(), execution.backend().name(), config.run.generations, run_dir);
  if (!overrides.empty()) spdlog::info("changed on resume (none of these alters the course of the run): {}", changed);

  const StopReason reason = run_until_stopped(engine);
  spdlog::info("run folder: {}; checkpoint: {}", run_dir, checkpoints.last_written());
  return exit_code_for(reason);
}

std::function<int()> setup(CLI::App& app) {
  auto o = std::make_shared<ResumeOptions>();
  app.add_option("from", o->from, "run folder (its newest checkpoint), checkpoints folder or .gck file")->required();
  app.add_option("--generations", o->generations, "new generation limit (same as --set run.generations=N)");
  app.add_option("--set", o->sets,
                 "change a setting that keeps the run exact: run.generations, log.*, checkpoint.*, backend, threads, "
                 "cuda.* (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--threads", o->threads, "threads, 0 = all cores (same as --set threads=N)");
  app.add_option("--out", o->out, "write into this run folder instead of the checkpoint's");
  app.add_flag("-q,--quiet", o->quiet, "only warnings and errors");
  app.add_flag("-v,--verbose", o->verbose, "debug output (per-species lines)");
  return [o] { return resume_command(*o); };
}

}  // namespace
GANGLION_COMMAND("resume", "continue a run from its newest checkpoint (or a given one), exactly as if never stopped",
                 setup);
}  // namespace ganglion::cli
