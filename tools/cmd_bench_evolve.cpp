// `ganglion bench evolve`: time of one generation of reproduction alone (stagnation, sharing,
// selection, crossover, mutation, innovation numbering and speciation of the children) for
// populations of 1k/10k/100k genomes of about 20 and about 200 connections, on 1 thread and on all.
// Genomes come from the engine's own initial population (8 inputs, 2 outputs, and 18 fully
// connected hidden nodes for the ~200 case) after warm-up generations with made-up fitness and
// high structural mutation rates, so that their innovation numbers, species and sizes look like
// those of a run; the timed generations use configs' default (paper) rates, threshold 3.0. The fitness is a hash
// of the genome id: no evaluation is timed. Each generation's time is split as stats.jsonl's
// time_reproduce (everything but speciation) and time_speciate.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/rng.hpp"
#include "evolution/reproduction.hpp"
#include "tools/command.hpp"

namespace ganglion::cli {
namespace {

struct BenchOptions {
  std::string sizes = "1000,10000,100000";
  std::string connections = "20,200";
  int threads = 0;
  int generations = 3;
  int warmup = 3;
};

std::vector<uint64_t> parse_list(const std::string& text) {
  std::vector<uint64_t> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(std::stoull(item));
  return out;
}

void fake_fitness(EvolutionState& st, const Config& c) {
  for (auto& g : st.genomes) {
    uint64_t x = g.id ^ 0x5851F42D4C957F2Dull;
    g.fitness = double(splitmix64(x) >> 11) * (1.0 / 9007199254740992.0);
    g.evaluated = true;
  }
  update_species_fitness(st, c);
}

double mean_connections(const EvolutionState& st) {
  double s = 0.0;
  for (const auto& g : st.genomes) s += g.enabled_connections();
  return st.genomes.empty() ? 0.0 : s / double(st.genomes.size());
}

int bench_command(const BenchOptions& o) {
  if (o.generations < 1) throw Error("bench evolve: --generations must be at least 1, got " + std::to_string(o.generations));
  if (o.warmup < 0) throw Error("bench evolve: --warmup must be at least 0, got " + std::to_string(o.warmup));
  const unsigned all = o.threads > 0 ? unsigned(o.threads) : std::max(1u, std::thread::hardware_concurrency());
  std::vector<unsigned> thread_counts = {1};
  if (all > 1) thread_counts.push_back(all);
  std::printf("reproduction per generation (speciation, selection, crossover, mutation), median of %d generations;\n"
              "ms: the whole call = reproduce (time_reproduce) + speciate (time_speciate)\n",
              o.generations);
  std::printf("%10s %8s %8s %8s", "genomes", "conns", "species", "hidden");
  for (unsigned t : thread_counts)
    std::printf(" %11s %9s %9s", (std::to_string(t) + " thr ms").c_str(), "reproduce", "speciate");
  if (thread_counts.size() > 1) std::printf(" %8s", "speedup");
  std::printf("\n");
  for (uint64_t target : parse_list(o.connections)) {
    for (uint64_t size : parse_list(o.sizes)) {
      Config c;
      c.seed = 1;
      c.population_size = uint32_t(size);
      c.genome.num_inputs = 8;
      c.genome.num_outputs = 2;
      c.genome.num_hidden = target > 60 ? uint32_t((target + 10) / 11) : 0;  // 11 connections per hidden node
      c.genome.weight.mutate_power = 2.5;
      c.genome.weight.mutate_type = Distribution::Gaussian;
      ThreadPool warm_pool(all);
      EvolutionState start;
      start.compatibility_threshold = c.speciation.compatibility_threshold;
      initialise_population(start, c, warm_pool);
      // Warm-up with high structural rates, so that genomes differ in structure as in a run.
      Config warm = c;
      warm.genome.node_add_prob = 0.3;
      warm.genome.conn_add_prob = 0.5;
      for (int w = 0; w < o.warmup; ++w) {
        fake_fitness(start, warm);
        reproduce(start, warm, warm_pool);
      }
      std::vector<double> ms_per, reproduce_per, speciate_per;
      size_t species = 0;
      for (unsigned t : thread_counts) {
        ThreadPool pool(t);
        EvolutionState st = start;
        std::vector<double> times, reproducing, speciating;
        for (int g = 0; g < o.generations; ++g) {
          fake_fitness(st, c);
          double speciate_s = 0.0;
          const auto t0 = std::chrono::steady_clock::now();
          reproduce(st, c, pool, &speciate_s);
          times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
          speciating.push_back(1000.0 * speciate_s);
          reproducing.push_back(times.back() - speciating.back());
        }
        auto median = [](std::vector<double> v) {
          std::sort(v.begin(), v.end());
          return v[v.size() / 2];
        };
        ms_per.push_back(median(times));
        reproduce_per.push_back(median(reproducing));
        speciate_per.push_back(median(speciating));
        species = st.species.size();
      }
      std::printf("%10llu %8.1f %8zu %8u", (unsigned long long)size, mean_connections(start), species,
                  c.genome.num_hidden);
      for (size_t k = 0; k < ms_per.size(); ++k)
        std::printf(" %11.2f %9.2f %9.2f", ms_per[k], reproduce_per[k], speciate_per[k]);
      if (ms_per.size() > 1) std::printf(" %7.1fx", ms_per[0] / ms_per[1]);
      std::printf("\n");
      std::fflush(stdout);
    }
  }
  return kExitOk;
}

std::function<int()> setup(CLI::App& app) {
  auto o = std::make_shared<BenchOptions>();
  app.add_option("--sizes", o->sizes, "population sizes, comma-separated");
  app.add_option("--connections", o->connections, "approximate connections per genome, comma-separated");
  app.add_option("--threads", o->threads, "the 'all threads' count (default: all cores)");
  app.add_option("--generations", o->generations, "timed generations (median reported)");
  app.add_option("--warmup", o->warmup, "untimed generations first");
  return [o] { return bench_command(*o); };
}

}  // namespace
GANGLION_COMMAND("bench evolve", "time one generation of reproduction for 1k-100k genomes, 1 thread vs all", setup);
}  // namespace ganglion::cli
