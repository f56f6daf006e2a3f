// A small persistent thread pool. Work is split into contiguous index ranges; callers must make
// each index's result independent of which thread runs it, so results never depend on the
// thread count.
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

  // The process-wide pool; set_default_threads() before first use changes its size.
  static ThreadPool& instance();
  static void set_default_threads(unsigned threads);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ganglion
