// `ganglion bench checkpoint`: how long a checkpoint of a large population takes to write and to
// read back, and how big it is per connection (issue 6's target: 100,000 genomes of 200
// connections, each direction under a second).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <ctime>
#include <random>

#include <unistd.h>

#include <fmt/format.h>

#include "core/io/checkpoint_io.hpp"
#include "evolution/checkpoint.hpp"
#include "core/parallel.hpp"
#include "core/rng.hpp"
#include "tools/command.hpp"

namespace ganglion::cli {
namespace {

// Genomes shaped like an evolved population: a few hundred innovation numbers spread over a
// growing history, hidden nodes with ids above the inputs and outputs, mostly enabled genes.
std::vector<Genome> synthetic_population(size_t count, size_t connections, uint64_t seed) {
  std::vector<Genome> pop(count);
  const int32_t inputs = 8, outputs = 4;
  for (size_t i = 0; i < count; ++i) {
    Rng rng = Rng::derive(seed, Purpose::Bench, i);
    Genome& g = pop[i];
    g.id = 1000 + i;
    g.fitness = rng.uniform(0, 100);
    g.evaluated = true;
    const int32_t hidden = static_cast<int32_t>(connections / 5);
    for (int32_t n = 0; n < inputs + 1 + outputs + hidden; ++n) {
      NodeGene node;
      node.id = n < inputs + 1 + outputs ? n : 50 + static_cast<int32_t>(rng.below(4000));
      node.kind = n < inputs ? NodeKind::Input : n == inputs ? NodeKind::Bias : n <= inputs + outputs ? NodeKind::Output : NodeKind::Hidden;
      node.activation = Activation::NeatSigmoid;
      node.bias = static_cast<float>(rng.normal());
      g.nodes.push_back(node);
    }
    int64_t inn = 0;
    for (size_t c = 0; c < connections; ++c) {
      ConnectionGene cg;
      inn += 1 + static_cast<int64_t>(rng.below(40));
      cg.innovation = inn;
      cg.source = g.nodes[rng.below(g.nodes.size())].id;
      cg.target = g.nodes[inputs + 1 + rng.below(g.nodes.size() - inputs - 1)].id;
      cg.weight = static_cast<float>(rng.normal(0, 2));
      cg.enabled = rng.uniform() < 0.9;
      g.connections.push_back(cg);
    }
    g.sort();
  }
  return pop;
}

int run_bench(size_t genomes, size_t connections, int repeats, std::string dir, bool raw, int level) {
  namespace fs = std::filesystem;
  const bool own_dir = dir.empty();
  if (own_dir) dir = (fs::temp_directory_path() / fmt::format("ganglion-bench-ckpt-{}", ::getpid())).string();
  fs::create_directories(dir);
  std::string path = (fs::path(dir) / checkpoint_file_name(1)).string();
  auto pop = synthetic_population(genomes, connections, 12345);
  size_t total_conns = 0;
  for (const auto& g : pop) total_conns += g.connections.size();

  // A whole run's state around the population, as the engine would checkpoint it.
  EvolutionState state;
  state.generation = 100;
  state.genomes = std::move(pop);
  for (uint32_t s = 0; s < 20; ++s) {
    Species sp;
    sp.id = s + 1;
    sp.representative = state.genomes[s];
    for (size_t i = s; i < state.genomes.size(); i += 20) sp.members.push_back(static_cast<uint32_t>(i));
    state.species.push_back(std::move(sp));
  }
  state.best = state.genomes[0];
  state.has_best = true;
  state.history.resize(100);
  CheckpointInfo info;
  info.config_yaml = "population_size: 100000\n";

  using clock = std::chrono::steady_clock;
  auto secs = [](clock::duration d) { return std::chrono::duration<double>(d).count(); };
  // CPU time of the whole process (all threads): on a shared machine the wall time also counts
  // other people's work, the CPU time does not.
  auto cpu_now = [] {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
  };
  double best_write = 1e30, best_read = 1e30, best_encode = 1e30, best_decode = 1e30;
  double cpu_write = 0, cpu_read = 0;
  size_t file_size = 0, body_size = 0;
  ThreadPool pool;  // every core, as a run's pool would have
  ContainerOptions options;
  options.pool = &pool;
  options.compress = !raw;
  options.zstd_level = level;
  for (int rep = 0; rep < repeats; ++rep) {
    double c0 = cpu_now();
    auto t0 = clock::now();
    Bytes body = encode_checkpoint(state, info, &pool);
    auto t1 = clock::now();
    write_container_file(path, body, options);
    auto t2 = clock::now();
    double c1 = cpu_now();
    body_size = body.size();
    file_size = fs::file_size(path);
    body = {};

    double c2 = cpu_now();
    auto t3 = clock::now();
    body = read_container_file(path, nullptr, &pool);
    auto t4 = clock::now();
    Checkpoint back = decode_checkpoint(body, path, &pool);
    auto t5 = clock::now();
    double c3 = cpu_now();
    if (back.state.genomes.size() != genomes || !(back.state.genomes[genomes / 2] == state.genomes[genomes / 2]))
      throw CheckpointError("bench checkpoint: read-back population differs from the one written");
    best_encode = std::min(best_encode, secs(t1 - t0));
    if (secs(t2 - t0) < best_write) cpu_write = c1 - c0;
    if (secs(t5 - t3) < best_read) cpu_read = c3 - c2;
    best_write = std::min(best_write, secs(t2 - t0));
    best_decode = std::min(best_decode, secs(t5 - t4));
    best_read = std::min(best_read, secs(t5 - t3));
  }
  if (own_dir) fs::remove_all(dir);
  else fs::remove(path);

#if defined(GANGLION_HAVE_ZSTD)
  const std::string comp = raw ? "stored raw" : fmt::format("zstd level {}", level);
#else
  const std::string comp = "stored raw (built without zstd)";
  (void)level;
#endif
  fmt::print("checkpoint of {} genomes, {} connections ({:.1f} per genome), {}, {} threads; best of {}\n", genomes,
             total_conns, double(total_conns) / genomes, comp, pool.size(), repeats);
  fmt::print("  {:<28} {:>10.3f} s   (encode {:.3f} s, compress + atomic write + fsync {:.3f} s; CPU time {:.3f} s)\n",
             "write", best_write, best_encode, best_write - best_encode, cpu_write);
  fmt::print("  {:<28} {:>10.3f} s   (read + checksum + decompress {:.3f} s, decode {:.3f} s; CPU time {:.3f} s)\n",
             "read", best_read, best_read - best_decode, best_decode, cpu_read);
  fmt::print("  {:<28} {:>10.2f} MB   ({:.2f} bytes per connection; body {:.2f} MB, {:.2f} bytes per connection)\n",
             "file size", file_size / 1e6, double(file_size) / total_conns, body_size / 1e6,
             double(body_size) / total_conns);
  bool ok = best_write < 1.0 && best_read < 1.0;
  fmt::print("  target (each under 1 s): {}\n", ok ? "met" : "NOT met");
  return kExitOk;
}

}  // namespace

GANGLION_COMMAND("bench checkpoint", "Checkpoint write/read time and size for a large population", [](CLI::App& app) {
  auto genomes = std::make_shared<size_t>(100000);
  auto connections = std::make_shared<size_t>(200);
  auto repeats = std::make_shared<int>(3);
  auto dir = std::make_shared<std::string>();
  auto raw = std::make_shared<bool>(false);
  auto level = std::make_shared<int>(ContainerOptions{}.zstd_level);
  app.add_option("--genomes", *genomes, "population size")->capture_default_str();
  app.add_option("--connections", *connections, "connections per genome")->capture_default_str();
  app.add_option("--repeats", *repeats, "runs; the best time is reported")->capture_default_str();
  app.add_option("--dir", *dir, "folder to write into (default: a temp folder, removed afterwards)");
  app.add_flag("--raw", *raw, "store the body uncompressed");
  app.add_option("--level", *level, "zstd level (negative: faster)")->capture_default_str();
  return [=]() { return run_bench(*genomes, *connections, std::max(1, *repeats), *dir, *raw, *level); };
});

}  // namespace ganglion::cli
