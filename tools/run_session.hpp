// What `ganglion run` and `ganglion resume` share once their Engine is set up: run it until it
// stops (Ctrl-C or SIGTERM finishes the current generation; a second one ends the process), log
// the end-of-run summary, and map the stop reason to the command's exit code.
#pragma once

#include "evolution/engine.hpp"

namespace ganglion::cli {

// Runs the engine with SIGINT/SIGTERM turned into a stop request; logs the summary lines (stop
// reason, generations, evaluations, time, best genome) and returns the stop reason.
StopReason run_until_stopped(Engine& engine);
// 0 solved / threshold, 130 interrupted, 3 generation limit.
int exit_code_for(StopReason reason);

}  // namespace ganglion::cli
