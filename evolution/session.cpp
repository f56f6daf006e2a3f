#include "evolution/session.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/config/config_paths.hpp"
#include "core/error.hpp"
#include "core/io/checkpoint_io.hpp"
#include "core/io/read_file.hpp"
#include "core/parallel.hpp"
#include "core/task/plugin_trust.hpp"
#include "evolution/checkpoint.hpp"
#include "evolution/engine.hpp"
#include "evolution/reproduction.hpp"
#include "evolution/run_folder.hpp"

namespace ganglion {

namespace fs = std::filesystem;

namespace {

std::string trim(std::string s) {
  const char* ws = " \t";
  s.erase(0, s.find_first_not_of(ws));
  s.erase(s.find_last_not_of(ws) + 1);
  return s;
}

std::unique_ptr<Task> make_task(const SessionBackends& backends, Config& config) {
  return backends.make_task ? backends.make_task(config) : TaskRegistry::instance().create(config, &config.task.params);
}

std::unique_ptr<ExecutionContext> make_execution(const SessionBackends& backends, const Config& config) {
  if (!backends.make_execution)
    throw Error("session: no execution-context factory was given (SessionBackends::make_execution; the "
                "library's is gpu/backend.hpp's make_execution_context)");
  return std::make_unique<ExecutionContext>(backends.make_execution(config));
}

// What a new run may find in its folder: nothing, or only the lock file of an earlier session.
// `overwrite` removes what a run writes first; anything else left is refused.
void prepare_new_run_folder(const std::string& dir, bool overwrite) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  if (!fs::is_directory(dir, ec)) throw Error(dir + ": not a folder (a run writes a folder of files there)");
  if (overwrite) {
    remove_run_files(dir, {"config.yaml", "stats.jsonl", "best_genome.json", "report.html", "distributed.jsonl",
                           "events.jsonl"});
    remove_checkpoint_files((fs::path(dir) / "checkpoints").string());
  }
  const std::string list = folder_contents_text(dir);
  if (list.empty()) return;
  if (overwrite)
    throw Error(fmt::format("{}: the folder holds files a run does not write ({}); a new run starts only in an empty "
                            "folder or a run folder: move them, or choose another --out",
                            dir, list));
  throw Error(fmt::format("{}: the folder is not empty ({}); resume the run there with `ganglion resume {}`, choose "
                          "another --out, or start over with --force (deletes the run's files)",
                          dir, list, dir));
}

StopReason stop_reason_from_name(const std::string& name) {
  for (StopReason r : {StopReason::Solved, StopReason::Threshold, StopReason::GenerationLimit, StopReason::Interrupted})
    if (name == stop_reason_name(r)) return r;
  return StopReason::None;
}

// A checkpoint belongs to the run folder it resumes into: the folder's config.yaml (when there is
// one) must be of the same run and, apart from keys that may change on resume, the same config.
void check_same_run(const std::string& run_dir, const std::string& checkpoint, const Config& ck_config) {
  const std::string path = (fs::path(run_dir) / "config.yaml").string();
  std::error_code ec;
  if (!fs::exists(path, ec)) return;  // a folder of checkpoints alone: the checkpoint is the run
  Config folder;
  try {
    folder = load_config(path);
  } catch (const Error& e) {
    throw CheckpointError(fmt::format("{}: the run folder's config.yaml cannot be read ({}); move it away to resume "
                                      "from {} alone",
                                      path, e.what(), checkpoint));
  }
  if (!folder.run.id.empty() && !ck_config.run.id.empty() && folder.run.id != ck_config.run.id)
    throw CheckpointError(fmt::format("{}: the checkpoint is of run {}, but the run folder {} is of run {} (its "
                                      "config.yaml); resume the checkpoint into its own folder with --out",
                                      checkpoint, ck_config.run.id, run_dir, folder.run.id));
  const auto differ = fixed_keys_that_differ(folder, ck_config);
  if (!differ.empty())
    throw CheckpointError(fmt::format("{}: the checkpoint's config differs from the run folder's {} in {}; it is of "
                                      "another config: resume it into its own folder with --out",
                                      checkpoint, path, fmt::join(differ, ", ")));
}

// A finished run's folder as the end of the run leaves it. The final checkpoint is written first,
// so a run killed just after it may lack its last stats.jsonl lines or best_genome.json: they are
// written from the checkpoint. A complete folder is left untouched.
void complete_finished_folder(const std::string& run_dir, const EvolutionState& state) {
  const std::string stats_path = (fs::path(run_dir) / "stats.jsonl").string();
  std::string now, problem;
  read_regular_file(stats_path, "stats file", now, problem);
  if (size_t(std::count(now.begin(), now.end(), '\n')) != state.history.size()) write_stats_file(run_dir, state.history);
  std::error_code ec;
  if (!fs::exists(fs::path(run_dir) / "best_genome.json", ec)) write_best_genome(run_dir, state);
}

}  // namespace

