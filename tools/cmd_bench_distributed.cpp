// `ganglion bench distributed`: shard mode's time per generation against the number of ranks. For
// each K it runs `mpirun -np K ganglion run CONFIG` (a real run: evaluation, gather, speciation and
// reproduction) into a scratch folder and reads back stats.jsonl (time_total per generation) and
// distributed.jsonl (the slowest rank's evaluation and gather seconds, bytes received per rank),
// then prints one table row per K with the speed-up against K = 1. The first generation is left
// out of the means (start-up). Run it as one process: it starts mpirun itself.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "tools/command.hpp"
#include "tools/ranks.hpp"

namespace ganglion::cli {
namespace {

namespace fs = std::filesystem;

struct BenchOptions {
  std::string config = "configs/cartpole.yaml";
  std::string ranks = "1,2";
  int64_t population = 10000;
  int64_t generations = 4;
  int64_t threads = 1;
  int64_t threads_total = 0;  // > 0: each of K ranks gets threads_total / K threads (at least 1)
  std::string mpirun = "mpirun";
};

int64_t threads_per_rank(const BenchOptions& o, int k) {
  return o.threads_total > 0 ? std::max<int64_t>(1, o.threads_total / k) : o.threads;
}

struct Row {
  int ranks = 1;
  double seconds = 0.0;      // per generation (time_total)
  double evaluate = 0.0;     // the slowest rank's evaluation
  double communicate = 0.0;  // the slowest rank's gather
  double bytes = 0.0;        // received per rank
};

std::vector<nlohmann::json> read_lines(const fs::path& path) {
  std::vector<nlohmann::json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  return out;
}

double max_of(const nlohmann::json& a) {
  double m = 0.0;
  for (const auto& v : a) m = std::max(m, v.get<double>());
  return m;
}

Row measure(const BenchOptions& o, int k, const fs::path& dir) {
  const fs::path out = dir / ("np" + std::to_string(k));
  std::string cmd = o.mpirun + " --oversubscribe" + (::geteuid() == 0 ? " --allow-run-as-root" : "") + " -np " +
                    std::to_string(k) + " '" + fs::read_symlink("/proc/self/exe").string() + "' run '" + o.config +
                    "' -q --set population_size=" + std::to_string(o.population) +
                    " --generations " + std::to_string(o.generations) + " --threads " + std::to_string(threads_per_rank(o, k)) +
                    " --set run.stop_when_solved=false --out '" + out.string() + "' > '" + (dir / "log").string() +
                    "' 2>&1";
  const int status = std::system(cmd.c_str());
  const auto stats = read_lines(out / "stats.jsonl");
  if (stats.size() != size_t(o.generations))
    throw Error(fmt::format("bench distributed: `{}` ended with status {} after {} of {} generations; its log: {}", cmd,
                            status, stats.size(), o.generations, (dir / "log").string()));
  Row r;
  r.ranks = k;
  const auto costs = read_lines(out / "distributed.jsonl");
  size_t counted = 0;
  for (size_t g = 1; g < stats.size(); ++g, ++counted) {
    r.seconds += stats[g]["time_total"].get<double>();
    if (g < costs.size()) {
      r.evaluate += max_of(costs[g]["time_evaluate"]);
      r.communicate += max_of(costs[g]["time_communicate"]);
      r.bytes += max_of(costs[g]["bytes"]);
    } else {
      r.evaluate += stats[g]["time_evaluate"].get<double>();  // one process: no distributed.jsonl
    }
  }
  const double n = double(std::max<size_t>(counted, 1));
  r.seconds /= n;
  r.evaluate /= n;
  r.communicate /= n;
  r.bytes /= n;
  return r;
}

int bench_command(const BenchOptions& o) {
  if (ranks().distributed())
    throw Error("bench distributed starts mpirun itself: run it as one process, not under mpirun");
  std::vector<int> counts;
  std::stringstream in(o.ranks);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) counts.push_back(std::max(1, std::stoi(item)));
  if (o.generations < 2) throw Error("bench distributed: --generations must be at least 2 (the first is not timed)");
  const fs::path dir = fs::temp_directory_path() / ("ganglion-bench-distributed-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::printf("workload: %s, population %lld, %lld generations (first not timed), %s\n", o.config.c_str(),
              (long long)o.population, (long long)o.generations,
              o.threads_total > 0 ? fmt::format("{} threads divided among the ranks", o.threads_total).c_str()
                                  : fmt::format("{} thread(s) per rank", o.threads).c_str());
  std::printf("%6s %8s %14s %14s %16s %14s %9s\n", "ranks", "threads", "s/generation", "evaluate s", "communicate s",
              "bytes/rank", "speed-up");
  double base = 0.0;
  for (int k : counts) {
    const Row r = measure(o, k, dir);
    if (base == 0.0) base = r.seconds;
    std::printf("%6d %8lld %14.4f %14.4f %16.5f %14.0f %9.2f\n", r.ranks, (long long)threads_per_rank(o, k), r.seconds,
                r.evaluate, r.communicate, r.bytes, r.seconds > 0 ? base / r.seconds : 0.0);
    std::fflush(stdout);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return kExitOk;
}

std::function<int()> setup(CLI::App& app) {
  auto o = std::make_shared<BenchOptions>();
  app.add_option("--config", o->config, "the workload (default configs/cartpole.yaml)");
  app.add_option("--ranks", o->ranks, "rank counts to compare, the first is the base of the speed-up (default 1,2)");
  app.add_option("--population", o->population, "population size (default 10000)");
  app.add_option("--generations", o->generations, "generations per run (default 4)");
  app.add_option("--threads", o->threads, "threads per rank (default 1)");
  app.add_option("--threads-total", o->threads_total,
                 "threads divided among the ranks instead: each of K ranks gets N / K (default: off, see --threads)");
  app.add_option("--mpirun", o->mpirun, "the MPI launcher (default mpirun)");
  return [o] { return bench_command(*o); };
}

}  // namespace
GANGLION_COMMAND("bench distributed", "shard mode under mpirun: time per generation, communication, speed-up vs ranks",
                 setup);
}  // namespace ganglion::cli
