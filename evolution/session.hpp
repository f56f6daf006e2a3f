// A session: one NEAT run and its run folder (docs/run-folder.md), from start or resume to the
// end-of-run summary. It is the one place that knows how a run is put together: the task, the
// evaluator, the Engine, the run folder (config.yaml, stats.jsonl, best_genome.json), the
// checkpoint writer, and the rules of resuming (which settings may change, stats.jsonl cut back to
// the checkpoint, the next generation made from a finished run's last one). The CLI, the Python
// module and MPI ranks call it; they keep what is process-wide (log level, signal handlers, the
// default thread pool's size).
//
// Layering: evolution/ knows nothing of gpu/, so the session does not pick a backend itself; the
// caller hands in a SessionBackends whose make_execution turns the config's `backend` and
// `threads` into an execution context (core/execution.hpp: the thread pool and the backend, with
// its evaluator and, where it has one, a fused episode runner; the CLI and the tests pass
// gpu/backend.hpp's make_execution_context). That keeps this file free of CUDA and of a link to
// ganglion_gpu, and it is the seam where a distributed backend plugs in.
//
// No globals: everything a session uses is in the object or handed in; errors are exceptions
// (Error, ConfigError, CheckpointError) whose messages name the file or key.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "core/execution.hpp"
#include "core/genome/genome.hpp"
#include "core/network/evaluator.hpp"
#include "core/task/population_evaluation.hpp"
#include "core/task/task.hpp"
#include "evolution/checkpoint.hpp"
#include "evolution/reporter.hpp"
#include "evolution/reproduction.hpp"
#include "evolution/state.hpp"

