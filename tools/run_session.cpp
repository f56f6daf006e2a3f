#include "tools/run_session.hpp"

#include <csignal>

#include <spdlog/spdlog.h>

#include "gpu/backend.hpp"
#include "tools/command.hpp"
#include "tools/ranks.hpp"

namespace ganglion::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int) {
  g_stop.store(true);
  // A second Ctrl-C ends the process at once.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

}  // namespace

StopOnSignal::StopOnSignal() {
  g_stop.store(false);
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

StopOnSignal::~StopOnSignal() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

const std::atomic<bool>* StopOnSignal::flag() const { return &g_stop; }

SessionBackends cli_backends() { return distributed_backends(SessionBackends{make_execution_context, {}, {}}); }

RunSummary run_until_stopped(Session& session, const StopOnSignal& signals) {
  if (!ranks().distributed()) {
    session.run(signals.flag());
  } else {
    // A signal reaches the ranks at different moments: they agree after each generation, so all
    // stop after the same one.
    StopReason r = StopReason::None;
    while (r == StopReason::None && !session.finished()) {
      r = session.step();
      if (r == StopReason::None && on_any_rank(signals.flag()->load())) session.interrupt();
    }
  }
  const RunSummary s = session.summary();
  if (s.reason == StopReason::AllInvalid)
    spdlog::error("{}", all_invalid_message(session.task_name(), session.state().generation,
                                            session.state().genomes.size(), s.checkpoint));
  spdlog::info("{} after {} generation(s), {} evaluations, {:.2f}s", stop_reason_name(s.reason), s.generations,
               s.evaluations, s.seconds);
  if (s.generations > 0)
    spdlog::info("best genome {}: fitness {:.6g}, {} hidden nodes, {} enabled connections{}", s.best.id,
                 s.best.fitness, s.best.count(NodeKind::Hidden), s.best.enabled_connections(),
                 s.reason == StopReason::Threshold ? " (reached run.fitness_threshold)"
                 : s.solved                         ? " (solves the task)"
                                                    : "");
  return s;
}

int exit_code_for(StopReason reason) {
  switch (reason) {
    case StopReason::Solved:
    case StopReason::Threshold: return kExitOk;
    case StopReason::Interrupted: return kExitInterrupted;
    case StopReason::AllInvalid: return kExitNoValidFitness;
    default: return kExitNotSolved;
  }
}

}  // namespace ganglion::cli
