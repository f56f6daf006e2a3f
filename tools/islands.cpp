#include "tools/islands.hpp"

#include <algorithm>
#include <chrono>
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
#include "core/parallel.hpp"
#include "evolution/checkpoint.hpp"
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
  const bool here = ranks().writes() && fs::is_regular_file(fs::path(path) / "islands.json", ec);
  return from_rank_0(here ? "1" : "0") == "1";  // rank 0's folder: the others may not see it
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

std::string checkpoints_dir(const std::string& top) { return (fs::path(top) / "checkpoints").string(); }

nlohmann::json parse_manifest(const std::string& path, const std::string& text) {
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

nlohmann::json read_manifest(const std::string& top) {
  const std::string path = (fs::path(top) / "islands.json").string();
  std::string text, problem;
  if (!read_regular_file(path, "islands manifest", text, problem)) throw Error(path + ": " + problem);
  return parse_manifest(path, text);
}

void write_manifest(const std::string& top, const nlohmann::json& j) {
  const std::string text = j.dump(2) + "\n";
  write_file_atomic((fs::path(top) / "islands.json").string(), text.data(), text.size());
}

// What an island sends rank 0 at each flush: the files of RUN_DIR/island-<r>/ that changed, and
// its checkpoints, which rank 0 puts into the run's checkpoint files with the other islands'.
struct IslandPart {
  std::string config_yaml;  // "" unchanged
  bool replace_stats = false;
  std::string stats;        // stats.jsonl lines to append (or the whole file when replace_stats)
  std::vector<std::pair<uint32_t, Bytes>> checkpoints;  // (generations evaluated, checkpoint file)
  std::string best_genome;  // best_genome.json; "" unchanged

  std::string encode() const {
    BinaryWriter w;
    w.string(config_yaml);
    w.boolean(replace_stats);
    w.string(stats);
    w.varint(checkpoints.size());
    for (const auto& [completed, file] : checkpoints) {
      w.varint(completed);
      w.varint(file.size());
      w.bytes(file.data(), file.size());
    }
    w.string(best_genome);
    return std::string(w.data().begin(), w.data().end());
  }
  static IslandPart decode(const std::string& bytes, int island) {
    BinaryReader r(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                   "island " + std::to_string(island) + "'s files", "message");
    IslandPart p;
    p.config_yaml = r.string("config.yaml");
    p.replace_stats = r.boolean("stats flag");
    p.stats = r.string("stats.jsonl lines");
    const size_t n = r.count("checkpoints");
    for (size_t i = 0; i < n; ++i) {
      const uint32_t completed = uint32_t(r.varint_max("generations", UINT32_MAX));
      const size_t size = size_t(r.varint_max("checkpoint size", r.remaining()));
      const uint8_t* data = r.raw(size, "checkpoint");
      p.checkpoints.emplace_back(completed, Bytes(data, data + size));
    }
    p.best_genome = r.string("best_genome.json");
    r.expect_end("island files");
    return p;
  }
};

// On every rank: a reporter of its island's session that keeps what the island's run folder and
// checkpoints would get, until the next flush sends it to rank 0. The islands' ranks write nothing.
class IslandOutputs final : public Reporter {
 public:
  // `dir`: the island's folder on rank 0, for messages.
  explicit IslandOutputs(std::string dir) : dir_(std::move(dir)) {}
  CheckpointSink sink() {
    CheckpointSink s;
    s.take = [this](uint32_t completed, Bytes file) { part_.checkpoints.emplace_back(completed, std::move(file)); };
    s.due_by_time = [this] { return due_by_time_; };
    return s;
  }
  void config(const Config& config) { part_.config_yaml = config_to_yaml(config); }
  void replace_stats(const std::vector<GenerationStats>& history) {
    part_.replace_stats = true;
    part_.stats = stats_lines(history);
  }
  void on_generation(const GenerationStats& stats, const EvolutionState&, StopReason) override {
    part_.stats += stats_to_json(stats) + "\n";
  }
  // best_genome.json as a one-process run writes it (run_folder.hpp, save_genome).
  void on_finish(const EvolutionState& state, StopReason) override {
    const BestGenome best = best_genome_of(state);
    if (best.genome) part_.best_genome = genome_file_text(*best.genome, dir_ + "/best_genome.json", best.retest);
  }
  std::string take() {
    std::string bytes = part_.encode();
    part_ = IslandPart{};
    return bytes;
  }
  void set_due_by_time(bool due) { due_by_time_ = due; }

 private:
  std::string dir_;
  IslandPart part_;
  bool due_by_time_ = false;
};

// On rank 0: the one run folder of an islands run, locked while the run goes on. It writes every
// island's files into RUN_DIR/island-<r>/ and one checkpoint per point of the run holding every
// island into RUN_DIR/checkpoints/, and decides when checkpoint.seconds have passed.
class IslandsFolder {
 public:
  // Takes the folder's lock (made when missing) before anything in it is looked at.
  IslandsFolder(std::string top, int islands) : top_(std::move(top)), islands_(islands), lock_(top_) {}
  // The islands run's id (islands.json's run_id), which every checkpoint records.
  void run_id(std::string id) { run_id_ = std::move(id); }
  // checkpoint.keep and checkpoint.seconds of the run (as resumed).
  void settings(const Config& config) {
    keep_ = config.checkpoint.keep;
    seconds_ = config.checkpoint.seconds;
  }

  const std::string& top() const { return top_; }
  const std::string& last_checkpoint() const { return last_checkpoint_; }

  void write(const std::vector<std::string>& parts) {
    if (int(parts.size()) != islands_)
      throw Error(fmt::format("islands run: {} ranks sent files, the run has {} islands", parts.size(), islands_));
    std::vector<IslandPart> got;
    for (int r = 0; r < islands_; ++r) got.push_back(IslandPart::decode(parts[size_t(r)], r));
    // Every island checkpoints at the same points of the run (the same generations by count,
    // rank 0's clock by time).
    const auto& first = got[0].checkpoints;
    for (int r = 1; r < islands_; ++r) {
      const auto& theirs = got[size_t(r)].checkpoints;
      for (size_t k = 0; k < std::max(first.size(), theirs.size()); ++k)
        if (k >= first.size() || k >= theirs.size() || theirs[k].first != first[k].first)
          throw Error(fmt::format("islands run: island {} checkpointed {} where island 0 checkpointed {}", r,
                                  k < theirs.size() ? "generation " + std::to_string(theirs[k].first) : "nothing",
                                  k < first.size() ? "generation " + std::to_string(first[k].first) : "nothing"));
    }
    // The checkpoints first: at the end of a run they come before best_genome.json.
    for (size_t k = 0; k < first.size(); ++k) {
      IslandsCheckpoint whole;
      whole.run_id = run_id_;
      whole.completed = first[k].first;
      for (int r = 0; r < islands_; ++r) whole.islands.push_back(std::move(got[size_t(r)].checkpoints[k].second));
      const std::string dir = checkpoints_dir(top_);
      std::error_code ec;
      fs::create_directories(dir, ec);
      if (ec) throw CheckpointError(dir + ": cannot create the checkpoints folder: " + ec.message());
      ContainerOptions options;
      options.compress = false;  // each island's checkpoint inside is compressed already
      last_checkpoint_ = (fs::path(dir) / checkpoint_file_name(whole.completed)).string();
      write_container_file(last_checkpoint_, encode_islands_checkpoint(whole), options);
      rotate_checkpoints(dir, keep_);
      last_time_ = std::chrono::steady_clock::now();
      spdlog::debug("checkpoint {} ({} islands)", last_checkpoint_, islands_);
    }
    for (int r = 0; r < islands_; ++r) {
      const IslandPart& p = got[size_t(r)];
      const fs::path dir = island_dir(top_, r);
      std::error_code ec;
      fs::create_directories(dir, ec);
      if (ec) throw Error(dir.string() + ": cannot create the island's folder: " + ec.message());
      if (!p.config_yaml.empty())
        write_file_atomic((dir / "config.yaml").string(), p.config_yaml.data(), p.config_yaml.size());
      if (p.replace_stats) write_file_atomic((dir / "stats.jsonl").string(), p.stats.data(), p.stats.size());
      else if (!p.stats.empty()) append_to_file((dir / "stats.jsonl").string(), p.stats, /*sync=*/false);
      if (!p.best_genome.empty())
        write_file_atomic((dir / "best_genome.json").string(), p.best_genome.data(), p.best_genome.size());
    }
  }

  bool due_by_time() const {
    return seconds_ > 0 &&
           std::chrono::duration<double>(std::chrono::steady_clock::now() - last_time_).count() >= seconds_;
  }

 private:
  std::string top_;
  int islands_;
  std::string run_id_;
  uint32_t keep_ = 0;
  double seconds_ = 0.0;
  RunFolderLock lock_;
  std::chrono::steady_clock::time_point last_time_ = std::chrono::steady_clock::now();
  std::string last_checkpoint_;
};

// Every island's files since the last flush to rank 0, which writes them (every rank calls it at
// the same point); then every island learns whether a checkpoint is due by time.
void flush(IslandOutputs& mine, IslandsFolder* folder) {
  const std::vector<std::string> parts = mpi_world()->gather_bytes(mine.take());
  std::string due = "0";
  if (folder) {
    folder->write(parts);
    if (folder->due_by_time()) due = "1";
  }
  mine.set_due_by_time(from_rank_0(due) == "1");
}

// Rank 0, holding the folder's lock: the folder of a new islands run: empty or, with --force, an
// earlier islands run's files (which are removed). Returns the manifest written.
nlohmann::json prepare_top(const std::string& top, bool overwrite, const Config& config, int islands) {
  std::error_code ec;
  if (overwrite) {
    remove_run_files(top, {"islands.json", "islands.jsonl", "best_genome.json"});
    remove_checkpoint_files(checkpoints_dir(top));
    for (const auto& e : fs::directory_iterator(top, ec)) {
      const std::string n = e.path().filename().string();
      if (n.rfind("island-", 0) != 0 || !e.is_directory()) continue;
      remove_run_files(e.path().string(), {"config.yaml", "stats.jsonl", "best_genome.json", "report.html", "events.jsonl", ".lock"});
      remove_checkpoint_files((e.path() / "checkpoints").string());  // an earlier version's island checkpoints
      fs::remove(e.path(), ec);                                      // only when it is empty now
    }
  }
  const std::string list = folder_contents_text(top);
  if (!list.empty()) {
    if (overwrite)
      throw Error(fmt::format("{}: the folder holds files an islands run does not write ({}); move them, or choose "
                              "another --out",
                              top, list));
    throw Error(fmt::format("{}: the folder is not empty ({}); resume the run there with `mpirun -np {} ganglion "
                            "resume {}`, choose another --out, or start over with --force",
                            top, list, islands, top));
  }
  nlohmann::json j;
  j["mode"] = "islands";
  j["islands"] = islands;
  j["seed"] = config.seed;
  j["run_id"] = new_run_id();
  j["migrants"] = config.distributed.migrants;
  j["interval"] = config.distributed.interval;
  j["topology"] = topology_word(config.distributed.topology);
  j["island_seeds"] = nlohmann::json::array();
  for (int r = 0; r < islands; ++r) j["island_seeds"].push_back(island_seed(config.seed, r));
  write_manifest(top, j);
  return j;
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
int run_together(Session& session, IslandExchange& exchange, IslandOutputs& outputs, IslandsFolder* folder,
                 const StopOnSignal& signals) {
  std::ofstream lines;
  if (folder) {
    lines.open(fs::path(folder->top()) / "islands.jsonl", std::ios::app);
    if (!lines) throw Error(folder->top() + "/islands.jsonl: cannot be opened for writing");
  }
  StopReason whole = StopReason::None;
  while (whole == StopReason::None) {
    const StopReason mine = session.step();
    exchange.after_step(session.state(), mine);
    const IslandGeneration& g = exchange.last();
    const bool interrupted = on_any_rank(signals.flag()->load());
    whole = run_reason(g.stopped, interrupted);
    if (whole != StopReason::None && mine == StopReason::None) session.interrupt();
    // Every island's files of the generation, its final checkpoint and best genome when the run
    // stops (every island has finished by now), then the generation's line.
    flush(outputs, folder);
    if (folder) {
      lines << g.json() << '\n';
      lines.flush();
    }
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
  if (folder) {
    const std::string& top = folder->top();
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
    spdlog::info("best island {}: fitness {} -> {}/best_genome.json; checkpoint {}", pick, best[pick], top,
                 folder->last_checkpoint());
  }
  return exit_code_for(whole);
}

// An island's session: it writes nothing itself; its files and checkpoints go to rank 0.
SessionOptions island_options(SessionOptions options, const std::string& top, IslandExchange& exchange,
                              IslandOutputs& outputs) {
  options.run_dir = island_dir(top, ranks().rank);
  options.writes_files = false;
  options.children_hook = exchange.hook();
  options.checkpoint_sink = outputs.sink();
  options.reporters.push_back(&outputs);
  return options;
}

// Rank 0: the newest checkpoint of the islands run in `top`, split into its islands; checked to be
// of this run (islands.json's run_id), of `islands` islands and named for its generation.
IslandsCheckpoint newest_islands_checkpoint(const std::string& top, const nlohmann::json& manifest, int islands,
                                            std::string& file) {
  const auto files = list_checkpoints(checkpoints_dir(top));
  if (files.empty() || !manifest.contains("run_id")) {
    std::error_code ec;
    if (fs::is_directory(fs::path(island_dir(top, 0)) / "checkpoints", ec))
      throw CheckpointError(fmt::format("{}: an islands run of an earlier Ganglion, with a checkpoint per island in "
                                        "island-N/checkpoints; this version keeps one checkpoint of every island "
                                        "in {}/checkpoints: resume the run with the Ganglion that wrote it",
                                        top, top));
    throw CheckpointError(fmt::format("{}: the islands run has no checkpoint ({} holds none)", top,
                                      checkpoints_dir(top)));
  }
  file = files.back().path;
  IslandsCheckpoint whole = [&] {
    ThreadPool loader;
    const Bytes body = read_container_file(file, nullptr, &loader);
    if (!is_islands_checkpoint(body))
      throw CheckpointError(file + ": not an islands checkpoint (it holds one run, not every island's)");
    return decode_islands_checkpoint(body, file);
  }();
  const std::string run_id = manifest["run_id"].get<std::string>();
  if (whole.run_id != run_id)
    throw CheckpointError(fmt::format("{}: the checkpoint is of islands run {}, but the folder {} is of run {} "
                                      "(islands.json)",
                                      file, whole.run_id, top, run_id));
  if (int(whole.islands.size()) != islands)
    throw CheckpointError(fmt::format("{}: the checkpoint holds {} islands, but the run has {} (islands.json)", file,
                                      whole.islands.size(), islands));
  if (whole.completed != files.back().generation)
    throw CheckpointError(fmt::format("{}: the file is named for generation {} but holds the run after {} "
                                      "generation(s); rename it {} or move it away",
                                      file, files.back().generation, whole.completed,
                                      checkpoint_file_name(whole.completed)));
  return whole;
}

}  // namespace

int run_islands(const Config& config, SessionOptions options, const StopOnSignal& signals) {
  const int islands = ranks().size;
  std::string top = options.run_dir.empty() ? default_run_folder(config) : options.run_dir;
  top = from_rank_0(top);  // the default folder's name holds the time: rank 0's
  std::unique_ptr<IslandsFolder> folder;
  if (ranks().writes()) {
    folder = std::make_unique<IslandsFolder>(top, islands);
    folder->run_id(prepare_top(top, options.overwrite, config, islands)["run_id"].get<std::string>());
    folder->settings(config);
  }
  IslandExchange exchange(config, *mpi_world());
  IslandOutputs outputs(island_dir(top, ranks().rank));
  Config mine = config;
  mine.seed = island_seed(config.seed, ranks().rank);
  Session session = Session::start(mine, cli_backends(), island_options(options, top, exchange, outputs));
  outputs.config(session.config());
  session.begin();  // the checkpoint of the start
  flush(outputs, folder.get());
  spdlog::info("run '{}': {} islands (one per MPI rank), task {}, backend {}, population {} each, seed {}, {} "
               "migrants every {} generation(s) ({}) -> {}",
               config.name, islands, session.task_name(), session.evaluator_name(), config.population_size,
               config.seed, config.distributed.migrants, config.distributed.interval,
               topology_word(config.distributed.topology), top);
  return run_together(session, exchange, outputs, folder.get(), signals);
}

int resume_islands(const std::string& top, const std::vector<std::string>& overrides, SessionOptions options,
                   const StopOnSignal& signals) {
  // Rank 0 reads the folder; the other ranks may be on hosts that do not see it.
  const std::string manifest_text = from_rank_0(ranks().writes() ? read_manifest(top).dump() : std::string());
  const nlohmann::json manifest = parse_manifest(top + "/islands.json", manifest_text);
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
  // Rank 0 locks the folder, reads the newest checkpoint and hands every island its own.
  std::unique_ptr<IslandsFolder> folder;
  std::string file;
  std::vector<std::string> parts;
  if (ranks().writes()) {
    folder = std::make_unique<IslandsFolder>(top, islands);
    folder->run_id(manifest.value("run_id", ""));
    IslandsCheckpoint whole = newest_islands_checkpoint(top, manifest, islands, file);
    for (const Bytes& b : whole.islands) parts.emplace_back(b.begin(), b.end());
  }
  file = from_rank_0(file);
  const std::string mine_bytes = mpi_world()->scatter_bytes(parts);
  parts.clear();
  Checkpoint ck = [&] {
    ThreadPool loader;
    return island_checkpoint(Bytes(mine_bytes.begin(), mine_bytes.end()), file, ranks().rank, &loader);
  }();

  // The exchange needs the run's config (its seed is the run's, not the island's): the island's
  // config with the run's seed. It is bound before the session exists: a finished run's resume
  // reproduces inside Session::resume_from, and that reproduction exchanges migrants too.
  Config run_config = parse_config(ck.info.config_yaml, file + " (island " + std::to_string(ranks().rank) + ")");
  run_config.seed = manifest["seed"].get<uint64_t>();
  for (const auto& s : overrides) apply_resume_override(run_config, s);
  if (folder) folder->settings(run_config);
  IslandExchange exchange(run_config, *mpi_world());
  IslandOutputs outputs(island_dir(top, ranks().rank));
  Session session = Session::resume_from(std::move(ck), fmt::format("{} (island {})", file, ranks().rank), overrides,
                                         cli_backends(), island_options(options, top, exchange, outputs));
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
  // Each island's stats.jsonl as it was at the checkpoint, and its config as resumed.
  outputs.config(session.config());
  outputs.replace_stats(session.state().history);
  flush(outputs, folder.get());
  if (folder) {
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
  return run_together(session, exchange, outputs, folder.get(), signals);
}

#endif

}  // namespace ganglion::cli
