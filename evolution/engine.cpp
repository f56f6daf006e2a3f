#include "evolution/engine.hpp"

#include <algorithm>
#include <exception>
#include <chrono>
#include <cmath>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/network/layout.hpp"
#include "core/rng.hpp"
#include "core/task/control_task.hpp"
#include "evolution/reproduction.hpp"
#include "evolution/speciation.hpp"

namespace ganglion {

namespace {
double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}
uint32_t counted_nodes(const Genome& g) { return g.count(NodeKind::Hidden) + g.count(NodeKind::Output); }
}  // namespace

namespace {
std::unique_ptr<Decoder> direct_decoder(const Config& config, ThreadPool& pool) {
  CompileOptions options;
  options.feed_forward = config.genome.feed_forward;
  return std::make_unique<DirectDecoder>(options, pool);
}
}  // namespace

uint32_t champion_episodes(const Config& config, const PopulationEvaluation& evaluation) {
  const auto& given = config.run.champion_episodes;
  if (!given) return evaluation.random_starts() ? kAutoChampionEpisodes : 0;
  if (*given > 0 && !evaluation.random_starts())
    throw ConfigError((config.source.empty() ? std::string("config") : config.source) +
                      ": run.champion_episodes: " + std::to_string(*given) + ", but " + evaluation.name() +
                      " has no random starts (its results do not depend on the generation's starts), so there is "
                      "nothing to re-test on fresh episodes; use auto or 0");
  return *given;
}

Engine::Engine(const Config& config, ExecutionContext& execution, Decoder& decoder, PopulationEvaluation& evaluation)
    : config_(config), execution_(&execution), decoder_(&decoder), evaluation_(&evaluation) {
  state_.compatibility_threshold = config.speciation.compatibility_threshold;
  champion_episodes_ = champion_episodes(config_, *evaluation_);
}

Engine::Engine(const Config& config, Task& task, ExecutionContext& execution) : config_(config) {
  complete_genome_counts(config_, task);
  own_evaluation_ = std::make_unique<TaskEvaluation>(config_, task, execution);
  own_decoder_ = direct_decoder(config, execution.pool());
  execution_ = &execution;
  decoder_ = own_decoder_.get();
  evaluation_ = own_evaluation_.get();
  state_.compatibility_threshold = config.speciation.compatibility_threshold;
  champion_episodes_ = champion_episodes(config_, *evaluation_);
}

Engine::Engine(const Config& config, Task& task, Evaluator& evaluator) : config_(config) {
  complete_genome_counts(config_, task);
  own_execution_ = std::make_unique<ExecutionContext>(config.threads, std::make_unique<EvaluatorBackend>(evaluator));
  own_evaluation_ = std::make_unique<TaskEvaluation>(config_, task, *own_execution_);
  own_decoder_ = direct_decoder(config, own_execution_->pool());
  execution_ = own_execution_.get();
  decoder_ = own_decoder_.get();
  evaluation_ = own_evaluation_.get();
  state_.compatibility_threshold = config.speciation.compatibility_threshold;
  champion_episodes_ = champion_episodes(config_, *evaluation_);
}

Engine::~Engine() = default;

void Engine::add_reporter(Reporter* reporter) { reporters_.push_back(reporter); }

void Engine::init() {
  state_ = EvolutionState{};
  state_.compatibility_threshold = config_.speciation.compatibility_threshold;
  initialise_population(state_, config_, execution_->pool());
  started_ = true;
}

void Engine::restore(EvolutionState state) {
  state_ = std::move(state);
  started_ = true;
}

