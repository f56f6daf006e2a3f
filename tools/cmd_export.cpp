// `ganglion export GENOME.json --format dot|svg|json|neat-python|neat-python-genome [-o FILE]`:
// lets a genome leave Ganglion as a graphviz drawing, Ganglion's compiled-network JSON,
// neat-python's network JSON or Ganglion's neat-python genome JSON (formats: core/io/export.hpp,
// docs/export.md). Writes to stdout unless -o is given.
#include <fstream>
#include <iostream>
#include <map>
#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "core/io/export.hpp"
#include "core/genome/genome.hpp"
#include "core/io/graphviz.hpp"
#include "tools/command.hpp"

namespace ganglion::cli {
namespace {

const char* const kFormats[] = {"dot", "svg", "json", "neat-python", "neat-python-genome"};

struct ExportArgs {
  std::string genome;
  std::string format = "dot";
  std::string output;
};

int run_export(const ExportArgs& args) {
  const Genome genome = load_genome(args.genome);
  std::string text;
  if (args.format == "dot") text = genome_to_dot(genome);
  else if (args.format == "svg") text = dot_to_svg(genome_to_dot(genome));
  else if (args.format == "json") text = genome_to_network_json(genome);
  else if (args.format == "neat-python") text = genome_to_neat_python_network_json(genome, export_timestamp());
  else text = genome_to_neat_python_genome_json(genome);  // the option's check allows nothing else

  if (args.output.empty() || args.output == "-") {
    std::cout << text;
    std::cout.flush();
    return std::cout ? kExitOk : kExitError;
  }
  std::ofstream out(args.output, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw Error(fmt::format("{}: cannot write the export", args.output));
  spdlog::info("wrote {} ({})", args.output, args.format);
  return kExitOk;
}

GANGLION_COMMAND(
    "export", "Export a genome: graphviz DOT or SVG, Ganglion's network JSON, neat-python's network JSON or genes",
    [](CLI::App& app) -> std::function<int()> {
      auto args = std::make_shared<ExportArgs>();
      app.add_option("genome", args->genome, "Genome JSON file (e.g. RUN_DIR/best_genome.json)")
          ->required()
          ->check(CLI::ExistingFile);
      app.add_option("-f,--format", args->format,
                     "dot: graphviz source; svg: drawn by graphviz's dot (must be installed); json: Ganglion's "
                     "compiled network with levels; neat-python: neat-python's network JSON "
                     "(neat.export.export_network_json), feed-forward or recurrent; neat-python-genome: "
                     "Ganglion's JSON of neat-python genes and FeedForwardNetwork node_evals")
          ->check(CLI::Validator(
              [](std::string& value) -> std::string {
                for (const char* f : kFormats)
                  if (value == f) return "";
                if (value == "neat-python-json")
                  return "'neat-python-json' is now two formats: neat-python (neat-python's own network JSON) "
                         "or neat-python-genome (what neat-python-json used to write)";
                return "'" + value + "' is not a format (valid: dot, svg, json, neat-python, neat-python-genome)";
              },
              "FORMAT", "export format"))
          ->capture_default_str();
      app.add_option("-o,--output", args->output, "Output file (default: standard output)");
      return [args] { return run_export(*args); };
    });

}  // namespace
}  // namespace ganglion::cli
