// `ganglion bench episodes`: wall-clock time of whole NEAT generations of a control task (issue 5's
// cart-pole target: population 10,000, 500 steps, 1 episode per network, against TensorNEAT's
// 1.16 s per generation on an H100), on up to three paths that run the same generations:
//   cpu            backend cpu, episodes stepped per time step on all cores;
//   cuda per-step  backend cuda, episode_runner: per_step (one batched activation per time step,
//                  environments stepped on the host);
//   cuda fused     backend cuda, episode_runner: auto (the fused CUDA runner, when it is registered
//                  for the task's environment; ControlTask::last_stats().fused tells).
//
// Method: one Config from the YAML file with population_size, task.max_steps, task.episodes,
// backend, task.episode_runner and run.stop_when_solved=false overridden; the task from the
// registry, the backend and threads from make_execution_context; an Engine after init() is stepped for --warmup
// untimed and then --generations timed generations. Each Engine::step() is timed whole (compile,
// evaluator load, Task::evaluate, statistics, reproduction and speciation) and split by the
// engine's own time_ fields (the statistics' split, docs/run-folder.md); "rest" is the total less
// the evaluation. Every path starts from the same seed,
// so its generations are the same populations as long as every fitness agrees; the command
// compares the fitness of every network of every generation across paths and prints "same" or the
// first difference.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>

#include <fmt/format.h>

#include "core/config/config.hpp"
#include "core/task/control_task.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/task/task.hpp"
#include "evolution/engine.hpp"
#include "experiments/pole/pole_envs.hpp"
#include "gpu/backend.hpp"
#include "tools/command.hpp"

namespace ganglion::cli {
namespace {

// The peer figure of issue 5: TensorNEAT, cart-pole, population 10,000, 500 steps, 1 episode.
constexpr double kTensorNeatMs = 1160.0;
constexpr const char* kTensorNeatSource = "TensorNEAT, H100, issue 5";

struct Options {
  std::string config = "configs/cartpole.yaml";
  int64_t population = 10000;
  int64_t steps = 500;
  int64_t episodes = 1;
  int64_t generations = 5;
  int64_t warmup = 1;
  std::string paths = "cpu,cuda-per-step,cuda-fused";
  int64_t threads = 0;
  std::vector<std::string> sets;  // further config overrides, e.g. task.full_length=true
};

enum class PathKind { Cpu, CudaPerStep, CudaFused };

struct PathSpec {
  PathKind kind;
  const char* label;  // as printed in the tables
  const char* token;  // as written in --paths
};

constexpr PathSpec kPaths[] = {
    {PathKind::Cpu, "cpu", "cpu"},
    {PathKind::CudaPerStep, "cuda per-step", "cuda-per-step"},
    {PathKind::CudaFused, "cuda fused", "cuda-fused"},
};

// "cuda per-step", "cuda_per_step" and "CUDA-Per-Step" all name the same path.
std::string normalise_token(std::string s) {
  for (char& c : s) c = c == ' ' || c == '_' ? '-' : char(std::tolower(static_cast<unsigned char>(c)));
  const auto b = s.find_first_not_of('-');
  const auto e = s.find_last_not_of('-');
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::vector<PathSpec> parse_paths(const std::string& text) {
  std::vector<PathSpec> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const std::string t = normalise_token(item);
    if (t.empty()) continue;
    const PathSpec* found = nullptr;
    for (const auto& p : kPaths)
      if (t == p.token) found = &p;
    if (!found)
      throw Error("bench episodes: --paths: '" + item + "' is not a path; use cpu, cuda-per-step or cuda-fused " +
                  "(comma-separated)");
    const bool dup = std::any_of(out.begin(), out.end(), [&](const PathSpec& p) { return p.kind == found->kind; });
    if (dup) throw Error("bench episodes: --paths: '" + std::string(found->token) + "' is named twice");
    out.push_back(*found);
  }
  if (out.empty()) throw Error("bench episodes: --paths is empty; use cpu, cuda-per-step or cuda-fused (comma-separated)");
  return out;
}

void check_range(const char* option, int64_t value, int64_t lo, int64_t hi) {
  if (value < lo || value > hi)
    throw Error(fmt::format("bench episodes: {} must be an integer in [{}, {}], got {}", option, lo, hi, value));
}

// The episode counters and the longest episode of the last evaluate() of a control task.
// ControlTask is a template over the environment, so the pole environments are asked for in turn
// (double_pole_nv's task derives from ControlTask<DoublePole>).
struct EpisodeCounts {
  EpisodeStats stats;
  uint32_t max_steps = 0;
};

template <class Env>
std::optional<EpisodeCounts> counts_if(const Task& task) {
  const auto* t = dynamic_cast<const ControlTask<Env>*>(&task);
  if (!t) return std::nullopt;
  EpisodeCounts c;
  c.stats = t->last_stats();
  for (uint32_t s : t->episode_steps()) c.max_steps = std::max(c.max_steps, s);
  return c;
}

std::optional<EpisodeCounts> episode_counts_of(const Task& task) {
  if (auto c = counts_if<pole::GymCartPole>(task)) return c;
  if (auto c = counts_if<pole::SinglePole>(task)) return c;
  return counts_if<pole::DoublePole>(task);
}

// A Task that forwards everything to another, keeping the fitness values so that the paths can be
// compared network by network.
class RecordingTask final : public Task {
 public:
  explicit RecordingTask(Task& inner) : inner_(inner) {}
  std::string name() const override { return inner_.name(); }
  uint32_t num_inputs() const override { return inner_.num_inputs(); }
  uint32_t num_outputs() const override { return inner_.num_outputs(); }
  void evaluate(const PopulationLayout& layout, Evaluator& evaluator, const TaskContext& ctx,
                std::vector<double>& fitness) override {
    inner_.evaluate(layout, evaluator, ctx, fitness);
    last_fitness_ = fitness;
  }
  bool solved(double fitness) const override { return inner_.solved(fitness); }
  bool solved_network(uint32_t network, double fitness) const override {
    return inner_.solved_network(network, fitness);
  }

