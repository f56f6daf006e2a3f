// The execution context of a run: its host threads (one ThreadPool) and its backend (the CPU, or a
// device: core/network/backend.hpp). Whoever starts a run (the CLI, a session, an MPI rank) makes
// one and hands it down; the engine, the decoder, the CPU evaluator and tasks take their threads
// and their backend from it, never from a global, so two runs in one process (or two ranks on one
// host) each use their own. Results never depend on its thread count.
//
// gpu/backend.hpp's make_execution_context(config) makes the one a config asks for.
#pragma once

#include <memory>

#include "core/network/backend.hpp"
#include "core/parallel.hpp"

namespace ganglion {

class ExecutionContext {
 public:
  // `threads` host threads (0 = every core) and the CPU backend on them.
  explicit ExecutionContext(unsigned threads = 0);
  // The same threads with another backend (which must not need the pool: the CPU backend does).
  ExecutionContext(unsigned threads, std::unique_ptr<Backend> backend);
  ExecutionContext(ExecutionContext&&) noexcept;
  ExecutionContext& operator=(ExecutionContext&&) = delete;
  ~ExecutionContext();

  ThreadPool& pool() const { return *pool_; }
  unsigned threads() const { return pool_->size(); }
  Backend& backend() const { return *backend_; }

 private:
  std::unique_ptr<ThreadPool> pool_;  // before backend_: a CPU backend works on it
  std::unique_ptr<Backend> backend_;
};

}  // namespace ganglion
