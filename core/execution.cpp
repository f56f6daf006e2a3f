#include "core/execution.hpp"

#include "core/error.hpp"

namespace ganglion {

ExecutionContext::ExecutionContext(unsigned threads)
    : pool_(std::make_unique<ThreadPool>(threads)), backend_(std::make_unique<CpuBackend>(*pool_)) {}

ExecutionContext::ExecutionContext(unsigned threads, std::unique_ptr<Backend> backend)
    : pool_(std::make_unique<ThreadPool>(threads)), backend_(std::move(backend)) {
  if (!backend_) throw Error("ExecutionContext: no backend given");
}

ExecutionContext::ExecutionContext(ExecutionContext&&) noexcept = default;
ExecutionContext::~ExecutionContext() = default;

}  // namespace ganglion
