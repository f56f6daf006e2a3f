#include "tools/islands.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "core/io/checkpoint_io.hpp"
#include "core/io/read_file.hpp"
#include "evolution/reproduction.hpp"
#include "evolution/run_folder.hpp"
#include "tools/command.hpp"
#include "tools/ranks.hpp"

#ifdef GANGLION_HAVE_MPI
#include "distributed/island_exchange.hpp"
#include "distributed/mpi_world.hpp"
#endif

namespace ganglion::cli {

namespace fs = std::filesystem;

bool runs_as_islands(const Config& config) {
  return ranks().distributed() && config.distributed.mode == DistributedMode::Islands;
}

bool is_islands_folder(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(fs::path(path) / "islands.json", ec);
}

#ifndef GANGLION_HAVE_MPI

int run_islands(const Config&, SessionOptions, const StopOnSignal&) {
  throw Error("islands mode needs a ganglion built with MPI (libopenmpi-dev; cmake -DGANGLION_MPI=ON)");
}
int resume_islands(const std::string& run_dir, const std::vector<std::string>&, SessionOptions, const StopOnSignal&) {
  throw Error(run_dir + ": an islands run; resuming it needs a ganglion built with MPI (libopenmpi-dev; cmake "
              "-DGANGLION_MPI=ON), started by mpirun with one rank per island");
}

#else

namespace {

const char* topology_word(IslandTopology topology) {
  for (const auto& w : EnumWords<IslandTopology>::words)
    if (w.second == topology) return w.first;
  return "?";
}

std::string island_dir(const std::string& top, int island) {
  return (fs::path(top) / ("island-" + std::to_string(island))).string();
}

nlohmann::json read_manifest(const std::string& top) {
  const std::string path = (fs::path(top) / "islands.json").string();
  std::string text, problem;
  if (!read_regular_file(path, "islands manifest", text, problem)) throw Error(path + ": " + problem);
  try {
    nlohmann::json j = nlohmann::json::parse(text);
    if (!j.is_object() || !j.contains("islands") || !j["islands"].is_number_unsigned() || !j.contains("seed") ||
        !j["seed"].is_number_unsigned())
      throw Error("expected an object with \"islands\" and \"seed\"");
    return j;
  } catch (const std::exception& e) {
    throw Error(path + ": not a readable islands manifest (" + e.what() + ")");
  }
}

void write_manifest(const std::string& top, const nlohmann::json& j) {
  const std::string text = j.dump(2) + "\n";
  write_file_atomic((fs::path(top) / "islands.json").string(), text.data(), text.size());
}

// Rank 0: the folder of a new islands run, empty but for islands' folders (each island's session
// checks its own) or, with --force, an earlier islands run's files.
void prepare_top(const std::string& top, bool overwrite, const Config& config, int islands) {
  std::error_code ec;
  fs::create_directories(top, ec);
  if (ec) throw Error(top + ": cannot create the run folder (" + ec.message() + ")");
  std::vector<std::string> other;
  for (const auto& e : fs::directory_iterator(top, ec)) {
    const std::string n = e.path().filename().string();
    if (n == "islands.json" || n == "islands.jsonl" || n == "best_genome.json") {
      if (overwrite) fs::remove(e.path(), ec);
      else other.push_back(n);
    } else if (n.rfind("island-", 0) != 0 && n != ".lock") {
      other.push_back(n);
    }
  }
  if (!other.empty()) {
    std::sort(other.begin(), other.end());
    throw Error(fmt::format("{}: the folder is not empty ({}); resume the run there with `mpirun -np {} ganglion "
                            "resume {}`, choose another --out, or start over with --force",
                            top, fmt::join(other, ", "), islands, top));
  }
  nlohmann::json j;
  j["mode"] = "islands";
  j["islands"] = islands;
  j["seed"] = config.seed;
  j["migrants"] = config.distributed.migrants;
  j["interval"] = config.distributed.interval;
  j["topology"] = topology_word(config.distributed.topology);
  j["island_seeds"] = nlohmann::json::array();
  for (int r = 0; r < islands; ++r) j["island_seeds"].push_back(island_seed(config.seed, r));
  write_manifest(top, j);
}

// islands.jsonl cut back to the generations before `generations` (a resume evaluates the later
// ones again), so that the file ends as the uninterrupted run's.
void cut_lines(const std::string& path, uint32_t generations) {
  std::string text, problem;
  if (!read_regular_file(path, "islands log", text, problem)) return;
  std::istringstream in(text);
  std::string line, kept;
  while (std::getline(in, line)) {
    try {
      const auto j = nlohmann::json::parse(line);
      if (j.at("generation").get<uint32_t>() < generations) kept += line + "\n";
    } catch (const std::exception&) {
      break;  // a line cut by a kill: it and what follows belong to the unsaved part
    }
  }
  write_file_atomic(path, kept.data(), kept.size());
}

StopReason run_reason(const std::vector<uint8_t>& stopped, bool interrupted) {
  for (StopReason r : {StopReason::Solved, StopReason::Threshold, StopReason::AllInvalid, StopReason::GenerationLimit})
    if (std::find(stopped.begin(), stopped.end(), uint8_t(r)) != stopped.end()) return r;
  return interrupted ? StopReason::Interrupted : StopReason::None;
}

// Steps every island together until one stops (then all do) or a signal reaches any rank.
int run_together(Session& session, IslandExchange& exchange, const std::string& top, const StopOnSignal& signals) {
  const bool writer = ranks().writes();
  std::ofstream lines;
  if (writer) {
    lines.open(fs::path(top) / "islands.jsonl", std::ios::app);
    if (!lines) throw Error(top + "/islands.jsonl: cannot be opened for writing");
  }
  StopReason whole = StopReason::None;
  while (whole == StopReason::None) {
    const StopReason mine = session.step();
    exchange.after_step(session.state(), mine);
    const IslandGeneration& g = exchange.last();
    if (writer) {
      lines << g.json() << '\n';
      lines.flush();
    }
    const bool interrupted = on_any_rank(signals.flag()->load());
    whole = run_reason(g.stopped, interrupted);
    if (whole != StopReason::None && mine == StopReason::None) session.interrupt();
  }
  const RunSummary s = session.summary();
  const auto& g = exchange.last();
  std::vector<int> which;
  for (size_t r = 0; r < g.stopped.size(); ++r)
    if (g.stopped[r] == uint8_t(whole)) which.push_back(int(r));
  spdlog::info("islands run: {} after {} generation(s){}", stop_reason_name(whole), s.generations,
               which.empty() || whole == StopReason::Interrupted
                   ? std::string()
                   : fmt::format(" (island {}; the others stopped with it)", fmt::join(which, ", ")));
  // Every island's best on rank 0, which names the run's best and copies its best_genome.json.
  const std::vector<double> best = mpi_world()->gather({s.best.fitness});
  if (writer) {
    const Config& config = session.config();
    size_t pick = 0;
    for (size_t r = 1; r < best.size(); ++r)
      if (score_of(best[r], config) > score_of(best[pick], config)) pick = r;
    nlohmann::json j = read_manifest(top);
    j["stopped"] = stop_reason_name(whole);
    j["generations"] = s.generations;
    j["best_island"] = pick;
    j["best_fitness"] = best[pick];
    write_manifest(top, j);
    std::string text, problem;
    if (read_regular_file(island_dir(top, int(pick)) + "/best_genome.json", "best genome", text, problem))
      write_file_atomic((fs::path(top) / "best_genome.json").string(), text.data(), text.size());
    spdlog::info("best island {}: fitness {} -> {}/best_genome.json", pick, best[pick], top);
  }
  return exit_code_for(whole);
}

SessionOptions island_options(SessionOptions options, const std::string& top, IslandExchange& exchange) {
  options.run_dir = island_dir(top, ranks().rank);
  options.writes_files = true;  // each rank writes its own island's folder
  options.children_hook = exchange.hook();
  return options;
}

}  // namespace

int run_islands(const Config& config, SessionOptions options, const StopOnSignal& signals) {
  const int islands = ranks().size;
  std::string top = options.run_dir.empty() ? default_run_folder(config) : options.run_dir;
  top = from_rank_0(top);  // the default folder's name holds the time: rank 0's
  if (ranks().writes()) prepare_top(top, options.overwrite, config, islands);
  on_any_rank(false);  // the folder exists before the islands make theirs
  IslandExchange exchange(config, *mpi_world());
  Config mine = config;
  mine.seed = island_seed(config.seed, ranks().rank);
  Session session = Session::start(mine, cli_backends(), island_options(options, top, exchange));
  spdlog::info("run '{}': {} islands (one per MPI rank), task {}, backend {}, population {} each, seed {}, {} "
               "migrants every {} generation(s) ({}) -> {}",
               config.name, islands, session.task_name(), session.evaluator_name(), config.population_size,
               config.seed, config.distributed.migrants, config.distributed.interval,
               topology_word(config.distributed.topology), top);
  return run_together(session, exchange, top, signals);
}

int resume_islands(const std::string& top, const std::vector<std::string>& overrides, SessionOptions options,
                   const StopOnSignal& signals) {
  const nlohmann::json manifest = read_manifest(top);
  const int islands = manifest["islands"].get<int>();
  if (islands != ranks().size)
    throw Error(fmt::format("{}: an islands run of {} islands (islands.json), but this job has {} rank(s); resume it "
                            "with `mpirun -np {} ganglion resume {}`",
                            top, islands, ranks().size, islands, top));
  const std::string stopped = manifest.value("stopped", "");
  if (stopped == stop_reason_name(StopReason::Solved) || stopped == stop_reason_name(StopReason::Threshold)) {
    spdlog::warn("{}: nothing to do: the islands run has finished ({}) after {} generation(s); its folder is unchanged",
                 top, stopped, manifest.value("generations", 0u));
    return kExitOk;
  }
  // The newest generation every island has a checkpoint of (a kill may have caught some islands
  // before they wrote theirs).
  const std::string dir = island_dir(top, ranks().rank);
  std::string have;
  for (const auto& f : list_checkpoints((fs::path(dir) / "checkpoints").string()))
    have += std::to_string(f.generation) + " ";
  std::set<uint64_t> common;
  bool first = true;
  for (const std::string& list : from_all_ranks(have)) {
    std::set<uint64_t> theirs;
    std::istringstream in(list);
    for (uint64_t g; in >> g;) theirs.insert(g);
    if (first) common = theirs;
    else {
      std::set<uint64_t> both;
      std::set_intersection(common.begin(), common.end(), theirs.begin(), theirs.end(),
                            std::inserter(both, both.begin()));
      common = both;
    }
    first = false;
  }
  if (common.empty())
    throw Error(fmt::format("{}: the islands have no checkpoint of one generation in common (island {} has: {}); "
                            "the run cannot resume exactly",
                            top, ranks().rank, have.empty() ? std::string("none") : have));
  const std::string file = (fs::path(dir) / "checkpoints" / checkpoint_file_name(*common.rbegin())).string();

  // The exchange needs the run's config (its seed is the run's, not the island's): the island's
  // config with the run's seed. It is bound before the session exists: a finished run's resume
  // reproduces inside Session::resume, and that reproduction exchanges migrants too.
  SessionOptions opts = options;
  opts.run_dir = dir;
  opts.writes_files = true;
  Config run_config = load_config((fs::path(dir) / "config.yaml").string());
  run_config.seed = manifest["seed"].get<uint64_t>();
  for (const auto& s : overrides) apply_resume_override(run_config, s);
  IslandExchange exchange(run_config, *mpi_world());
  opts.children_hook = exchange.hook();
  Session session = Session::resume(file, overrides, cli_backends(), opts);
  if (session.config().seed != island_seed(run_config.seed, ranks().rank))
    throw Error(fmt::format("{}: island {}'s checkpoint has seed {}, but island {} of this run has seed {} "
                            "(islands.json)",
                            file, ranks().rank, session.config().seed, ranks().rank,
                            island_seed(run_config.seed, ranks().rank)));
  if (on_any_rank(session.origin().nothing_to_do)) {
    spdlog::warn("{}: nothing to do: the islands run has finished after {} generation(s); pass --generations N with "
                 "N > {} to go further",
                 top, session.origin().generations_done, session.origin().generations_done);
    return exit_code_for(StopReason::GenerationLimit);
  }
  if (ranks().writes()) {
    // A finished run's last generation was reproduced (and its migrants exchanged) by the resume:
    // its line is that exchange's, as in the uninterrupted run.
    const uint32_t done = session.origin().generations_done;
    const std::string path = (fs::path(top) / "islands.jsonl").string();
    cut_lines(path, exchange.pending() ? done - 1 : done);
    if (exchange.pending()) {
      std::ofstream out(path, std::ios::app);
      out << exchange.last().json() << '\n';
      if (!out) throw Error(path + ": cannot be written");
    }
  }
  spdlog::info("resume islands run {} ({} islands) from generation {}", top, islands,
               session.origin().generations_done);
  return run_together(session, exchange, top, signals);
}

#endif

}  // namespace ganglion::cli
