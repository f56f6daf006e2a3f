// A small persistent thread pool. Work is split into contiguous index ranges; callers must make
// each index's result independent of which thread runs it, so results never depend on the
// thread count. A run's pool belongs to its ExecutionContext (core/execution.hpp), which hands it
// to everything that needs threads.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

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

// Sorts v by `less` with the pool's threads: equal parts sorted at once, then merged pairwise.
// The result is std::sort's whenever `less` is a total order (no two elements equivalent);
// otherwise equivalent elements may come in another order. Not for use inside a pool job.
template <typename T, typename Less>
void parallel_sort(ThreadPool& pool, std::vector<T>& v, Less less, size_t min_part = 4096) {
  const size_t n = v.size();
  const size_t parts = std::min<size_t>(pool.size(), n / std::max<size_t>(min_part, 1));
  if (parts < 2) {
    std::sort(v.begin(), v.end(), less);
    return;
  }
  std::vector<size_t> bounds(parts + 1);
  for (size_t p = 0; p <= parts; ++p) bounds[p] = n * p / parts;
  pool.for_each(parts, [&](size_t p) { std::sort(v.begin() + long(bounds[p]), v.begin() + long(bounds[p + 1]), less); });
  std::vector<T> merged(n);
  while (bounds.size() > 2) {
    const size_t runs = bounds.size() - 1;
    pool.for_each(runs / 2, [&](size_t q) {
      const auto b = v.begin();
      std::merge(b + long(bounds[2 * q]), b + long(bounds[2 * q + 1]), b + long(bounds[2 * q + 1]),
                 b + long(bounds[2 * q + 2]), merged.begin() + long(bounds[2 * q]), less);
    });
    if (runs % 2) std::copy(v.begin() + long(bounds[runs - 1]), v.end(), merged.begin() + long(bounds[runs - 1]));
    v.swap(merged);
    std::vector<size_t> next;
    for (size_t p = 0; p < bounds.size(); p += 2) next.push_back(bounds[p]);
    if (next.back() != n) next.push_back(n);
    bounds.swap(next);
  }
}

// A pool without workers: every job runs on the calling thread. It holds no state a job changes,
// so one instance serves every caller (a task evaluated without an ExecutionContext, the
// single-network tests of a champion).
ThreadPool& serial_pool();

}  // namespace ganglion
