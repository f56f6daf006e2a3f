// `ganglion run CONFIG`: one evolution run into a run folder (docs/run-folder.md), with one log
// line per generation. Exit 0 when solved / threshold reached, 3 when the generation limit ran
// out, 130 after Ctrl-C or SIGTERM (the current generation finishes and the files are saved).
#include <atomic>
#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include <spdlog/spdlog.h>

#include "core/config.hpp"
#include "core/task.hpp"
#include "evolution/checkpoint.hpp"
#include "evolution/engine.hpp"
#include "evolution/progress.hpp"
#include "evolution/report.hpp"
#include "evolution/run_folder.hpp"
#include "gpu/backend.hpp"
#include "tools/command.hpp"

namespace ganglion::cli {
namespace {

std::atomic<bool> g_stop{false};

// The progress line (evolution/progress.hpp) as a reporter: used instead of one log line per
// generation when stderr is a terminal, so a long run shows one line redrawn in place.
class ProgressReporter final : public Reporter {
 public:
  explicit ProgressReporter(const Config& config) : line_(options(config)) {}
  void on_generation(const GenerationStats& stats, const EvolutionState&, StopReason) override {
    line_.update({stats.generation, stats.best_fitness, stats.best_ever_fitness, uint32_t(stats.species.size())});
  }
  void on_finish(const EvolutionState&, StopReason) override { line_.finish(); }

 private:
  static ProgressOptions options(const Config& config) {
    ProgressOptions o;
    o.generation_limit = config.run.generations;
    o.enabled = config.log.progress;
    return o;
  }
  ProgressLine line_;
};

extern "C" void on_stop_signal(int) {
  g_stop.store(true);
  // A second Ctrl-C ends the process at once.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

struct RunOptions {
  std::string config;
  std::vector<std::string> sets;
  int64_t seed = -1;
  int64_t generations = -1;
  int64_t threads = -1;
  std::string out;
  bool quiet = false;
  bool verbose = false;
  bool report = false;
};

int run_command(const RunOptions& o) {
  std::vector<std::string> overrides = o.sets;
  if (o.seed >= 0) overrides.push_back("seed=" + std::to_string(o.seed));
  if (o.generations >= 0) overrides.push_back("run.generations=" + std::to_string(o.generations));
  if (o.threads >= 0) overrides.push_back("threads=" + std::to_string(o.threads));
  Config config = load_config(o.config, overrides);

  spdlog::set_level(spdlog::level::from_str(config.log.level));
  if (o.quiet) spdlog::set_level(spdlog::level::warn);
  if (o.verbose) spdlog::set_level(spdlog::level::debug);
  if (config.threads) ThreadPool::set_default_threads(config.threads);

  auto task = TaskRegistry::instance().create(config);
  auto evaluator = make_evaluator(config);
  Engine engine(config, *task, *evaluator);
  RunFolder folder(o.out.empty() ? default_run_folder(config) : o.out, config);
  LogReporter log;
  std::unique_ptr<ProgressReporter> progress;
  if (config.log.progress && !o.quiet && !o.verbose && ::isatty(STDERR_FILENO)) {
    progress = std::make_unique<ProgressReporter>(config);
    engine.add_reporter(progress.get());
  } else {
    engine.add_reporter(&log);  // plain log lines when not on a terminal
  }
  engine.add_reporter(&folder);
  CheckpointWriter checkpoints(folder.dir(), config);  // checkpoint.every / keep; always at the end
  engine.add_reporter(&checkpoints);
  spdlog::info("run '{}': task {}, backend {}, population {}, seed {}, up to {} generations -> {}", config.name,
               task->name(), evaluator->name(), config.population_size, config.seed, config.run.generations,
               folder.dir());

  g_stop.store(false);
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  const auto start = std::chrono::steady_clock::now();
  StopReason reason = engine.run(&g_stop);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const EvolutionState& st = engine.state();
  const Genome& best = st.solved ? st.solution : st.best;
  const uint32_t evaluated = st.history.empty() ? 0 : st.history.back().generation + 1;
  spdlog::info("{} after {} generation(s), {} evaluations, {:.2f}s", stop_reason_name(reason), evaluated,
               st.evaluations, seconds);
  spdlog::info("best genome {}: fitness {:.6g}, {} hidden nodes, {} enabled connections{}", best.id, best.fitness,
               best.count(NodeKind::Hidden), best.enabled_connections(), st.solved ? " (solves the task)" : "");
  spdlog::info("run folder: {}", folder.dir());
  if (o.report) spdlog::info("report: {}", write_report(folder.dir()));
  switch (reason) {
    case StopReason::Solved:
    case StopReason::Threshold: return kExitOk;
    case StopReason::Interrupted: return kExitInterrupted;
    default: return kExitNotSolved;
  }
}

std::function<int()> setup(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  app.add_option("config", o->config, "experiment YAML file (configs/*.yaml)")->required()->check(CLI::ExistingFile);
  app.add_option("--set", o->sets, "override a config key: section.key=value (repeatable)")->allow_extra_args(false);
  app.add_option("--seed", o->seed, "the run's seed (same as --set seed=N)");
  app.add_option("--generations", o->generations, "generation limit (same as --set run.generations=N)");
  app.add_option("--threads", o->threads, "threads, 0 = all cores (same as --set threads=N)");
  app.add_option("--out", o->out, "run folder (default: <run.out_dir>/<config name>-<timestamp>)");
  app.add_flag("-q,--quiet", o->quiet, "only warnings and errors");
  app.add_flag("-v,--verbose", o->verbose, "debug output (per-species lines)");
  app.add_flag("--report", o->report, "write RUN_DIR/report.html at the end (see `ganglion report`)");
  return [o] { return run_command(*o); };
}

}  // namespace
GANGLION_COMMAND("run", "run one evolution from a config file; exit 0 solved, 3 generation limit, 130 interrupted",
                 setup);
}  // namespace ganglion::cli