bool resumable_key(const std::string& key) { return key_resumable(key); }

std::string resumable_keys_text() { return fmt::format("{}", fmt::join(resumable_keys(), ", ")); }

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
        "no longer be the one that was interrupted. Keys that can change: {} (start a new run with `ganglion run` "
        "to change others)",
        assignment, key, resumable_keys_text()));
  }
  apply_override(config, assignment);
}

// Members are destroyed in reverse order of declaration: the engine before the task and the
// execution context it refers to.
struct Session::Impl {
  SessionOrigin origin;
  std::string run_dir;
  // Held while the run can write its folder: released when it stops (every file written then), or
  // with the session; declared before the writers so that it outlives them.
  std::unique_ptr<RunFolderLock> lock;
  std::unique_ptr<Task> task;
  std::unique_ptr<ExecutionContext> execution;
  std::unique_ptr<Decoder> decoder;                  // with `evaluation`: a caller's evaluation
  std::unique_ptr<PopulationEvaluation> evaluation;  // empty: the engine's own TaskEvaluation
  std::unique_ptr<Engine> engine;
  std::unique_ptr<RunFolder> folder;
  std::unique_ptr<CheckpointWriter> checkpoints;
  std::vector<Reporter*> reporters;  // the user's, then the folder and the checkpoint writer
  bool begun = false;
  StopReason reason = StopReason::None;
  // Set when a step threw (a task failed, a file could not be written): the task's own state may
  // be half updated, so the session writes nothing more and the last checkpoint stays the one
  // to resume from.
  std::string failed;
  double seconds = 0.0;

  // The run folder's events.jsonl line of this session (run_folder.hpp).
  SessionEvent event(const std::string& kind, uint32_t generation) const {
    SessionEvent e;
    e.session = kind;
    e.generation = generation;
    e.task = task->name();
    e.backend = execution->backend().name();
    e.solve_criterion = task->solve_criterion();
    return e;
  }

  // The task, execution context and engine come before any file, so that a bad config or a missing device
  // leaves no folder behind. (Resume restores the task's state between the two.)
  // A new run completes its config from the task (Session::start). A resumed run keeps the
  // checkpoint's config as it is: the run folder's other checkpoints hold that text, and a
  // resume from one of them compares it with config.yaml.
  void make_task_for(Config& config, const SessionBackends& backends) {
    task = make_task(backends, config);
    if (!task) throw Error("session: the task factory returned no task");
    complete_genome_counts(config, *task);
  }
  void make_task_for_resume(const Config& config, const SessionBackends& backends) {
    Config copy = config;
    task = make_task(backends, copy);
    if (!task) throw Error("session: the task factory returned no task");
  }
  void make_engine_for(const Config& config, const SessionBackends& backends) {
    execution = make_execution(backends, config);
    if (!backends.make_evaluation) {
      engine = std::make_unique<Engine>(config, *task, *execution);
      return;
    }
    evaluation = backends.make_evaluation(config, *task, *execution);
    if (!evaluation) throw Error("session: the population evaluation factory returned none");
    CompileOptions compile;
    compile.feed_forward = config.genome.feed_forward;
    decoder = std::make_unique<DirectDecoder>(compile, execution->pool());
    engine = std::make_unique<Engine>(config, *execution, *decoder, *evaluation);
  }
  void attach(const SessionOptions& options, const Config& config) {
    reporters = options.reporters;
    if (options.writes_files) {
      checkpoints = std::make_unique<CheckpointWriter>(run_dir, config, task.get(), &execution->pool());
      // The checkpoint first: at the end of a run it is written before best_genome.json, so a
      // failure while writing the folder's files leaves a run that resumes.
      reporters.push_back(checkpoints.get());
      reporters.push_back(folder.get());
    } else if (options.checkpoint_sink.take) {
      checkpoints = std::make_unique<CheckpointWriter>(options.checkpoint_sink, config, task.get(), &execution->pool());
      reporters.push_back(checkpoints.get());
    }
    for (Reporter* r : reporters) engine->add_reporter(r);
    engine->set_children_hook(options.children_hook);
  }
  void begin() {
    if (begun) return;
    begun = true;
    for (Reporter* r : reporters) r->on_start(engine->state());
  }
  void finish(StopReason why) {
    reason = why;
    for (Reporter* r : reporters) r->on_finish(engine->state(), why);
    lock.reset();  // a stopped session writes nothing more; the folder may be resumed at once
  }
  StopReason step() {
    if (!failed.empty())
      throw Error(fmt::format("{}: the run failed ({}); resume it from its last checkpoint", run_dir, failed));
    if (reason != StopReason::None)
      throw Error(fmt::format("{}: the run has stopped ({}); resume it to go further", run_dir,
                              stop_reason_name(reason)));
    begin();
    const auto t0 = std::chrono::steady_clock::now();
    StopReason r = StopReason::None;
    try {
      r = engine->step();
    } catch (const std::exception& e) {
      if (!task->state_survives_failed_evaluation()) {
        failed = e.what();
        lock.reset();
      }
      throw;
    }
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
  }
};

