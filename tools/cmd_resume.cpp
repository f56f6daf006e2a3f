// `ganglion resume RUN_DIR_OR_CHECKPOINT`: continues a run from a checkpoint so that the result
// is the run that was never interrupted: stats.jsonl (apart from time_ fields) and
// best_genome.json come out identical. The rules (which settings may change, stats.jsonl rebuilt
// from the checkpoint) are the session's (evolution/session.hpp); this file parses and logs.
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "core/parallel.hpp"
#include "evolution/checkpoint.hpp"
#include "evolution/report/report.hpp"
#include "evolution/session.hpp"
#include "tools/command.hpp"
#include "tools/islands.hpp"
#include "tools/ranks.hpp"
#include "tools/run_session.hpp"

namespace ganglion::cli {
namespace {

struct ResumeOptions {
  std::string from;
  std::vector<std::string> sets;
  int64_t generations = -1;
  int64_t threads = -1;
  std::string out;
  bool quiet = false;
  bool verbose = false;
  bool trust_plugin = false;
  bool report = false;
  double report_seconds = 5.0;
};

int resume_command(const ResumeOptions& o) {
  std::vector<std::string> overrides = o.sets;
  if (o.generations >= 0) overrides.push_back("run.generations=" + std::to_string(o.generations));
  if (o.threads >= 0) overrides.push_back("threads=" + std::to_string(o.threads));
  if (is_islands_folder(o.from)) {
    if (o.quiet) spdlog::set_level(spdlog::level::warn);
    if (o.verbose) spdlog::set_level(spdlog::level::debug);
    LogReporter log;
    SessionOptions options;
    options.trust_plugin = o.trust_plugin;
    if (ranks().writes()) options.reporters.push_back(&log);
    if (!o.out.empty()) throw Error("--out: an islands run resumes into its own folder " + o.from);
    StopOnSignal signals;
    return resume_islands(o.from, overrides, options, signals);
  }
  LogReporter log;
  SessionOptions options;
  options.run_dir = o.out;
  options.trust_plugin = o.trust_plugin;
  options.writes_files = ranks().writes();
  if (ranks().writes()) options.reporters.push_back(&log);
  if (Reporter* costs = shard_costs_reporter()) options.reporters.push_back(costs);
  std::unique_ptr<ReportWriter> live_report;
  if (o.report && ranks().writes()) {
    // As `run --report`: the page is kept current while the run goes on, then written once more.
    const std::string dir = o.out.empty() ? run_folder_of_checkpoint(find_checkpoint(o.from)) : o.out;
    live_report = std::make_unique<ReportWriter>(dir, ReportOptions{}, o.report_seconds);
    options.reporters.push_back(live_report.get());
  }
  StopOnSignal signals;  // before the session: its whole life, not only run()
  // Under MPI rank 0 finds the checkpoint (under the folder's lock) and the others read that one.
  std::string from = o.from;
  if (ranks().distributed() && !ranks().writes()) from = from_rank_0("");
  Session session = Session::resume(from, overrides, cli_backends(), options);
  if (ranks().distributed() && ranks().writes()) from_rank_0(session.origin().checkpoint);
  check_same_on_ranks(config_to_yaml(session.config()), "config");
  shard_costs_into(session.run_dir());
  const Config& config = session.config();
  const SessionOrigin& origin = session.origin();

  spdlog::set_level(spdlog::level::from_str(config.log.level));
  if (o.quiet) spdlog::set_level(spdlog::level::warn);
  if (o.verbose) spdlog::set_level(spdlog::level::debug);

  if (origin.nothing_to_do) {
    // Shown at warning level so that it is seen with -q too: the command did nothing.
    spdlog::warn("{}: nothing to do: the run has finished ({}) after {} generation(s){}; its folder is unchanged",
                 session.run_dir(), origin.stopped_as, origin.generations_done,
                 session.stop_reason() == StopReason::GenerationLimit
                     ? "; pass --generations N with N > " + std::to_string(origin.generations_done) + " to go further"
                     : "");
    return exit_code_for(session.stop_reason());
  }
  spdlog::info("resume '{}' from {} (generation {}): task {}, backend {}, up to {} generations -> {}", config.name,
               origin.checkpoint, origin.generations_done, session.task_name(), session.evaluator_name(),
               config.run.generations, session.run_dir());
  if (!overrides.empty())
    spdlog::info("changed on resume (none of these alters the course of the run): {}",
                 fmt::format("{}", fmt::join(overrides, ", ")));

  const RunSummary summary = run_until_stopped(session, signals);
  spdlog::info("run folder: {}; checkpoint: {}", summary.run_dir, summary.checkpoint);
  if (o.report && ranks().writes()) spdlog::info("report: {}", write_report(summary.run_dir));
  return exit_code_for(summary.reason);
}

std::function<int()> setup(CLI::App& app) {
  auto o = std::make_shared<ResumeOptions>();
  app.add_option("from", o->from, "run folder (its newest checkpoint), checkpoints folder or .gck file")->required();
  // -1 stands for "not given": the help says what decides instead.
  app.add_option("--generations", o->generations,
                 "new generation limit (default: the checkpoint's run.generations; same as --set run.generations=N)")
      ->default_str("");
  app.add_option("--set", o->sets, "change a setting that keeps the run exact: " + resumable_keys_text() + " (repeatable)")
      ->allow_extra_args(false)
      ->check(check_key_value);
  app.add_option("--threads", o->threads,
                 "threads, 0 = all cores (default: the checkpoint's threads; same as --set threads=N)")
      ->default_str("");
  app.add_option("--out", o->out, "write into this run folder (default: the checkpoint's own)");
  app.add_flag("-q,--quiet", o->quiet, "only warnings and errors");
  app.add_flag("-v,--verbose", o->verbose, "debug output (per-species lines)");
  app.add_flag("--trust-plugin", o->trust_plugin,
               "load the task plug-in the checkpoint names (native code), even if the file changed since");
  app.add_flag("--report", o->report,
               "write RUN_DIR/report.html while the run goes on (a page that reloads itself) and at the end "
               "(see `ganglion report`)");
  app.add_option("--report-seconds", o->report_seconds, "with --report: seconds between rewrites of the page")
      ->check(CLI::PositiveNumber);
  return [o] { return resume_command(*o); };
}

}  // namespace
GANGLION_COMMAND("resume", "continue a run from its newest checkpoint (or a given one), exactly as if never stopped",
                 setup);
}  // namespace ganglion::cli
