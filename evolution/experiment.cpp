#include "evolution/experiment.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <thread>

#include "core/error.hpp"
#include "evolution/run_folder.hpp"

namespace ganglion {

namespace {

template <typename T>
double mean_of(const std::vector<T>& v) {
  double s = 0.0;
  for (T x : v) s += double(x);
  return v.empty() ? 0.0 : s / double(v.size());
}
template <typename T>
double median_of(std::vector<T> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? double(v[n / 2]) : 0.5 * (double(v[n / 2 - 1]) + double(v[n / 2]));
}
template <typename T>
double sd_of(const std::vector<T>& v) {
  if (v.size() < 2) return 0.0;
  const double m = mean_of(v);
  double s = 0.0;
  for (T x : v) s += (double(x) - m) * (double(x) - m);
  return std::sqrt(s / double(v.size() - 1));
}
template <typename T>
double worst_of(const std::vector<T>& v) {
  return v.empty() ? 0.0 : double(*std::max_element(v.begin(), v.end()));
}

// The default number of runs at once: a device evaluator (anything but the CPU's) is shared, so
// one run at a time; on the CPU one run per core.
unsigned default_jobs(const Config& config, const SessionBackends& backends) {
  if (!backends.make_execution) return 1;  // Session::start reports the missing factory
  Config one = config;
  one.threads = 1;  // a probe: no thread pool of its own worth making
  const ExecutionContext probe = backends.make_execution(one);
  if (probe.backend().name() != "cpu") return 1;
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

std::string seed_run_folder(const std::string& out_dir, uint64_t seed) {
  return (std::filesystem::path(out_dir) / ("seed-" + std::to_string(seed))).string();
}

ExperimentResult run_experiment(const Config& config, const ExperimentOptions& options,
                                const SessionBackends& backends, const std::atomic<bool>* stop) {
  if (options.runs < 1) throw Error("experiment: runs must be at least 1");
  ExperimentResult result;
  result.out_dir = options.out_dir.empty() ? default_run_folder(config) : options.out_dir;
  result.jobs = options.jobs ? options.jobs : default_jobs(config, backends);
  result.jobs = std::min<unsigned>(result.jobs, options.runs);

  std::vector<SeedResult> runs(options.runs);
  std::vector<bool> done(options.runs, false);
  std::atomic<size_t> next{0};
  std::mutex error_mutex;
  std::string error;
  bool interrupted = false;
  const auto start = std::chrono::steady_clock::now();
  auto work = [&] {
    for (size_t i; (i = next++) < runs.size();) {
      if (stop && stop->load()) {
        next = runs.size();
        break;
      }
      const uint64_t seed = options.first_seed + i;
      try {
        Config c = config;
        c.seed = seed;
        if (result.jobs > 1) c.threads = 1;
        SessionOptions so;
        so.run_dir = seed_run_folder(result.out_dir, seed);
        Session session = Session::start(c, backends, so);
        session.run(stop);
        SeedResult& r = runs[i];
        r.seed = seed;
        r.summary = session.summary();
        if (r.summary.solved) {
          r.hidden = r.summary.best.count(NodeKind::Hidden);
          r.connections = r.summary.best.enabled_connections();
        }
        std::lock_guard<std::mutex> lock(error_mutex);
        if (r.summary.reason == StopReason::Interrupted) interrupted = true;
        else done[i] = true;
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (error.empty()) error = "seed " + std::to_string(seed) + ": " + e.what();
        next = runs.size();
      }
    }
  };
  std::vector<std::thread> workers;
  for (unsigned w = 1; w < result.jobs; ++w) workers.emplace_back(work);
  work();  // the calling thread is one of the jobs
  for (auto& t : workers) t.join();
  if (!error.empty()) throw Error(error);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (size_t i = 0; i < runs.size(); ++i) {
    if (done[i]) result.runs.push_back(std::move(runs[i]));
    else interrupted = true;  // never started, or interrupted
  }
  result.interrupted = interrupted;
  return result;
}

ExperimentResult run_experiment(const std::string& config_path, const std::vector<std::string>& overrides,
                                const ExperimentOptions& options, const SessionBackends& backends,
                                const std::atomic<bool>* stop) {
  return run_experiment(load_config(config_path, overrides), options, backends, stop);
}

ExperimentSummary summarise(const std::vector<SeedResult>& runs) {
  std::vector<uint32_t> gens, hidden, conns;
  std::vector<uint64_t> evals;
  for (const auto& r : runs) {
    if (!r.summary.solved) continue;
    gens.push_back(r.summary.generations);
    evals.push_back(r.summary.evaluations);
    hidden.push_back(r.hidden);
    conns.push_back(r.connections);
  }
  ExperimentSummary s;
  s.runs = runs.size();
  s.solved = gens.size();
  s.generations_mean = mean_of(gens);
  s.generations_median = median_of(gens);
  s.generations_worst = worst_of(gens);
  s.evaluations_mean = mean_of(evals);
  s.evaluations_sd = sd_of(evals);
  s.evaluations_median = median_of(evals);
  s.evaluations_worst = worst_of(evals);
  s.hidden_mean = mean_of(hidden);
  s.connections_mean = mean_of(conns);
  return s;
}

}  // namespace ganglion
