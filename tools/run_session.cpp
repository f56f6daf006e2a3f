#include "tools/run_session.hpp"

#include <atomic>
#include <chrono>
#include <csignal>

#include <spdlog/spdlog.h>

#include "tools/command.hpp"

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

StopReason run_until_stopped(Engine& engine) {
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
  return reason;
}

int exit_code_for(StopReason reason) {
  switch (reason) {
    case StopReason::Solved:
    case StopReason::Threshold: return kExitOk;
    case StopReason::Interrupted: return kExitInterrupted;
    default: return kExitNotSolved;
  }
}

}  // namespace ganglion::cli