StopReason Engine::step() {
  if (!started_) init();
  const auto t_start = std::chrono::steady_clock::now();
  EvolutionState& st = state_;
  GenerationStats s;
  s.generation = st.generation;
  const size_t n = st.genomes.size();

  // Decode and evaluate.
  auto t = std::chrono::steady_clock::now();
  // Every genome's network, or the share this process evaluates (a distributed run's rank).
  const NetworkRange decoded = evaluation_->decoded_networks(uint32_t(n));
  if (!decoded.fits(n))
    throw Error("population evaluation " + evaluation_->name() + " asked for " + decoded.describe() + " of " +
                std::to_string(n) + " genomes");
  if (decoded.whole(n)) decoder_->decode(st.genomes, layout_);
  else decoder_->decode_range(st.genomes, decoded, layout_);
  s.time_compile = seconds_since(t);
  if (layout_.num_networks != decoded.count)
    throw Error("decoder '" + decoder_->name() + "' made " + std::to_string(layout_.num_networks) +
                " networks of " + std::to_string(decoded.count) + " genomes");
  t = std::chrono::steady_clock::now();
  // Whatever a task throws (a plug-in's own exception types included) reaches the user naming the
  // task and the generation; the state is not touched yet, so nothing of the generation is kept.
  result_.time_upload = 0.0;
  result_.time_communicate = 0.0;
  try {
    evaluation_->evaluate(PopulationView{st.genomes, layout_, config_.seed, st.generation, decoded}, result_);
  } catch (const std::exception& e) {
    // The task's own exception stays nested in it (std::rethrow_if_nested), for callers that know
    // its type: the Python module re-raises a Python exception as it was raised.
    std::throw_with_nested(
        Error(evaluation_->name() + " failed in generation " + std::to_string(st.generation) + ": " + e.what()));
  } catch (...) {
    throw Error(evaluation_->name() + " failed in generation " + std::to_string(st.generation) +
                ": it threw an exception that is not a std::exception");
  }
  s.time_upload = result_.time_upload;
  s.time_communicate = result_.time_communicate;
  s.time_evaluate = std::max(0.0, seconds_since(t) - result_.time_upload - result_.time_communicate);
  s.time_reporters = reporters_seconds_;
  t = std::chrono::steady_clock::now();
  if (result_.fitness.size() != n || result_.solved.size() != n ||
      (!result_.metrics.empty() && result_.metrics.size() != n))
    throw Error("population evaluation " + evaluation_->name() + " returned " + std::to_string(result_.fitness.size()) +
                " fitness values, " + std::to_string(result_.solved.size()) + " solved flags and " +
                std::to_string(result_.metrics.size()) + " metrics for " + std::to_string(n) + " genomes");
  std::vector<double>& fitness = result_.fitness;

  // NaN or infinite fitness: the genome gets the generation's worst finite fitness (0 when none
  // is finite); the count is reported with the generation. When none is finite the task is
  // broken rather than the genomes bad, and by default the run stops before it keeps anything of
  // this generation: the state stays the unevaluated population, so the checkpoint written at the
  // stop evaluates it again once the task is fixed.
  if (n > 0 && config_.run.on_all_invalid == AllInvalidPolicy::Stop &&
      std::none_of(fitness.begin(), fitness.end(), [](double f) { return std::isfinite(f); }))
    return StopReason::AllInvalid;
  const bool minimise = config_.run.fitness_criterion == FitnessCriterion::Min;
  double worst = 0.0;
  bool any_finite = false;
  for (double f : fitness) {
    if (!std::isfinite(f)) continue;
    worst = !any_finite ? f : (minimise ? std::max(worst, f) : std::min(worst, f));
    any_finite = true;
  }
  std::vector<bool> solver(n, false);
  bool threshold_reached = false, task_solved = false;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(fitness[i])) {
      fitness[i] = worst;
      ++s.invalid_fitness;
    } else {
      solver[i] = result_.solved[i] != 0;
      task_solved = task_solved || solver[i];
      if (config_.run.fitness_threshold) {
        const double thr = *config_.run.fitness_threshold;
        if (minimise ? fitness[i] <= thr : fitness[i] >= thr) {
          threshold_reached = true;
          solver[i] = true;
        }
      }
    }
    st.genomes[i].fitness = fitness[i];
    st.genomes[i].evaluated = true;
  }
  st.evaluations += n;
  s.evaluations = st.evaluations;

  // Statistics of the evaluated generation. The per-genome counts (a walk over every gene) run on
  // the pool; the sums stay serial, in genome order, so their bits do not depend on the threads.
  gene_counts_.resize(2 * n);
  execution_->pool().for_each(n, [&](size_t i) {
    gene_counts_[2 * i] = counted_nodes(st.genomes[i]);
    gene_counts_[2 * i + 1] = st.genomes[i].enabled_connections();
  }, 512);
  size_t best = 0;
  double sum = 0.0, nodes = 0.0, conns = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const Genome& g = st.genomes[i];
    if (score_of(g.fitness, config_) > score_of(st.genomes[best].fitness, config_)) best = i;
    sum += g.fitness;
    nodes += gene_counts_[2 * i];
    conns += gene_counts_[2 * i + 1];
  }
  // The median needs only the middle one or two values: a selection rather than a sort, but the
  // sort where a middle value is zero, since only the sort decides whether -0.0 or 0.0 lands there.
  std::vector<double> sorted = fitness;
  double upper = 0.0, lower = 0.0;
  if (n) {
    const auto mid = sorted.begin() + long(n / 2);
    std::nth_element(sorted.begin(), mid, sorted.end());
    upper = *mid;
    if (n % 2 == 0) lower = *std::max_element(sorted.begin(), mid);
    if (upper == 0.0 || (n % 2 == 0 && lower == 0.0)) {
      std::sort(sorted.begin(), sorted.end());
      upper = sorted[n / 2];
      if (n % 2 == 0) lower = sorted[n / 2 - 1];
    }
  }
  if (n) {
    s.mean_fitness = sum / double(n);
    s.median_fitness = n % 2 ? upper : 0.5 * (lower + upper);
    s.mean_nodes = nodes / double(n);
    s.mean_connections = conns / double(n);
    const Genome& b = st.genomes[best];
    s.best_fitness = b.fitness;
    s.best_nodes = counted_nodes(b);
    s.best_connections = b.enabled_connections();
    s.best_genome_id = b.id;
    if (result_.metrics.size() == n) {
      s.best_loss = result_.metrics[best].loss;
      s.best_accuracy = result_.metrics[best].accuracy;
    }
    if (champion_episodes_ == 0 && (!st.has_best || score_of(b.fitness, config_) > score_of(st.best.fitness, config_))) {
      st.best = b;
      st.has_best = true;
    }
  }
  // The generation's best solver (solver[] holds the task's and the threshold's claims).
  size_t pick = n;
  for (size_t i = 0; i < n; ++i)
    if (solver[i] && (pick == n || score_of(fitness[i], config_) > score_of(fitness[pick], config_))) pick = i;
  std::optional<GenomeRetest> pick_retest;
  if (champion_episodes_ > 0 && n > 0) {
    // The champion re-test (engine.hpp): the best solver when there is one, else the best.
    const size_t candidate = pick < n ? pick : best;
    const uint64_t stream = Rng::derive(config_.seed, Purpose::Champion, st.generation).next();
    // The candidate's network from the layout, or decoded alone when it lies outside the share.
    PopulationLayout one;
    uint32_t at = 0;
    if (decoded.position(candidate, at))
      one = select_networks(layout_, {at});
    else
      decoder_->decode_range(st.genomes, NetworkRange{uint32_t(candidate), 1, 1}, one);
    const RetestResult r = evaluation_->retest(one, stream, champion_episodes_);
    s.retest_fitness = r.fitness;
    const GenomeRetest record{champion_episodes_, r.fitness, st.generation};
    const bool finite = std::isfinite(r.fitness);
    const bool better = !st.has_best || !st.best_retest || (finite && !std::isfinite(st.best_retest->fitness)) ||
                        (finite && score_of(r.fitness, config_) > score_of(st.best_retest->fitness, config_));
    if (better) {
      st.best = st.genomes[candidate];
      st.has_best = true;
      st.best_retest = record;
    }
    if (pick < n) {
      // A claim stands when the re-test meets the criterion that made it.
      const bool task_claim = result_.solved[pick] != 0;
      bool threshold_met = false;
      if (config_.run.fitness_threshold && finite) {
        const double thr = *config_.run.fitness_threshold;
        threshold_met = minimise ? r.fitness <= thr : r.fitness >= thr;
      }
      task_solved = task_claim && r.solved;
      threshold_reached = threshold_reached && threshold_met;
      if (!task_solved && !threshold_reached) pick = n;
    }
    if (pick < n) pick_retest = record;
    // best_ever_fitness keeps its meaning, the best training fitness so far, though `best` is now
    // chosen by its re-test.
    const double before = st.history.empty() ? s.best_fitness : st.history.back().best_ever_fitness;
    s.best_ever_fitness = score_of(s.best_fitness, config_) > score_of(before, config_) ? s.best_fitness : before;
  } else {
    s.best_ever_fitness = st.best.fitness;
  }
  s.solved = task_solved || threshold_reached;
  if (s.solved && !st.solved) {
    st.solution = st.genomes[pick];
    st.solution_retest = pick_retest;
    st.solved = true;
  }
  update_species_fitness(st, config_);
  for (const auto& sp : st.species) {
    SpeciesStats ss;
    ss.id = sp.id;
    ss.size = uint32_t(sp.members.size());
    ss.best_fitness = sp.members.empty() ? 0.0 : st.genomes[sp.members.front()].fitness;
    for (uint32_t m : sp.members)
      if (score_of(st.genomes[m].fitness, config_) > score_of(ss.best_fitness, config_)) ss.best_fitness = st.genomes[m].fitness;
    ss.age = sp.age(st.generation);
    ss.stagnation = sp.stagnation(st.generation);
    s.species.push_back(ss);
  }
  s.compatibility_threshold = st.compatibility_threshold;
  s.time_statistics = seconds_since(t);

  // Stop, or make the next generation.
  StopReason reason = StopReason::None;
  if (task_solved && config_.run.stop_when_solved) reason = StopReason::Solved;
  else if (threshold_reached) reason = StopReason::Threshold;
  else if (st.generation + 1 >= config_.run.generations) reason = StopReason::GenerationLimit;
  if (reason == StopReason::None) {
    t = std::chrono::steady_clock::now();
    reproduce(st, config_, execution_->pool(), &s.time_speciate, &children_hook_);
    s.time_reproduce = std::max(0.0, seconds_since(t) - s.time_speciate);
  }
  s.time_total = seconds_since(t_start);
  st.history.push_back(s);
  // The reporters' time (stats line, log, checkpoints) goes into the next generation's line:
  // this one is written by them.
  t = std::chrono::steady_clock::now();
  for (Reporter* r : reporters_) r->on_generation(s, st, reason);
  reporters_seconds_ = seconds_since(t);
  return reason;
}

StopReason Engine::run(const std::atomic<bool>* stop) {
  if (!started_) init();
  for (Reporter* r : reporters_) r->on_start(state_);
  StopReason reason = StopReason::None;
  while (reason == StopReason::None) {
    reason = step();
    if (reason == StopReason::None && stop && stop->load()) reason = StopReason::Interrupted;
  }
  for (Reporter* r : reporters_) r->on_finish(state_, reason);
  return reason;
}

}  // namespace ganglion
