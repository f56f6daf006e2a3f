// ThreadPool: persistent workers that share one job at a time. A job is a range [0, n) cut into
// chunks; the calling thread works too, and every chunk is claimed through one atomic counter.
// Calls made from inside a job (nested parallelism) run serially on the calling worker, and
// concurrent calls from different outside threads take turns, so the pool can never deadlock.
#include "core/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace ganglion {

namespace {
thread_local bool t_inside_pool_job = false;

unsigned resolve_threads(unsigned threads) {
  if (threads != 0) return threads;
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : hw;
}
}  // namespace

struct ThreadPool::Impl {
  std::vector<std::thread> workers;
  std::mutex submit;  // one job at a time

  std::mutex m;
  std::condition_variable work_cv;
  std::condition_variable done_cv;
  uint64_t generation = 0;
  bool stop = false;
  unsigned busy = 0;  // workers still inside the current job

  // The current job.
  const std::function<void(size_t, size_t)>* fn = nullptr;
  size_t n = 0;
  size_t chunk = 1;
  size_t num_chunks = 0;
  std::atomic<size_t> next{0};
  std::mutex error_m;
  std::exception_ptr error;

  void run_chunks() {
    bool was_inside = t_inside_pool_job;
    t_inside_pool_job = true;
    for (;;) {
      size_t c = next.fetch_add(1, std::memory_order_relaxed);
      if (c >= num_chunks) break;
      size_t begin = c * chunk;
      size_t end = std::min(n, begin + chunk);
      try {
        (*fn)(begin, end);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_m);
        if (!error) error = std::current_exception();
        next.store(num_chunks, std::memory_order_relaxed);  // stop handing out work
      }
    }
    t_inside_pool_job = was_inside;
  }

  void worker_loop() {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(m);
        work_cv.wait(lock, [&] { return stop || generation != seen; });
        if (stop) return;
        seen = generation;
      }
      run_chunks();
      {
        std::lock_guard<std::mutex> lock(m);
        if (--busy == 0) done_cv.notify_all();
      }
    }
  }
};

ThreadPool::ThreadPool(unsigned threads) : impl_(std::make_unique<Impl>()) {
  unsigned total = resolve_threads(threads);
  impl_->workers.reserve(total - 1);
  for (unsigned i = 1; i < total; ++i) impl_->workers.emplace_back([this] { impl_->worker_loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(impl_->m);
    impl_->stop = true;
  }
  impl_->work_cv.notify_all();
  for (auto& t : impl_->workers) t.join();
}

unsigned ThreadPool::size() const { return unsigned(impl_->workers.size()) + 1; }

void ThreadPool::for_ranges(size_t n, const std::function<void(size_t, size_t)>& fn, size_t min_chunk) {
  if (n == 0) return;
  if (min_chunk == 0) min_chunk = 1;
  const size_t threads = size();
  // Serial paths: one thread, too little work, or a call from inside a running job.
  if (threads == 1 || n <= min_chunk || t_inside_pool_job) {
    fn(0, n);
    return;
  }
  std::lock_guard<std::mutex> submit_lock(impl_->submit);
  Impl& p = *impl_;
  // About four chunks per thread balances uneven work without much claiming overhead.
  size_t chunk = std::max(min_chunk, (n + threads * 4 - 1) / (threads * 4));
  p.fn = &fn;
  p.n = n;
  p.chunk = chunk;
  p.num_chunks = (n + chunk - 1) / chunk;
  p.next.store(0, std::memory_order_relaxed);
  p.error = nullptr;
  {
    std::lock_guard<std::mutex> lock(p.m);
    p.busy = unsigned(p.workers.size());
    ++p.generation;
  }
  p.work_cv.notify_all();
  p.run_chunks();
  {
    std::unique_lock<std::mutex> lock(p.m);
    p.done_cv.wait(lock, [&] { return p.busy == 0; });
  }
  p.fn = nullptr;
  if (p.error) {
    std::exception_ptr e = p.error;
    p.error = nullptr;
    std::rethrow_exception(e);
  }
}

void ThreadPool::for_each(size_t n, const std::function<void(size_t)>& fn, size_t min_chunk) {
  for_ranges(
      n, [&fn](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i) fn(i);
      },
      min_chunk);
}

ThreadPool& serial_pool() {
  static ThreadPool pool(1);
  return pool;
}

}  // namespace ganglion
