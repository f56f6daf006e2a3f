// `ganglion inspect CHECKPOINT`: what a checkpoint holds (generation, population, species table,
// best fitness, format and version, the task plug-in a resume would load), without resuming. A run folder means its newest checkpoint.
// A damaged file is an error naming the file and the problem (exit code 1).
#include <algorithm>

#include <fmt/format.h>

#include "core/config/config.hpp"
#include "core/error.hpp"
#include "core/task/plugin.hpp"
#include "core/task/plugin_trust.hpp"
#include "evolution/checkpoint.hpp"
#include "core/parallel.hpp"
#include "tools/command.hpp"

namespace ganglion::cli {
namespace {

// The plug-in a resume of this checkpoint would load, what the run recorded of it and whether the
// file still matches; the file is hashed, never loaded.
void print_plugin(const Config& config) {
  const TaskConfig& t = config.task;
  const std::string file = task_plugin_file(t.plugin, config.source);
  std::string now;
  try {
    const std::string hash = plugin_file_hash(file);
    now = t.plugin_hash.empty()     ? "the file now has content hash " + hash
          : hash == t.plugin_hash ? std::string("the file now has the recorded hash")
                                  : "the file now has content hash " + hash + ", NOT the recorded one";
  } catch (const Error& e) {
    now = std::string("the file cannot be read now: ") + e.what();
  }
  fmt::print("plug-in      {} ({}; {})\n", file, recorded_plugin_text(t), now);
  fmt::print("             native code, run with your rights: `ganglion resume` loads it only with --trust-plugin or "
             "--set task.plugin=PATH (which must have the recorded hash)\n");
}

void print_format(const CheckpointHeader& h) {
  fmt::print("format       version {}, written by Ganglion {}, {}, {} bytes ({} uncompressed)\n", h.format_version,
             h.ganglion_version, (h.flags & kCheckpointFlagZstd) ? "zstd" : "uncompressed",
             h.stored_size + kCheckpointHeaderSize, h.raw_size);
}

void print_checkpoint(const Checkpoint& c, const std::string& file, bool show_config);

// An islands run's checkpoint (docs/distributed.md): every island's, one after the other.
int inspect_islands(const IslandsCheckpoint& whole, const std::string& file, bool show_config, ThreadPool& pool) {
  fmt::print("islands      {} islands of islands run {}, {} generation(s) evaluated; resume the run folder with "
             "`mpirun -np {} ganglion resume RUN_DIR`\n",
             whole.islands.size(), whole.run_id, whole.completed, whole.islands.size());
  for (size_t r = 0; r < whole.islands.size(); ++r) {
    fmt::print("\n# island {}\n", r);
    CheckpointHeader h = decode_header(whole.islands[r].data(), whole.islands[r].size(),
                                       fmt::format("{} (island {})", file, r));
    print_format(h);
    print_checkpoint(island_checkpoint(whole.islands[r], file, int(r), &pool), file, show_config);
  }
  return kExitOk;
}

int inspect_command(const std::string& target, bool show_config) {
  const std::string file = find_checkpoint(target);
  CheckpointHeader h;
  ThreadPool pool;  // every core decodes a large checkpoint
  const Bytes body = read_container_file(file, &h, &pool);
  fmt::print("checkpoint   {}\n", file);
  print_format(h);
  if (is_islands_checkpoint(body)) return inspect_islands(decode_islands_checkpoint(body, file), file, show_config, pool);
  print_checkpoint(decode_checkpoint(body, file, &pool), file, show_config);
  return kExitOk;
}

void print_checkpoint(const Checkpoint& c, const std::string& file, bool show_config) {
  const EvolutionState& st = c.state;
  std::string name = "?", task = "?", seed = "?";
  try {
    Config config = parse_config(c.info.config_yaml, file + " (effective config)");
    name = config.name;
    task = config.task.name;
    seed = std::to_string(config.seed);
    fmt::print("experiment   {} (task {}, seed {}, population {}, generation limit {})\n", name, task, seed,
               config.population_size, config.run.generations);
    if (!config.task.plugin.empty()) print_plugin(config);
  } catch (const Error& e) {
    fmt::print("experiment   (its config does not load in this Ganglion: {})\n", e.what());
  }
  fmt::print("generations  {} evaluated; {}\n", c.completed_generations(),
             c.info.needs_reproduce
                 ? fmt::format("the run stopped ({}); resuming makes generation {} from the last one",
                               c.info.stop_reason.empty() ? "?" : c.info.stop_reason, c.completed_generations())
                 : fmt::format("resuming evaluates generation {} next{}", st.generation,
                               c.info.stop_reason.empty() ? "" : " (run was " + c.info.stop_reason + ")"));
  fmt::print("population   {} genomes, {} species, {} evaluations so far, next genome id {}\n", st.genomes.size(),
             st.species.size(), st.evaluations, st.next_genome_id);
  fmt::print("innovations  next innovation {}, next node id {}\n", st.innovations.next_innovation,
             st.innovations.next_node_id);
  if (st.has_best)
    fmt::print("best ever    fitness {:.6g} (genome {}, {} hidden nodes, {} enabled connections){}\n", st.best.fitness,
               st.best.id, st.best.count(NodeKind::Hidden), st.best.enabled_connections(),
               st.solved ? fmt::format("; solved by genome {} (fitness {:.6g})", st.solution.id, st.solution.fitness) : "");
  else
    fmt::print("best ever    (nothing evaluated yet)\n");
  if (st.best_retest)  // run.champion_episodes: best ever is the genome with the best re-test
    fmt::print("re-test      fitness {:.6g} over {} fresh episodes (generation {}); best ever is chosen by it\n",
               st.best_retest->fitness, st.best_retest->episodes, st.best_retest->generation);
  if (!st.history.empty()) {
    const auto& last = st.history.back();
    fmt::print("last gen     {}: best {:.6g}, mean {:.6g}, median {:.6g}, {} species\n", last.generation,
               last.best_fitness, last.mean_fitness, last.median_fitness, last.species.size());
  }
  fmt::print("compat. thr. {:.6g}\n", st.compatibility_threshold);

  // Species of the held population; best score and age come from the species' own history.
  fmt::print("\n{:>8} {:>6} {:>6} {:>10} {:>13} {:>14}\n", "species", "size", "age", "stagnation", "best score",
             "representative");
  const uint32_t g = st.generation;
  for (const auto& sp : st.species) {
    fmt::print("{:>8} {:>6} {:>6} {:>10} {:>13} {:>14}\n", sp.id, sp.members.size(), sp.age(g), sp.stagnation(g),
               sp.has_best ? fmt::format("{:.6g}", sp.best_score) : std::string("-"), sp.representative.id);
  }
  if (show_config) fmt::print("\n# effective config\n{}", c.info.config_yaml);
}

}  // namespace

GANGLION_COMMAND("inspect", "show what a checkpoint holds (generation, population, species, best fitness)",
                 [](CLI::App& app) {
                   auto target = std::make_shared<std::string>();
                   auto config = std::make_shared<bool>(false);
                   app.add_option("checkpoint", *target, "a .gck file, a run folder or its checkpoints folder")
                       ->required();
                   app.add_flag("--config", *config, "also print the effective config stored in it");
                   return [=] { return inspect_command(*target, *config); };
                 });

}  // namespace ganglion::cli
