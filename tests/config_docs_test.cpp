// docs/config.md's YAML examples, run as shown: every ```yaml block of the page loads as a config,
// makes its task and evolves a few generations without stopping at the first (a threshold the task
// reaches at once is the mistake this guards against).
#include <doctest/doctest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "core/network/cpu_evaluator.hpp"
#include "core/task/task.hpp"
#include "evolution/engine.hpp"

using namespace ganglion;

namespace {

struct Example {
  int line = 0;  // of the opening fence
  std::string text;
};

std::vector<Example> yaml_examples(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), path << " cannot be read");
  std::vector<Example> out;
  std::string line;
  int number = 0;
  bool inside = false;
  while (std::getline(in, line)) {
    ++number;
    if (!inside && line.rfind("```yaml", 0) == 0) {
      inside = true;
      out.push_back(Example{number, ""});
    } else if (inside && line.rfind("```", 0) == 0) {
      inside = false;
    } else if (inside) {
      out.back().text += line + "\n";
    }
  }
  CHECK_FALSE(inside);
  return out;
}

}  // namespace

TEST_CASE("every YAML example of docs/config.md loads, makes its task and runs as shown") {
  const auto examples = yaml_examples("docs/config.md");
  REQUIRE(!examples.empty());
  for (const Example& e : examples) {
    const std::string origin = "docs/config.md:" + std::to_string(e.line);
    CAPTURE(origin);
    Config config = parse_config(e.text, origin);
    config.run.generations = 3;
    config.threads = 1;
    auto task = TaskRegistry::instance().create(config);
    REQUIRE(task);
    CpuEvaluator evaluator(1);
    Engine engine(config, *task, evaluator);
    // The counts the example leaves out come from the task; given ones agree with it.
    CHECK(engine.config().genome.num_inputs == task->num_inputs());
    CHECK(engine.config().genome.num_outputs == task->num_outputs());
    engine.init();
    CHECK(engine.step() == StopReason::None);  // not stopped at generation 0
    CHECK(engine.step() == StopReason::None);
    CHECK(engine.step() == StopReason::GenerationLimit);
    // What the example shows is what `ganglion config` writes back.
    CHECK(config_to_yaml(parse_config(config_to_yaml(config), origin)) == config_to_yaml(config));
  }
}
