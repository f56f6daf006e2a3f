// A small persistent thread pool. Work is split into contiguous index ranges; callers must make
// each index's result independent of which thread runs it, so results never depend on the
// thread count. A run's pool belongs to its ExecutionContext (core/execution.hpp), which hands it
// to everything that needs threads.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace ganglion {

class ThreadPool {
 public:
  explicit ThreadPool(unsigned threads = 0);  // 0 = std::thread::hardware_concurrency()
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  unsigned size() const;
  // Calls fn(begin, end) on disjoint chunks covering [0, n); blocks until all are done.
  // Exceptions thrown by fn are rethrown (the first one) on the calling thread.
  void for_ranges(size_t n, const std::function<void(size_t, size_t)>& fn, size_t min_chunk = 1);
  // Calls fn(i) for every i in [0, n).
  void for_each(size_t n, const std::function<void(size_t)>& fn, size_t min_chunk = 1);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A pool without workers: every job runs on the calling thread. It holds no state a job changes,
// so one instance serves every caller (a task evaluated without an ExecutionContext, the
// single-network tests of a champion).
ThreadPool& serial_pool();

}  // namespace ganglion
