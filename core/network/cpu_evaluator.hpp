// The CPU evaluator: the reference every other backend is checked against. Networks are
// activated level by level, in parallel over networks on a ThreadPool; each network's result is
// computed by one thread in a fixed order, so outputs are identical for any thread count.
#pragma once

#include <vector>

#include "core/network/evaluator.hpp"
#include "core/parallel.hpp"

namespace ganglion {

class CpuEvaluator final : public Evaluator {
 public:
  // On a pool the caller owns (a run's ExecutionContext), or on its own pool of `threads`
  // threads (0 = every core).
  explicit CpuEvaluator(ThreadPool& pool);
  explicit CpuEvaluator(unsigned threads = 0);
  ~CpuEvaluator() override;
  std::string name() const override { return "cpu"; }
  void load(const PopulationLayout& layout) override;
  void activate(const float* inputs, size_t rows, InputMode mode, float* outputs) override;
  void reset_state() override;

  // The same computation in double precision (used by tests as a tighter reference).
  void activate_double(const double* inputs, size_t rows, InputMode mode, double* outputs);

 private:
  template <typename T>
  void run(const T* inputs, size_t rows, InputMode mode, T* outputs, std::vector<T>& state);

  std::unique_ptr<ThreadPool> own_pool_;
  ThreadPool* pool_ = nullptr;
  const PopulationLayout* layout_ = nullptr;
  size_t state_rows_ = 0;
  std::vector<float> state_f_;
  std::vector<double> state_d_;
  size_t state_rows_d_ = 0;                 // rows of state_d_ (state_rows_ is for state_f_)
  std::vector<size_t> state_offset_;        // per network: first state node; recurrent nets only
  size_t state_nodes_ = 0;                  // nodes of all recurrent networks
};

}  // namespace ganglion