namespace ganglion {

// Where a session gets its evaluator and its task.
struct SessionBackends {
  // Required: the execution context for a config (its `backend`, `threads`, `cuda.*`).
  std::function<ExecutionContext(const Config&)> make_execution;
  // The task for a config; empty: TaskRegistry::instance().create (built-ins and plug-ins). It may
  // complete config.task.params with the keys the task took at their defaults, so that a new
  // run's config.yaml lists them (TaskRegistry::create's effective_params).
  std::function<std::unique_ptr<Task>(Config&)> make_task;
  // How a generation is evaluated; empty: TaskEvaluation (the task on the execution context's
  // backend, in this process). A distributed run passes one that spreads the work over its ranks
  // (distributed/shard_evaluation.hpp). The task and execution context outlive what it returns.
  std::function<std::unique_ptr<PopulationEvaluation>(const Config&, Task&, ExecutionContext&)> make_evaluation{};
};

struct SessionOptions {
  // The run folder. Empty: default_run_folder(config) for a new run, the checkpoint's own run
  // folder on resume.
  std::string run_dir;
  // Called before the session's own checkpoint writer and run folder, in this order; not owned,
  // they must outlive the session.
  std::vector<Reporter*> reporters;
  // A new run into a folder that holds anything (but its lock file): false refuses, naming what is
  // there; true removes the files a run writes (config.yaml, stats.jsonl, best_genome.json,
  // report.html, events.jsonl, checkpoints/) and starts clean. Files of other kinds are left alone.
  bool overwrite = false;
  // Resume: load the task plug-in the checkpoint names without the user naming it again, even when
  // the file changed since (core/task/plugin_trust.hpp). Without it, only an override of
  // task.plugin confirms the plug-in, and the file must have the recorded hash.
  bool trust_plugin = false;
  // false: the session runs the whole evolution but writes nothing and takes no lock (no run
  // folder, stats.jsonl, best_genome.json or checkpoints): the other ranks of a distributed run,
  // whose rank 0 writes the one run folder. Resume then only reads the checkpoint it is given.
  bool writes_files = true;
  // With writes_files false: the run's checkpoints go to this sink (islands mode: to rank 0, which
  // writes one file of every island), at the same points as a run folder's would. Empty: none.
  CheckpointSink checkpoint_sink{};
  // Called by every reproduction of the run once the children are made (reproduce()'s
  // ChildrenHook, Engine::set_children_hook), the reproduction of a finished run that a resume
  // goes on from included: how the island model takes in migrants. Empty: none.
  ChildrenHook children_hook{};
};

// What a session started from.
struct SessionOrigin {
  std::string checkpoint;              // resume: the checkpoint file; empty for a new run
  uint32_t generations_done = 0;       // generations evaluated before this session
  std::string stopped_as;              // resume: the checkpointed run's stop reason ("" while it ran)
  std::vector<std::string> overrides;  // resume: the key=value changes applied
  // resume: the run had finished and there is nothing to do (solved, threshold reached, or its
  // generation limit reached and not raised). The session is finished from the start; it wrote
  // nothing.
  bool nothing_to_do = false;
};

// The end-of-run figures (also available mid-run, with reason None).
struct RunSummary {
  StopReason reason = StopReason::None;
  uint32_t generations = 0;  // generations evaluated in the whole run, the last one included
  uint64_t evaluations = 0;  // genome evaluations in the whole run
  double seconds = 0.0;      // wall time this session spent stepping
  bool solved = false;
  Genome best;               // the solution when solved, else the fittest genome ever evaluated
  std::string run_dir;
  std::string checkpoint;    // the newest checkpoint this session wrote ("" when none yet)
};

// Whether `key` may change when a run resumes: only keys that change how, where or how long the
// run goes, never what it computes. Each key's table row in core/config says so (key_resumable).
bool resumable_key(const std::string& key);
// The keys resumable_key accepts, for messages and help texts ("run.generations, checkpoint.every, ...").
std::string resumable_keys_text();
// Applies one "key=value" change to a resumed run's config; throws ConfigError naming the key when
// it may not change on resume or is unknown (with "did you mean").
void apply_resume_override(Config& config, const std::string& assignment);

class Session {
 public:
  // A new run of `config`: creates the run folder and writes config.yaml; generation 0 exists.
  // The run gets a fresh run.id (config().run.id), recorded in config.yaml and every checkpoint.
  // Its config is completed from the task: genome.num_inputs / num_outputs left at 0 become the
  // task's, and the task's keys left out are recorded at their defaults (config() and config.yaml
  // list every key the run uses).
  static Session start(const Config& config, const SessionBackends& backends, const SessionOptions& options = {});
  // Resumes from a run folder (its newest checkpoint), a checkpoints folder or a .gck file, with
  // `overrides` ("key=value", each checked by apply_resume_override). The limit run.generations
  // must lie beyond the generations already evaluated. stats.jsonl is rewritten to the
  // checkpoint's generations, then appended to, so the folder ends as the uninterrupted run's.
  // A checkpoint of another run than the folder's config.yaml (run.id), or of another config
  // (a key that cannot change on resume differs), is refused naming both. A finished run with
  // nothing left to do gives a finished session (origin().nothing_to_do) and writes nothing.
  static Session resume(const std::string& run_dir_or_checkpoint, const std::vector<std::string>& overrides,
                        const SessionBackends& backends, const SessionOptions& options = {});
  // Resumes from a checkpoint already read (islands mode: one island of the checkpoint rank 0
  // read), as resume() would from its file; `origin` names it in messages and events.
  static Session resume_from(Checkpoint checkpoint, const std::string& origin,
                             const std::vector<std::string>& overrides, const SessionBackends& backends,
                             const SessionOptions& options = {});

  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  ~Session();

  // Evaluates one generation and, unless the run stops, makes the next. When it stops, the
  // reporters finish (best_genome.json and the final checkpoint are written). Throws Error once
  // the run has stopped. When a step throws (a task failed: "task 'X' failed in generation N:
  // ..."), the session writes nothing more, so the folder's last checkpoint is what resumes; every
  // later step() throws and interrupt() does nothing.
  StopReason step();
  // Starts the reporters now (a new run's first checkpoint is written) instead of at the first
  // step; once per session, later calls do nothing.
  void begin();
  // Steps until the run stops. `stop`, when given, is polled after each generation (a signal
  // handler sets it); the run then ends Interrupted, with its files saved.
  StopReason run(const std::atomic<bool>* stop = nullptr);
  // Ends a running session now as Interrupted: the reporters finish, a checkpoint that resumes
  // exactly is written. Nothing happens when it has stopped already.
  void interrupt();

  const EvolutionState& state() const;
  // None while the run goes on.
  StopReason stop_reason() const;
  bool finished() const { return stop_reason() != StopReason::None; }
  RunSummary summary() const;
  const SessionOrigin& origin() const;

  const Config& config() const;
  const std::string& run_dir() const;
  std::string task_name() const;
  std::string evaluator_name() const;

 private:
  struct Impl;
  explicit Session(std::unique_ptr<Impl> impl);
  static Session resume_loaded(std::unique_ptr<Impl> impl, Checkpoint checkpoint, const std::string& file,
                               const std::vector<std::string>& overrides, const SessionBackends& backends,
                               const SessionOptions& options);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ganglion
