// `ganglion report RUN_DIR`: writes RUN_DIR/report.html, a self-contained page with the run's
// plots, config and best network (evolution/report/report.hpp), and prints its path.
#include <iostream>
#include <memory>
#include <string>

#include "evolution/report/report.hpp"
#include "tools/command.hpp"

namespace ganglion::cli {
namespace {

struct ReportArgs {
  std::string run_dir;
  bool no_graphviz = false;
};

GANGLION_COMMAND("report", "Write RUN_DIR/report.html: fitness, species, network size and timing plots, the config and the best network",
                 [](CLI::App& app) -> std::function<int()> {
                   auto args = std::make_shared<ReportArgs>();
                   app.add_option("run_dir", args->run_dir, "Run folder (holds config.yaml, stats.jsonl, best_genome.json)")
                       ->required()
                       ->check(CLI::ExistingDirectory);
                   app.add_flag("--no-graphviz", args->no_graphviz,
                                "Draw the best network with the built-in layered drawing even when graphviz is installed");
                   return [args] {
                     ReportOptions options;
                     options.use_graphviz = !args->no_graphviz;
                     std::cout << write_report(args->run_dir, options) << "\n";
                     return kExitOk;
                   };
                 });

}  // namespace
}  // namespace ganglion::cli
