// A backend: what activates a run's networks. It offers the evaluator (every network of a layout
// on a batch of rows, core/network/evaluator.hpp) and, where it has one, an episode runner
// (whole control-task episodes, core/task/episode_runner.hpp). Tasks see a backend, never a
// kernel: they ask for its capabilities through these typed calls.
//
// The config's `backend: cpu | cuda | auto` picks one; make_backend() (gpu/backend.hpp) makes it.
// The CPU backend is here, in plain C++; the CUDA backend is in gpu/.
#pragma once

#include <memory>
#include <string>

#include "core/network/cpu_evaluator.hpp"
#include "core/network/evaluator.hpp"

namespace ganglion {

class EpisodeRunner;  // core/task/episode_runner.hpp
class ThreadPool;

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;  // "cpu", "cuda"
  // One line on where it runs (the device, the thread count), for logs and benchmark headers.
  virtual std::string describe() const = 0;
  virtual Evaluator& evaluator() = 0;
  // The backend's episode runner, or nullptr when it has none (control tasks then step their
  // episodes on the host through evaluator()).
  virtual EpisodeRunner* episode_runner() { return nullptr; }
  // The same, for callers that cannot do without one: throws Error naming the backend.
  EpisodeRunner& require_episode_runner();
};

// The CPU backend: the CPU evaluator on a pool the caller owns (a run's ExecutionContext). No
// episode runner: per-step episodes on the CPU are the reference the others are checked against.
class CpuBackend final : public Backend {
 public:
  explicit CpuBackend(ThreadPool& pool);
  std::string name() const override { return "cpu"; }
  std::string describe() const override;
  Evaluator& evaluator() override { return evaluator_; }

 private:
  ThreadPool& pool_;
  CpuEvaluator evaluator_;
};

// A backend around an evaluator owned elsewhere, with no episode runner: what an Engine built from
// a bare Evaluator runs on.
class EvaluatorBackend final : public Backend {
 public:
  explicit EvaluatorBackend(Evaluator& evaluator) : evaluator_(evaluator) {}
  std::string name() const override { return evaluator_.name(); }
  std::string describe() const override { return evaluator_.name() + " evaluator (no episode runner)"; }
  Evaluator& evaluator() override { return evaluator_; }

 private:
  Evaluator& evaluator_;
};

}  // namespace ganglion
