#include "tools/ranks.hpp"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <thread>

#include <spdlog/sinks/sink.h>
#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "gpu/backend.hpp"

#ifdef GANGLION_HAVE_MPI
#include "distributed/mpi_world.hpp"
#include "distributed/shard_costs.hpp"
#include "distributed/shard_evaluation.hpp"
#endif

namespace ganglion::cli {
namespace {

RankInfo g_ranks;
#ifdef GANGLION_HAVE_MPI
std::unique_ptr<MpiWorld> g_world;
std::unique_ptr<ShardCosts> g_costs;  // before g_world's end: it refers to it
#endif

// The first line where `a` and `b` differ, as "line N: 'x'" for each.
std::pair<std::string, std::string> first_difference(const std::string& a, const std::string& b) {
  std::istringstream ia(a), ib(b);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool ha = bool(std::getline(ia, la)), hb = bool(std::getline(ib, lb));
    if (!ha) la = "(end)";
    if (!hb) lb = "(end)";
    if (la != lb || (!ha && !hb)) return {"line " + std::to_string(line) + ": '" + la + "'", "'" + lb + "'"};
  }
}

}  // namespace

void start_ranks(int& argc, char**& argv) {
#ifdef GANGLION_HAVE_MPI
  if (!MpiWorld::launched_by_mpi()) return;
  g_world = std::make_unique<MpiWorld>(argc, argv);
  g_ranks.rank = g_world->rank();
  g_ranks.size = g_world->size();
  g_costs = std::make_unique<ShardCosts>(*g_world);
  if (g_ranks.rank != 0) {
    // The other ranks repeat rank 0's work: their log lines would only repeat its own.
    spdlog::set_pattern(fmt::format("[%H:%M:%S] [rank {}] %^%l%$ %v", g_ranks.rank));
    for (auto& sink : spdlog::default_logger()->sinks()) sink->set_level(spdlog::level::warn);
  }
#else
  (void)argc;
  (void)argv;
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
    if (const char* s = std::getenv(v); s && std::string(s) != "1")
      throw Error(std::string("started by an MPI launcher (") + v + "=" + s +
                  "), but this ganglion is built without MPI: every rank would run a run of its own. Rebuild with "
                  "MPI (libopenmpi-dev; cmake -DGANGLION_MPI=ON) or run it as one process");
#endif
}

void stop_ranks() {
#ifdef GANGLION_HAVE_MPI
  g_costs.reset();
  g_world.reset();
#endif
}

const RankInfo& ranks() { return g_ranks; }

void abort_ranks(int code) {
#ifdef GANGLION_HAVE_MPI
  if (g_world && g_ranks.distributed()) g_world->abort(code);
#endif
  (void)code;
}

SessionBackends distributed_backends(SessionBackends base) {
#ifdef GANGLION_HAVE_MPI
  if (!g_world || !g_ranks.distributed()) return base;
  const MpiWorld& world = *g_world;
  auto make = base.make_execution;
  base.make_execution = [make, &world](const Config& config) {
    Config mine = config;
    if (config.threads == 0 && config.distributed.divide_threads) {
      // The host's cores shared by its ranks; results do not depend on the thread count.
      const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
      mine.threads = std::max(1u, cores / unsigned(world.local_size()));
    }
    // One GPU per rank where a host has several: its ranks take them in turn by local rank,
    // starting at cuda.device. Every card computes the same bits, so results do not depend on it.
    if (config.backend != BackendKind::Cpu && world.local_size() > 1) {
      const int devices = cuda_devices();
      if (devices > 1) {
        mine.cuda.device = (config.cuda.device + world.local_rank()) % devices;
        spdlog::debug("rank {} (local rank {} of {}) uses CUDA device {} of {}", world.rank(), world.local_rank(),
                      world.local_size(), mine.cuda.device, devices);
      }
    }
    return make(mine);
  };
  base.make_evaluation = [&world](const Config& config, Task& task,
                                   ExecutionContext& execution) -> std::unique_ptr<PopulationEvaluation> {
    // An island evaluates its own population in its own process.
    if (config.distributed.mode == DistributedMode::Islands)
      return std::make_unique<TaskEvaluation>(config, task, execution);
    auto shard = std::make_unique<ShardEvaluation>(config, task, execution, world);
    if (g_costs) g_costs->watch(shard.get());
    return std::unique_ptr<PopulationEvaluation>(std::move(shard));
  };
#endif
  return base;
}

Reporter* shard_costs_reporter() {
#ifdef GANGLION_HAVE_MPI
  if (g_costs && g_ranks.distributed()) return g_costs.get();
#endif
  return nullptr;
}

void shard_costs_into(const std::string& run_dir) {
#ifdef GANGLION_HAVE_MPI
  if (g_costs) g_costs->set_run_dir(run_dir);
#endif
  (void)run_dir;
}

void check_same_on_ranks(const std::string& text, const std::string& what) {
  if (!g_ranks.distributed()) return;
  const std::string rank0 = from_rank_0(text);
  const bool differs = rank0 != text;
  if (differs) {
    const auto [theirs, mine] = first_difference(rank0, text);
    spdlog::error("rank {}'s {} differs from rank 0's: rank 0 has {}, rank {} has {}", g_ranks.rank, what, theirs,
                  g_ranks.rank, mine);
  }
  // Every rank learns that one differs, so the job ends with the message above and not in a hang.
  if (on_any_rank(differs))
    throw Error("the ranks of this job were given different " + what + "s (see the message naming the rank); every "
                "rank must run the same command on the same files");
}

std::string from_rank_0(std::string text) {
#ifdef GANGLION_HAVE_MPI
  if (g_world && g_ranks.distributed()) g_world->broadcast(text);
#endif
  return text;
}

std::vector<std::string> from_all_ranks(const std::string& mine) {
#ifdef GANGLION_HAVE_MPI
  if (g_world && g_ranks.distributed()) return g_world->allgather_bytes(mine);
#endif
  return {mine};
}

const MpiWorld* mpi_world() {
#ifdef GANGLION_HAVE_MPI
  if (g_world && g_ranks.distributed()) return g_world.get();
#endif
  return nullptr;
}

bool on_any_rank(bool mine) {
#ifdef GANGLION_HAVE_MPI
  if (g_world && g_ranks.distributed()) return g_world->any(mine);
#endif
  return mine;
}

}  // namespace ganglion::cli