Session::Session(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

Session Session::start(const Config& given, const SessionBackends& backends, const SessionOptions& options) {
  Config config = given;
  config.run.id = new_run_id();
  record_file_hashes(config);  // a resume, or a re-run of config.yaml, then reads the same data
  record_task_plugin(config);  // the plug-in's hash and ABI, for config.yaml and every checkpoint
  auto impl = std::make_unique<Impl>();
  impl->make_task_for(config, backends);
  impl->make_engine_for(config, backends);
  impl->run_dir = options.run_dir.empty() ? default_run_folder(config) : options.run_dir;
  if (options.writes_files) {
    impl->lock = std::make_unique<RunFolderLock>(impl->run_dir);
    prepare_new_run_folder(impl->run_dir, options.overwrite);
    impl->folder = std::make_unique<RunFolder>(impl->run_dir, config);
    append_session_event(impl->run_dir, impl->event("start", 0));
  }
  impl->attach(options, config);
  impl->engine->init();
  return Session(std::move(impl));
}

Session Session::resume(const std::string& run_dir_or_checkpoint, const std::vector<std::string>& overrides,
                        const SessionBackends& backends, const SessionOptions& options) {
  auto impl = std::make_unique<Impl>();
  // The folder is locked before its checkpoints are looked at: a run that holds it may be
  // replacing them. Then the newest checkpoint is found again, under the lock.
  impl->run_dir = options.run_dir.empty() ? run_folder_of_checkpoint(find_checkpoint(run_dir_or_checkpoint))
                                          : options.run_dir;
  if (options.writes_files) impl->lock = std::make_unique<RunFolderLock>(impl->run_dir);
  const std::string file = find_checkpoint(run_dir_or_checkpoint);
  // The run's threads are in the checkpoint's config, so the checkpoint is read on a pool of its
  // own (every core), gone before the run's execution context is made.
  Checkpoint ck = [&] {
    ThreadPool loader;
    return load_checkpoint(file, nullptr, &loader);
  }();
  // The generation inside decides, never the file's name: a renamed or copied-over checkpoint
  // would otherwise be taken for a later point of the run (and outlive the run's own files, since
  // rotation keeps the highest numbers).
  const std::string base = fs::path(file).filename().string();
  for (const auto& f : list_checkpoints(fs::path(file).parent_path().string()))
    if (fs::path(f.path).filename() == base && f.generation != ck.completed_generations())
      throw CheckpointError(fmt::format("{}: the file is named for generation {} but holds the run after {} "
                                        "generation(s); rename it {} or move it away",
                                        file, f.generation, ck.completed_generations(),
                                        checkpoint_file_name(ck.completed_generations())));
  return resume_loaded(std::move(impl), std::move(ck), file, overrides, backends, options);
}

Session Session::resume_from(Checkpoint checkpoint, const std::string& origin, const std::vector<std::string>& overrides,
                             const SessionBackends& backends, const SessionOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->run_dir = options.run_dir;
  if (options.writes_files) {
    if (impl->run_dir.empty()) throw Error(origin + ": a session resumed from a checkpoint in memory needs a run folder");
    impl->lock = std::make_unique<RunFolderLock>(impl->run_dir);
  }
  return resume_loaded(std::move(impl), std::move(checkpoint), origin, overrides, backends, options);
}

Session Session::resume_loaded(std::unique_ptr<Impl> impl, Checkpoint ck, const std::string& file,
                               const std::vector<std::string>& overrides, const SessionBackends& backends,
                               const SessionOptions& options) {
  Config config = parse_config(ck.info.config_yaml, file + " (effective config)");
  check_checkpoint_matches_config(ck, config, file);
  if (options.writes_files) check_same_run(impl->run_dir, file, config);  // as written, before any change
  const TaskConfig recorded_task = config.task;
  for (const auto& s : overrides) apply_resume_override(config, s);
  confirm_resumed_task_plugin(recorded_task, config, overrides, options.trust_plugin, file);  // before any load

  const uint32_t done = ck.completed_generations();
  const StopReason stopped = stop_reason_from_name(ck.info.stop_reason);
  impl->origin.checkpoint = file;
  impl->origin.generations_done = done;
  impl->origin.stopped_as = ck.info.stop_reason;
  impl->origin.overrides = overrides;
  // A finished run resumed again with nothing new to do stays as it is: resuming twice must not
  // add a generation each time. A solved or threshold-stopped run would stop again at once; a run
  // at its generation limit goes on only when the limit is raised.
  if ((stopped == StopReason::Solved || stopped == StopReason::Threshold) ||
      (stopped == StopReason::GenerationLimit && config.run.generations <= done)) {
    impl->origin.nothing_to_do = true;
    impl->reason = stopped;
    if (options.writes_files) complete_finished_folder(impl->run_dir, ck.state);
    impl->lock.reset();
    impl->make_task_for_resume(config, backends);
    impl->make_engine_for(config, backends);
    impl->engine->restore(std::move(ck.state));
    return Session(std::move(impl));
  }
  if (config.run.generations <= done)
    throw Error(fmt::format("{}: the run has {} generation(s) evaluated already and its limit is run.generations = {}; "
                            "pass --generations N with N > {} to run further",
                            file, done, config.run.generations, done));

  impl->make_task_for_resume(config, backends);
  try {
    impl->task->restore_state(ck.info.task_state);
  } catch (const Error& e) {
    throw CheckpointError(file + ": the task's state: " + e.what());
  }
  impl->make_engine_for(config, backends);

  // stats.jsonl as it was when the checkpoint was written (later lines belonged to a run that
  // did not get saved), then the run folder appends to it.
  if (options.writes_files) {
    write_stats_file(impl->run_dir, ck.state.history);
    impl->folder = std::make_unique<RunFolder>(impl->run_dir, config, /*resume=*/true);
    SessionEvent event = impl->event("resume", done);
    event.checkpoint = file;
    event.overrides = overrides;
    append_session_event(impl->run_dir, event);
  }
  impl->attach(options, config);

  EvolutionState state = std::move(ck.state);
  if (ck.info.needs_reproduce) {
    // The checkpoint holds the final evaluated generation of a finished run: make the next one as
    // the engine's step() would have (reproduction depends only on the state, config and seed).
    reproduce(state, config, impl->execution->pool(), nullptr, &impl->engine->children_hook());
  }
  impl->engine->restore(std::move(state));
  return Session(std::move(impl));
}

void Session::begin() { impl_->begin(); }

StopReason Session::step() {
  const StopReason r = impl_->step();
  if (r != StopReason::None) impl_->finish(r);
  return r;
}

StopReason Session::run(const std::atomic<bool>* stop) {
  if (impl_->reason != StopReason::None) return impl_->reason;  // a resumed run with nothing to do
  StopReason r = StopReason::None;
  while (r == StopReason::None) {
    r = impl_->step();
    if (r == StopReason::None && stop && stop->load()) r = StopReason::Interrupted;
  }
  impl_->finish(r);
  return r;
}

void Session::interrupt() {
  if (impl_->reason != StopReason::None || !impl_->failed.empty()) return;
  impl_->begin();
  impl_->finish(StopReason::Interrupted);
}

const EvolutionState& Session::state() const { return impl_->engine->state(); }
StopReason Session::stop_reason() const { return impl_->reason; }
const SessionOrigin& Session::origin() const { return impl_->origin; }
const Config& Session::config() const { return impl_->engine->config(); }
const std::string& Session::run_dir() const { return impl_->run_dir; }
std::string Session::task_name() const { return impl_->task->name(); }
std::string Session::evaluator_name() const { return impl_->execution->backend().name(); }

RunSummary Session::summary() const {
  const EvolutionState& st = state();
  RunSummary s;
  s.reason = impl_->reason;
  s.generations = st.history.empty() ? 0 : st.history.back().generation + 1;
  s.evaluations = st.evaluations;
  s.seconds = impl_->seconds;
  s.solved = st.solved;
  s.best = st.solved ? st.solution : st.best;
  s.run_dir = impl_->run_dir;
  s.checkpoint = impl_->checkpoints ? impl_->checkpoints->last_written() : impl_->origin.checkpoint;
  return s;
}

}  // namespace ganglion
