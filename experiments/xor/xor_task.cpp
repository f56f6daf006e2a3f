// XOR, the NEAT paper's first benchmark (Stanley & Miikkulainen 2002, sec. 4.1): 2 inputs, 1
// output, 4 rows; fitness (4 - sum of errors)^2; solved when all 4 outputs are on the right side
// of 0.5. Protocol and published figures: experiments/xor/README.md.
#include <memory>

#include "experiments/xor/truth_table_task.hpp"

namespace ganglion {
namespace {
std::unique_ptr<Task> make_xor(const Config&, TaskParams&) {
  return std::make_unique<TruthTableTask>(make_parity_task("xor", 2));
}
}  // namespace
GANGLION_REGISTER_TASK("xor", "XOR of 2 inputs: 4 rows, fitness (4 - sum|error|)^2 (NEAT paper)", make_xor);
}  // namespace ganglion
