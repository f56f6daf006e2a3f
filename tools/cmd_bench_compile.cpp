// `ganglion bench compile`: how fast the network compiler turns populations into layouts, how big
// the layout is per edge, and how fast the CPU evaluator activates them (issue 2's table). The
// populations are NEAT-like grown genomes (core/genome/random_population.hpp) of about 16, 128 and 1024
// nodes with about 4 incoming edges per node.
#include <algorithm>
#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/network/cpu_evaluator.hpp"
#include "core/network/decoder.hpp"
#include "core/network/layout.hpp"
#include "core/parallel.hpp"
#include "core/genome/random_population.hpp"
#include "tools/command.hpp"

namespace ganglion::cli {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Runs fn once to warm up, then `repeats` times; returns the median time in seconds.
template <typename F>
double median_time(int repeats, F&& fn) {
  fn();
  std::vector<double> t;
  for (int i = 0; i < repeats; ++i) {
    auto t0 = Clock::now();
    fn();
    t.push_back(seconds_since(t0));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

std::string si(double v) {
  const char* unit[] = {"", "k", "M", "G", "T"};
  int k = 0;
  while (v >= 1000.0 && k < 4) {
    v /= 1000.0;
    ++k;
  }
  return fmt::format("{:.3g}{}", v, unit[k]);
}

int run_bench(size_t genomes, unsigned threads, size_t rows, int repeats, const std::vector<uint32_t>& sizes,
              bool recurrent) {
  ThreadPool pool(threads);
  const unsigned used = pool.size();
  CpuEvaluator evaluator(pool);
  fmt::print("bench compile: {} genomes per population, NEAT-like grown (~4 incoming edges per node), "
             "{} threads, {} input rows, {}, median of {} after a warm-up\n",
             genomes, used, rows, recurrent ? "recurrent" : "feed-forward", repeats);
  fmt::print("{:>7} {:>8} {:>10} {:>7} | {:>12} {:>10} {:>10} {:>6} {:>9} | {:>7} | {:>12} {:>12} {:>10}\n",
             "nodes", "edges/g", "edges", "levels", "compiled/s", "compile s", "unkept s", "x", "fresh s", "B/edge",
             "net-act/s", "edges/s", "act s");
  for (uint32_t size : sizes) {
    GrowOptions grow;
    grow.num_inputs = 8;
    grow.num_outputs = 2;
    grow.target_nodes = size;
    grow.edges_per_node = 4.0;
    grow.recurrent = recurrent;
    std::vector<Genome> population = grow_population(grow, genomes, 2024, used);

    CompileOptions options;
    options.feed_forward = !recurrent;
    // The first call builds a fresh layout (allocation and page faults included); the timed runs
    // reuse it, as an engine that keeps its layout does every generation.
    PopulationLayout layout;
    auto t0 = Clock::now();
    compile_population(population, options, layout, pool);
    const double t_fresh = seconds_since(t0);
    // The baseline first (so that the decoder's kept networks are not yet in the heap): each
    // compiled network freed after packing.
    const double t_unkept = median_time(repeats, [&] { compile_population(population, options, layout, pool); });
    DirectDecoder decoder(options, pool);
    decoder.decode(population, layout);
    const double t_compile = median_time(repeats, [&] { decoder.decode(population, layout); });
    population.clear();
    population.shrink_to_fit();

    const double edges = double(layout.total_edges()) + double(layout.total_rec_edges());
    double mean_levels = 0;
    for (uint32_t n = 0; n < layout.num_networks; ++n) mean_levels += layout.levels_of(n) - 1;
    mean_levels /= std::max<uint32_t>(1, layout.num_networks);

    evaluator.load(layout);
    std::vector<float> inputs(rows * layout.num_inputs);
    for (size_t i = 0; i < inputs.size(); ++i) inputs[i] = float((i * 37) % 17) / 8.0f - 1.0f;
    std::vector<float> outputs(size_t(layout.num_networks) * rows * layout.num_outputs);
    double t_act = median_time(repeats, [&] {
      evaluator.activate(inputs.data(), rows, InputMode::Shared, outputs.data());
    });

    fmt::print("{:>7} {:>8.0f} {:>10} {:>7.1f} | {:>12} {:>10.3f} {:>10.3f} {:>6.2f} {:>9.3f} | {:>7.2f} | {:>12} "
               "{:>12} {:>10.4f}\n",
               size, edges / std::max<uint32_t>(1, layout.num_networks), si(edges), mean_levels,
               si(double(genomes) / t_compile), t_compile, t_unkept, t_unkept / t_compile, t_fresh, double(layout.bytes()) / std::max(1.0, edges),
               si(double(layout.num_networks) * double(rows) / t_act), si(edges * double(rows) / t_act), t_act);
  }
  fmt::print("compiled/s, compile s: the engine's decoder (DirectDecoder: a reused layout and kept compiled "
             "networks; the per-generation cost); unkept s: compile_population into the reused layout with each "
             "compiled network freed after packing (the path before kept networks), x = unkept / compile; "
             "fresh s: the first call, allocating a new layout; B/edge: layout bytes per edge, all arrays "
             "included; net-act/s: networks x rows per second; edges/s: edges x rows per second; levels: mean "
             "dependency levels per network\n");
  return kExitOk;
}

std::vector<uint32_t> parse_sizes(const std::string& text) {
  std::vector<uint32_t> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    size_t used = 0;
    unsigned long v = 0;
    try {
      v = std::stoul(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || v < 1 || v > 1000000)
      throw CLI::ValidationError("--sizes", "expected a comma-separated list of node counts in [1, 1000000], got \"" +
                                                item + "\"");
    out.push_back(uint32_t(v));
  }
  return out;
}

}  // namespace

GANGLION_COMMAND("bench compile", "Network compiler and CPU evaluator throughput on NEAT-like populations",
                 [](CLI::App& app) {
                   auto genomes = std::make_shared<size_t>(10000);
                   auto threads = std::make_shared<unsigned>(0);
                   auto rows = std::make_shared<size_t>(64);
                   auto repeats = std::make_shared<int>(5);
                   auto sizes = std::make_shared<std::string>("16,128,1024");
                   auto recurrent = std::make_shared<bool>(false);
                   app.add_option("--genomes", *genomes, "genomes per population")->capture_default_str();
                   app.add_option("--threads", *threads, "worker threads (0 = all cores)")->capture_default_str();
                   app.add_option("--rows", *rows, "input rows per activation")->capture_default_str();
                   app.add_option("--repeats", *repeats, "timed runs; the median is reported")->capture_default_str();
                   app.add_option("--sizes", *sizes, "node counts of the populations, comma-separated")
                       ->capture_default_str();
                   app.add_flag("--recurrent", *recurrent, "grow recurrent genomes (cycles allowed)");
                   return [=]() {
                     return run_bench(*genomes, *threads, std::max<size_t>(1, *rows), std::max(1, *repeats),
                                      parse_sizes(*sizes), *recurrent);
                   };
                 });

}  // namespace ganglion::cli
