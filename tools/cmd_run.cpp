// `ganglion run CONFIG`: one evolution run into a run folder (docs/run-folder.md), with one log
// line per generation. Exit 0 when solved / threshold reached, 3 when the generation limit ran
// out, 4 when a generation had no valid fitness (run.on_all_invalid), 130 after Ctrl-C or SIGTERM
// (the current generation finishes and the files are saved). --report keeps RUN_DIR/report.html
// current while the run goes on (evolution/report/report.hpp, ReportWriter).
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include <spdlog/spdlog.h>

#include "core/config/config.hpp"
#include "core/parallel.hpp"
#include "evolution/report/progress.hpp"
#include "evolution/report/report.hpp"
#include "evolution/run_folder.hpp"
#include "evolution/session.hpp"
#include "tools/command.hpp"
#include "tools/islands.hpp"
#include "tools/ranks.hpp"
#include "tools/run_session.hpp"

namespace ganglion::cli {
namespace {

// The progress line (evolution/report/progress.hpp) as a reporter: used instead of one log line per
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
  double report_seconds = 5.0;
  bool force = false;
};

int run_command(const RunOptions& o) {
  std::vector<std::string> overrides = o.sets;
  if (o.seed >= 0) overrides.push_back("seed=" + std::to_string(o.seed));
  if (o.generations >= 0) overrides.push_back("run.generations=" + std::to_string(o.generations));
  if (o.threads >= 0) overrides.push_back("threads=" + std::to_string(o.threads));
  const Config config = load_config(o.config, overrides);
  check_same_on_ranks(config_to_yaml(config), "config");

  spdlog::set_level(spdlog::level::from_str(config.log.level));
  if (o.quiet) spdlog::set_level(spdlog::level::warn);
  if (o.verbose) spdlog::set_level(spdlog::level::debug);

  LogReporter log;
  std::unique_ptr<ProgressReporter> progress;
  SessionOptions options;
  options.run_dir = o.out;
  options.overwrite = o.force;
  options.writes_files = ranks().writes();
  if (!ranks().writes()) {
    // Rank 0 logs the run and writes its folder.
  } else if (config.log.progress && !o.quiet && !o.verbose && ::isatty(STDERR_FILENO)) {
    progress = std::make_unique<ProgressReporter>(config);
    options.reporters.push_back(progress.get());
  } else {
    options.reporters.push_back(&log);  // plain log lines when not on a terminal
  }
  if (runs_as_islands(config)) {
    if (o.report) spdlog::warn("--report: an islands run has no report page of its own; run `ganglion report` on an "
                               "island's folder (RUN_DIR/island-N)");
    StopOnSignal signals;
    return run_islands(config, options, signals);
  }
  if (Reporter* costs = shard_costs_reporter()) options.reporters.push_back(costs);
  std::unique_ptr<ReportWriter> live_report;
  if (o.report && ranks().writes()) {
    // The page is kept current while the run goes on, so the folder is named before it starts.
    if (options.run_dir.empty()) options.run_dir = default_run_folder(config);
    live_report = std::make_unique<ReportWriter>(options.run_dir, ReportOptions{}, o.report_seconds);
    options.reporters.push_back(live_report.get());
  }
  StopOnSignal signals;  // before the session: its whole life, not only run()
  Session session = Session::start(config, cli_backends(), options);
  shard_costs_into(session.run_dir());
  spdlog::info("run '{}': task {}, backend {}, population {}, seed {}, up to {} generations -> {}", config.name,
               session.task_name(), session.evaluator_name(), config.population_size, config.seed,
               config.run.generations, session.run_dir());
  if (ranks().distributed())
    spdlog::info("distributed over {} MPI ranks (shard mode: each evaluates its share; rank 0 writes the run folder)",
                 ranks().size);

  const RunSummary summary = run_until_stopped(session, signals);
  spdlog::info("run folder: {}", summary.run_dir);
  if (o.report && ranks().writes()) spdlog::info("report: {}", write_report(summary.run_dir));
  return exit_code_for(summary.reason);
}

std::function<int()> setup(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  app.add_option("config", o->config, "experiment YAML file (configs/*.yaml)")->required()->check(CLI::ExistingFile);
  app.add_option("--set", o->sets, "override a config key: section.key=value (repeatable)")
      ->allow_extra_args(false)
      ->check(check_key_value);
  // -1 stands for "not given": the help names the config key that decides instead.
  app.add_option("--seed", o->seed, "the run's seed (default: the config's seed; same as --set seed=N)")->default_str("");
  app.add_option("--generations", o->generations,
                 "generation limit (default: the config's run.generations; same as --set run.generations=N)")
      ->default_str("");
  app.add_option("--threads", o->threads, "threads, 0 = all cores (default: the config's threads; same as --set threads=N)")
      ->default_str("");
  app.add_option("--out", o->out, "run folder (default: <run.out_dir>/<config name>-<timestamp>); must be empty or new");
  app.add_flag("--force", o->force, "start over in a --out folder that holds a run: delete its files first");
  app.add_flag("-q,--quiet", o->quiet, "only warnings and errors");
  app.add_flag("-v,--verbose", o->verbose, "debug output (per-species lines)");
  app.add_flag("--report", o->report,
               "write RUN_DIR/report.html while the run goes on (a page that reloads itself) and at the end "
               "(see `ganglion report`)");
  app.add_option("--report-seconds", o->report_seconds, "with --report: seconds between rewrites of the page")
      ->check(CLI::PositiveNumber);
  return [o] { return run_command(*o); };
}

}  // namespace
GANGLION_COMMAND("run",
                 "run one evolution from a config file; exit 0 solved, 3 generation limit, 4 no valid fitness, "
                 "130 interrupted",
                 setup);
}  // namespace ganglion::cli