  const std::vector<double>& last_fitness() const { return last_fitness_; }

 private:
  Task& inner_;
  std::vector<double> last_fitness_;
};

struct GenerationRow {
  uint32_t generation = 0;
  bool warmup = false;
  double mean_steps = NAN;
  uint32_t max_steps = 0;  // the longest episode: what a lock-step runner pays for every episode
  uint64_t env_steps = 0;
  bool fused = false;
  double evaluate_ms = 0.0;
  double total_ms = 0.0;
  GenerationStats times;  // the engine's time_ fields of this generation (seconds)
  double best_fitness = 0.0;
  std::vector<double> fitness;  // every network's, for the comparison across paths
};

struct PathResult {
  PathSpec spec;
  std::string skipped;    // why the path did not run ("" when it ran)
  std::string evaluator;  // the evaluator's name
  std::string task;       // the task's name
  std::vector<GenerationRow> rows;
  size_t device_bytes = 0;    // the evaluator's device memory after the last generation
  size_t host_peak_bytes = 0;  // the process's peak resident memory after this path
};

Config path_config(const Options& o, const PathSpec& p) {
  std::vector<std::string> overrides = {
      "population_size=" + std::to_string(o.population),
      "task.max_steps=" + std::to_string(o.steps),
      "task.episodes=" + std::to_string(o.episodes),
      std::string("backend=") + (p.kind == PathKind::Cpu ? "cpu" : "cuda"),
      std::string("task.episode_runner=") + (p.kind == PathKind::CudaFused ? "auto" : "per_step"),
      "run.stop_when_solved=false",
      // One more than the steps taken, so that no timed step stops before reproduction.
      "run.generations=" + std::to_string(o.warmup + o.generations + 1),
      "threads=" + std::to_string(o.threads),
  };
  overrides.insert(overrides.end(), o.sets.begin(), o.sets.end());
  Config config = load_config(o.config, overrides);
  config.run.fitness_threshold.reset();  // a threshold would also stop a step before reproduction
  return config;
}

PathResult run_path(const Options& o, const PathSpec& p) {
  PathResult r{p, {}, {}, {}, {}};
  if (p.kind != PathKind::Cpu && !cuda_available()) {
    r.skipped = "skipped: no CUDA device";
    return r;
  }
  const Config config = path_config(o, p);
  auto task = TaskRegistry::instance().create(config);
  ExecutionContext execution = make_execution_context(config);
  r.evaluator = execution.backend().evaluator().name();
  r.task = task->name();
  RecordingTask timed(*task);
  Engine engine(config, timed, execution);
  engine.init();
  for (int64_t g = 0; g < o.warmup + o.generations; ++g) {
    GenerationRow row;
    row.generation = engine.state().generation;
    row.warmup = g < o.warmup;
    const auto t0 = std::chrono::steady_clock::now();
    const StopReason reason = engine.step();
    row.total_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (reason != StopReason::None)  // our own overrides should make this impossible
      throw Error(fmt::format("bench episodes: path {}: the run stopped ({}) at generation {}", p.label,
                              stop_reason_name(reason), row.generation));
    row.fitness = timed.last_fitness();
    if (!engine.state().history.empty()) {
      row.times = engine.state().history.back();
      row.best_fitness = row.times.best_fitness;
      row.evaluate_ms = 1000.0 * row.times.time_evaluate;
    }
    if (const auto counts = episode_counts_of(*task)) {
      row.env_steps = counts->stats.env_steps;
      row.fused = counts->stats.fused;
      row.max_steps = counts->max_steps;
      const double episodes = double(row.fitness.size()) * double(o.episodes);
      row.mean_steps = episodes > 0 ? double(counts->stats.env_steps) / episodes : NAN;
    }
    std::fprintf(stderr, "%s: generation %u%s: %.1f ms\n", p.label, row.generation, row.warmup ? " (warm-up)" : "",
                 row.total_ms);
    r.rows.push_back(std::move(row));
  }
  r.device_bytes = execution.backend().evaluator().device_bytes();
  struct rusage usage {};
  if (getrusage(RUSAGE_SELF, &usage) == 0) r.host_peak_bytes = size_t(usage.ru_maxrss) * 1024;  // Linux: KiB
  return r;
}

std::string num(double x, int decimals) { return std::isfinite(x) ? fmt::format("{:.{}f}", x, decimals) : "-"; }

// The first generation and network where two paths' fitness values differ, or "".
std::string first_difference(const PathResult& a, const PathResult& b) {
  const size_t gens = std::min(a.rows.size(), b.rows.size());
  for (size_t g = 0; g < gens; ++g) {
    const GenerationRow& ra = a.rows[g];
    const GenerationRow& rb = b.rows[g];
    if (ra.fitness.size() != rb.fitness.size())
      return fmt::format("generation {}: {} networks on {}, {} on {}", ra.generation, ra.fitness.size(), a.spec.label,
                         rb.fitness.size(), b.spec.label);
    if (ra.best_fitness != rb.best_fitness)
      return fmt::format("generation {}: best fitness {} on {}, {} on {}", ra.generation, ra.best_fitness,
                         a.spec.label, rb.best_fitness, b.spec.label);
    for (size_t n = 0; n < ra.fitness.size(); ++n)
      if (ra.fitness[n] != rb.fitness[n])
        return fmt::format("generation {}, network {}: fitness {} on {}, {} on {} (best fitness {} on both)",
                           ra.generation, n, ra.fitness[n], a.spec.label, rb.fitness[n], b.spec.label,
                           ra.best_fitness);
  }
  return "";
}

int bench_command(const Options& o) {
  check_range("--population", o.population, 2, 100000000);
  check_range("--steps", o.steps, 1, 1000000000);
  check_range("--episodes", o.episodes, 1, 1000000);
  check_range("--generations", o.generations, 1, 100000);
  check_range("--warmup", o.warmup, 0, 100000);
  check_range("--threads", o.threads, 0, 4096);
  const std::vector<PathSpec> paths = parse_paths(o.paths);
  {
    // Refuse a task without episodes here, with its name, rather than through the overrides of
    // task.max_steps / task.episodes that only control tasks take.
    const Config plain = load_config(o.config);
    const auto task = TaskRegistry::instance().create(plain);
    if (!episode_counts_of(*task))
      throw Error("bench episodes: " + o.config + ": task '" + task->name() +
                  "' is not a control task this bench knows; use a config of cartpole, single_pole, double_pole or "
                  "double_pole_nv");
  }

  std::printf("bench episodes: %s, population %lld, %lld steps, %lld episode(s) per network, %lld timed "
              "generation(s) after %lld warm-up\n",
              o.config.c_str(), (long long)o.population, (long long)o.steps, (long long)o.episodes,
              (long long)o.generations, (long long)o.warmup);
  std::printf("cpu: %u threads; cuda: %s\n", o.threads > 0 ? unsigned(o.threads) : std::max(1u, std::thread::hardware_concurrency()),
              cuda_available() ? cuda_device_info().c_str() : "no CUDA device");
  std::printf("baseline: %.0f ms per generation (%s)\n", kTensorNeatMs, kTensorNeatSource);
  std::printf("times are wall-clock ms per Engine::step(), split as stats.jsonl's time_ fields (upload = the "
              "evaluator's load; evaluate = the task's evaluation); rest = total less evaluate\n\n");
  std::fflush(stdout);

  std::vector<PathResult> results;
  for (const auto& p : paths) results.push_back(run_path(o, p));

  std::printf("| path | generation | runner | mean episode steps | max episode steps | evaluate ms | rest ms "
              "| total ms |");
#define GANGLION_TIME_HEAD(name, in_hist) std::printf(" " #name " |");
  GANGLION_GENERATION_TIMES(GANGLION_TIME_HEAD)
#undef GANGLION_TIME_HEAD
  std::printf("\n| --- | --- | --- | --- | --- | --- | --- | --- |");
#define GANGLION_TIME_RULE(name, in_hist) std::printf(" --- |");
  GANGLION_GENERATION_TIMES(GANGLION_TIME_RULE)
#undef GANGLION_TIME_RULE
  std::printf("\n");
  for (const auto& r : results) {
    if (!r.skipped.empty()) {
      std::printf("| %s | %s | | | | | | |\n", r.spec.label, r.skipped.c_str());
      continue;
    }
    for (const auto& row : r.rows) {
      std::printf("| %s | %u%s | %s | %s | %u | %.1f | %.1f | %.1f |", r.spec.label, row.generation,
                  row.warmup ? " (warm-up)" : "", row.fused ? "fused" : "per-step", num(row.mean_steps, 1).c_str(),
                  row.max_steps, row.evaluate_ms, row.total_ms - row.evaluate_ms, row.total_ms);
#define GANGLION_TIME_CELL(name, in_hist) std::printf(" %.2f |", 1000.0 * row.times.time_##name);
      GANGLION_GENERATION_TIMES(GANGLION_TIME_CELL)
#undef GANGLION_TIME_CELL
      std::printf("\n");
    }
  }

  // Summary over the timed generations.
  struct Summary {
    double mean_ms = NAN, max_ms = NAN, evaluate_ms = NAN, rest_ms = NAN, steps_per_s = NAN;
  };
  auto summarise = [](const PathResult& r) {
    Summary s;
    double total = 0, eval = 0, maxv = 0;
    uint64_t steps = 0;
    size_t n = 0;
    for (const auto& row : r.rows) {
      if (row.warmup) continue;
      total += row.total_ms;
      eval += row.evaluate_ms;
      maxv = std::max(maxv, row.total_ms);
      steps += row.env_steps;
      ++n;
    }
    if (n == 0) return s;
    s.mean_ms = total / double(n);
    s.max_ms = maxv;
    s.evaluate_ms = eval / double(n);
    s.rest_ms = (total - eval) / double(n);
    s.steps_per_s = eval > 0 ? double(steps) / (eval / 1000.0) : NAN;
    return s;
  };
  double cpu_ms = NAN;
  for (const auto& r : results)
    if (r.spec.kind == PathKind::Cpu && r.skipped.empty()) cpu_ms = summarise(r).mean_ms;
  // TensorNEAT's figure is for one workload; against any other the ratio would mislead.
  bool like_for_like = o.population == 10000 && o.steps == 500 && o.episodes == 1;
  for (const auto& r : results)
    if (r.skipped.empty() && r.task != "cartpole") like_for_like = false;

  std::printf("\n| path | evaluator | ms per generation (mean) | max ms | evaluate ms | reproduce+compile ms "
              "| env steps/s (evaluate) | x vs TensorNEAT 1.16 s | x vs cpu |\n");
  std::printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
  std::printf("| TensorNEAT (baseline: %s) | | %.0f | | | | | 1.0 | |\n", kTensorNeatSource, kTensorNeatMs);
  std::vector<std::string> notes;
  for (const auto& r : results) {
    if (!r.skipped.empty()) {
      std::printf("| %s | %s | | | | | | | |\n", r.spec.label, r.skipped.c_str());
      continue;
    }
    const Summary s = summarise(r);
    std::string evaluator = r.evaluator;
    if (r.spec.kind == PathKind::CudaFused) {
      const bool all_fused = std::all_of(r.rows.begin(), r.rows.end(), [](const GenerationRow& g) { return g.fused; });
      if (!all_fused) {
        evaluator += "; fused runner not available";
        notes.push_back("cuda fused: fused runner not available: ControlTask::last_stats().fused was false, so "
                        "these generations ran per step");
      }
    }
    std::printf("| %s | %s | %.1f | %.1f | %.1f | %.1f | %s | %s | %s |\n", r.spec.label, evaluator.c_str(), s.mean_ms,
                s.max_ms, s.evaluate_ms, s.rest_ms, std::isfinite(s.steps_per_s) ? fmt::format("{:.3g}", s.steps_per_s).c_str() : "-",
                like_for_like ? num(kTensorNeatMs / s.mean_ms, 1).c_str() : "-",
                num(cpu_ms / s.mean_ms, 1).c_str());
  }
  if (!like_for_like)
    notes.push_back("x vs TensorNEAT: '-' because its figure is for cartpole, population 10000, 500 steps, "
                    "1 episode, and this run's workload differs");
  for (const auto& n : notes) std::printf("%s\n", n.c_str());

  // Memory per genome: the process's peak (all paths so far, so the first path's figure is its own)
  // and the device memory the evaluator holds.
  const double genomes = double(std::max<int64_t>(1, o.population));
  for (const auto& r : results)
    if (r.skipped.empty())
      std::printf("memory, %s: host peak %.0f MiB (%.0f bytes per genome), device %.0f MiB (%.0f bytes per genome)\n",
                  r.spec.label, double(r.host_peak_bytes) / 1048576.0, double(r.host_peak_bytes) / genomes,
                  double(r.device_bytes) / 1048576.0, double(r.device_bytes) / genomes);

  // Same seed, same code: the populations stay identical exactly as long as every fitness does.
  std::vector<const PathResult*> ran;
  for (const auto& r : results)
    if (r.skipped.empty()) ran.push_back(&r);
  if (ran.size() < 2) {
    std::printf("\nfitness across paths: only one path ran, nothing to compare\n");
  } else {
    std::string diff;
    for (size_t i = 1; i < ran.size() && diff.empty(); ++i) diff = first_difference(*ran[0], *ran[i]);
    if (diff.empty())
      std::printf("\nfitness across paths: same (every network's fitness in all %zu generations)\n", ran[0]->rows.size());
    else
      std::printf("\nfitness across paths: differ: first at %s\n", diff.c_str());
  }
  std::fflush(stdout);
  return kExitOk;
}

std::function<int()> setup(CLI::App& app) {
  auto o = std::make_shared<Options>();
  app.add_option("--config", o->config, "the control task's config")->capture_default_str();
  app.add_option("--population", o->population, "population size")->capture_default_str();
  app.add_option("--steps", o->steps, "steps per episode at most (task.max_steps)")->capture_default_str();
  app.add_option("--episodes", o->episodes, "episodes per network (task.episodes)")->capture_default_str();
  app.add_option("--generations", o->generations, "timed generations")->capture_default_str();
  app.add_option("--warmup", o->warmup, "untimed generations first (every path runs them)")->capture_default_str();
  app.add_option("--paths", o->paths, "comma-separated: cpu, cuda-per-step, cuda-fused")->capture_default_str();
  app.add_option("--threads", o->threads, "CPU threads (0 = all cores)")->capture_default_str();
  app.add_option("--set", o->sets,
                 "a further config override, section.key=value (repeatable); e.g. task.full_length=true runs "
                 "every cart-pole episode to --steps, as fixed-length batched implementations do");
  return [o] { return bench_command(*o); };
}

}  // namespace
GANGLION_COMMAND("bench episodes",
                 "Whole generations of a control task (cart-pole 10,000 x 500): CPU, CUDA per-step, CUDA fused, "
                 "vs TensorNEAT",
                 setup);
}  // namespace ganglion::cli
