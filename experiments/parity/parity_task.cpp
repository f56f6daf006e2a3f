// N-bit parity (task key `bits`, 2..16): 2^N rows, output 1 when an odd number of inputs is 1;
// fitness (2^N - sum of errors)^2, solved when every output is on the right side of 0.5.
// XOR is 2-bit parity. Protocol: experiments/parity/README.md.
#include <memory>

#include "experiments/xor/truth_table_task.hpp"

namespace ganglion {
namespace {
std::unique_ptr<Task> make_parity(const Config&, TaskParams& params) {
  const auto bits = uint32_t(params.get_int("bits", 3, 2, 16));
  return std::make_unique<TruthTableTask>(make_parity_task("parity", bits));
}
}  // namespace
GANGLION_REGISTER_TASK("parity", "N-bit parity (task.bits, default 3): 2^N rows, fitness (2^N - sum|error|)^2",
                       make_parity);
}  // namespace ganglion
