// What `ganglion run`, `resume` and `experiment` share around a Session (evolution/session.hpp):
// Ctrl-C and SIGTERM turned into a stop request (the library installs no signal handlers), the
// end-of-run log lines and the exit code of a stop reason.
#pragma once

#include <atomic>

#include "evolution/session.hpp"

namespace ganglion::cli {

// While it lives, SIGINT and SIGTERM set flag() (the current generation finishes, files are
// saved); a second signal ends the process at once. The default handlers come back with it.
// A command makes one before it starts its session and keeps it until the session is gone, so a
// signal that comes while the run folder is being set up or the last files are written is a stop
// request too, never the default action that kills the process mid-write.
class StopOnSignal {
 public:
  StopOnSignal();
  ~StopOnSignal();
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;
  const std::atomic<bool>* flag() const;
};

// The evaluator and task makers of the `ganglion` program: the config's backend through
// gpu/backend.hpp, tasks from the registry (built-ins and plug-ins).
SessionBackends cli_backends();
// Runs the session until it stops or `signals` asks it to; logs the summary lines (stop reason,
// generations, evaluations, time, best genome) and returns the summary.
RunSummary run_until_stopped(Session& session, const StopOnSignal& signals);
// 0 solved / threshold, 130 interrupted, 3 generation limit, 4 no valid fitness in a generation.
int exit_code_for(StopReason reason);

}  // namespace ganglion::cli
