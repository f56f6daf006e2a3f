// `ganglion bench activate`: one table of batched activation speed, all measured in one run on one
// machine (issue 4): populations of NEAT-like grown networks (core/genome/random_population.hpp) of
// about 16/64/256/1024 nodes, 1 and 64 input rows, every CUDA kernel strategy, against the CPU
// evaluator on all cores and against the paper's per-level scheme, with the memory roofline.
//
// Method: `--distinct` genomes are grown per size and the population repeats them (each copy has
// its own slice of the layout, so the device reads every byte); kernel time is CUDA events around
// the kernels alone, after a warm-up, median of `--repeats`, with the L2 cache flushed before each
// timed run (cuda_flush_l2: a read pass, so the evicted lines are clean); the CPU is timed on a
// prefix of the population capped at `--cpu-work` edge evaluations and scaled to the whole
// population (the table says when). Two baselines: `paper`, the
// paper's scheme as published (one network at a time, a launch per level; timed on a prefix of
// `--paper-networks` networks and scaled, which is exact for a scheme that runs networks one after
// another), and `level`, the same per-level kernel over the whole population at once (a launch per
// level for all networks: our batched form of the paper's scheme).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "core/network/compiler.hpp"
#include "core/network/cpu_evaluator.hpp"
#include "core/error.hpp"
#include "core/network/layout.hpp"
#include "core/parallel.hpp"
#include "core/genome/random_population.hpp"
#include "core/rng.hpp"
#include "tools/command.hpp"
#if GANGLION_HAVE_CUDA
#include "gpu/cuda_evaluator.hpp"
#endif

namespace ganglion::cli {
namespace {

struct Options {
  std::vector<size_t> populations = {1000, 10000, 100000};
  std::vector<uint32_t> nodes = {16, 64, 256, 1024};
  std::vector<size_t> rows = {1, 64};
  std::vector<std::string> kernels = {"paper", "level", "block", "warp", "global", "subwarp", "auto"};
  size_t paper_networks = 2000;  // the paper's scheme is timed on at most this many networks, scaled
  size_t distinct = 256;
  int repeats = 7;
  double cpu_work = 4e8;    // edge evaluations per timed CPU run, at most
  double max_edges = 1e9;   // skip populations with more edges in total
  double device_fraction = 0.7;
  unsigned threads = 0;
  uint32_t inputs = 8, outputs = 2;
  uint64_t seed = 1;
  bool flush = true;
  std::string markdown;  // also write the table here
};

double median(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string si(double x) {
  if (!std::isfinite(x)) return "-";
  return fmt::format("{:.2e}", x);
}

#if GANGLION_HAVE_CUDA
// A --kernels entry: a strategy name, optionally with dispatcher overrides, e.g. "block/tpr1/t64"
// (a thread per row, 64-row tiles), "block/tpr0/g256/t16" (walk levels, 256 threads, 16 rows) or
// "subwarp/g4/s1" (4 lanes per network, the network staged in shared memory); "/fast" times the
// kernels of cuda.exact: false ("auto/fast").
struct KernelSpec {
  std::string name;
  PlanTuning tuning;
  bool exact = true;
};
KernelSpec parse_kernel_spec(const std::string& spec) {
  PlanTuning t;
  bool exact = true;
  size_t at = spec.find('/');
  const std::string name = spec.substr(0, at);
  while (at != std::string::npos) {
    const size_t next = spec.find('/', at + 1);
    const std::string tok = spec.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1);
    try {
      if (tok.rfind("tpr", 0) == 0) t.thread_per_row = std::stoi(tok.substr(3));
      else if (tok.rfind("t", 0) == 0) t.row_tile = uint32_t(std::stoul(tok.substr(1)));
      else if (tok.rfind("g", 0) == 0) t.group = uint32_t(std::stoul(tok.substr(1)));
      else if (tok == "s0" || tok == "s1") t.staged = tok == "s1";
      else if (tok == "fast") exact = false;
      else throw Error("");
    } catch (const std::exception&) {
      throw Error("bench activate: --kernels: bad override '" + tok + "' in '" + spec +
                  "'; valid: tpr0|tpr1 (thread per row), tN (row tile), gN (threads per unit), s0|s1 (subwarp: staged), "
                  "fast (cuda.exact: false)");
    }
    at = next;
  }
  parse_kernel_strategy(name, "bench activate: --kernels");
  return {name, t, exact};
}
#endif

struct ShapeStats {
  double nodes = 0, edges = 0, levels = 0;
  uint32_t max_nodes = 0, max_levels = 0;
};

ShapeStats stats_of(const std::vector<CompiledNetwork>& nets) {
  ShapeStats s;
  for (const auto& c : nets) {
    s.nodes += c.num_nodes;
    s.edges += c.num_edges();
    s.levels += c.num_levels() - 1;
    s.max_nodes = std::max(s.max_nodes, c.num_nodes);
    s.max_levels = std::max(s.max_levels, c.num_levels() - 1);
  }
  const double n = double(std::max<size_t>(nets.size(), 1));
  s.nodes /= n;
  s.edges /= n;
  s.levels /= n;
  return s;
}

PopulationLayout tiled_layout(const std::vector<CompiledNetwork>& base, size_t count, ThreadPool& pool) {
  std::vector<CompiledNetwork> nets(count);
  pool.for_each(count, [&](size_t i) {
    nets[i] = base[i % base.size()];
    nets[i].genome_id = i;
  }, 256);
  return pack(nets);
}

// The fewest bytes an activation must move through device memory: the layout parts every kernel
// reads (edge source + weight, per-node offset, bias, response, activation, aggregation,
// per-network offsets, level starts, output indices), the shared input rows once, the outputs.
double min_bytes(const PopulationLayout& L, size_t rows) {
  double b = double(L.total_edges()) * 8 + double(L.total_nodes()) * 14 + double(L.num_networks) * 16 +
             double(L.level_start.size()) * 4 + double(L.output_node.size()) * 4;
  b += double(rows) * L.num_inputs * 4;
  b += double(L.num_networks) * rows * L.num_outputs * 4;
  return b;
}

class Table {
 public:
  explicit Table(std::string markdown_path) : path_(std::move(markdown_path)) {}
  void header(const std::string& h) { emit(h); }
  void emit(const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
    lines_.push_back(line);
  }
  void save() const {
    if (path_.empty()) return;
    std::ofstream f(path_);
    for (const auto& l : lines_) f << l << "\n";
  }

 private:
  std::string path_;
  std::vector<std::string> lines_;
};

int run_bench(const Options& o) {
  Table table(o.markdown);
  const unsigned cpu_threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  ThreadPool pool(o.threads);  // the CPU evaluator's and the setup's threads
#if GANGLION_HAVE_CUDA
  const bool have_gpu = cuda_device_count() > 0;
  CudaDeviceFacts dev;
  if (have_gpu) dev = cuda_device_facts(0);
  table.emit(fmt::format("device: {}", have_gpu ? cuda_describe_device() : std::string("none (CPU only)")));
  if (have_gpu)
    table.emit(fmt::format("launch floor: an empty kernel between the same two CUDA events takes {:.4f} ms (median "
                           "of 21); every kernel ms below includes it",
                           cuda_empty_launch_ms(0)));
#else
  [[maybe_unused]] const bool have_gpu = false;
  table.emit("device: none (this build has no CUDA evaluator; CPU only)");
#endif
  table.emit(fmt::format("cpu: CpuEvaluator on {} threads; kernel times are CUDA events around the kernels "
                         "(median of {}, after warm-up{}); CPU times are wall-clock medians of 3",
                         cpu_threads, o.repeats, o.flush ? ", L2 flushed before each run (2x its size read)" : ""));
  table.emit("");
  table.emit("| nodes | edges/net | levels | networks | rows | kernel | kernel ms | call ms | net-act/s | edges/s | GB/s "
             "| x roofline | vs CPU | vs paper | vs level | max rel err |");
  table.emit("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  std::vector<std::string> notes;
  struct Best {
    uint32_t nodes;
    double rate;
    std::string kernel;
  };
  std::vector<Best> best_10k_64;

  for (uint32_t target : o.nodes) {
    GrowOptions g;
    g.num_inputs = o.inputs;
    g.num_outputs = o.outputs;
    g.target_nodes = target;
    g.edges_per_node = 4.0;
    const double t0 = now_ms();
    const std::vector<Genome> genomes = grow_population(g, o.distinct, o.seed + target, o.threads);
    std::vector<CompiledNetwork> base(genomes.size());
    pool.for_each(genomes.size(), [&](size_t i) { base[i] = compile(genomes[i]); }, 4);
    const ShapeStats st = stats_of(base);
    notes.push_back(fmt::format("{} nodes: {} distinct genomes grown and compiled in {:.1f} s; mean {:.1f} nodes, "
                                "{:.1f} edges, {:.1f} levels (max {} nodes, {} levels)",
                                target, o.distinct, (now_ms() - t0) / 1e3, st.nodes, st.edges, st.levels,
                                st.max_nodes, st.max_levels));
    std::fprintf(stderr, "%s\n", notes.back().c_str());

    for (size_t N : o.populations) {
      const std::string shape_cells = fmt::format("{:.0f} | {:.0f} | {:.1f} | {}", st.nodes, st.edges, st.levels, N);
      if (double(N) * st.edges > o.max_edges) {
        for (size_t rows : o.rows)
          table.emit(fmt::format("| {} | {} | skipped: {:.2e} edges > --max-edges {:.2e} | | | | | | | | | |",
                                 shape_cells, rows, double(N) * st.edges, o.max_edges));
        continue;
      }
      const PopulationLayout layout = tiled_layout(base, N, pool);
      // CPU first (per row count), then each kernel: one load, every row count; lines by rows.
      struct RowCase {
        size_t rows;
        std::vector<float> in, cpu_out;
        double cpu_ms, acts, edge_evals, bytes, roof_ms, level_ms = NAN, paper_ms = NAN;
        std::vector<std::string> lines;
      };
      std::vector<RowCase> cases;
      for (size_t rows : o.rows) {
        RowCase c;
        c.rows = rows;
        const size_t ni = layout.num_inputs, no = layout.num_outputs;
        Rng rng = Rng::derive(o.seed, Purpose::Bench, target, rows);
        c.in.resize(rows * ni);
        for (auto& x : c.in) x = float(rng.uniform(-1.0, 1.0));
        // CPU on a prefix of at most cpu_work edge evaluations, scaled to N.
        const size_t k = std::min(N, std::max<size_t>(1, size_t(o.cpu_work / std::max(1.0, st.edges * double(rows)))));
        const PopulationLayout cpu_layout = k == N ? PopulationLayout() : tiled_layout(base, k, pool);
        const PopulationLayout& cl = k == N ? layout : cpu_layout;
        c.cpu_out.resize(size_t(k) * rows * no);
        {
          CpuEvaluator cpu(pool);
          cpu.load(cl);
          cpu.activate(c.in.data(), rows, InputMode::Shared, c.cpu_out.data());
          std::vector<double> t;
          for (int r = 0; r < 3; ++r) {
            const double s = now_ms();
            cpu.activate(c.in.data(), rows, InputMode::Shared, c.cpu_out.data());
            t.push_back(now_ms() - s);
          }
          c.cpu_ms = median(t) * double(N) / double(k);
        }
        c.acts = double(N) * double(rows);
        c.edge_evals = double(layout.total_edges()) * double(rows);
        c.bytes = min_bytes(layout, rows);
#if GANGLION_HAVE_CUDA
        c.roof_ms = have_gpu ? c.bytes / dev.memory_bandwidth * 1e3 : NAN;
#else
        c.roof_ms = NAN;
#endif
        c.lines.push_back(fmt::format("| {} | {} | cpu ({} threads{}) | {:.3f} | | {} | {} | | | 1 | | | |", shape_cells,
                                      rows, cpu_threads,
                                      k == N ? "" : fmt::format(", {} of {} networks timed, scaled", k, N), c.cpu_ms,
                                      si(c.acts / c.cpu_ms * 1e3), si(c.edge_evals / c.cpu_ms * 1e3)));
        std::fprintf(stderr, "%s\n", c.lines.back().c_str());
        cases.push_back(std::move(c));
      }
#if GANGLION_HAVE_CUDA
      // The baselines first, so that every other row can show its ratio to them.
      std::vector<std::string> specs = have_gpu ? o.kernels : std::vector<std::string>{};
      std::stable_partition(specs.begin(), specs.end(), [](const std::string& k) { return k == "paper" || k == "level"; });
      for (const auto& spec : specs) {
        const auto [kernel, tuning, exact] = parse_kernel_spec(spec);
        std::unique_ptr<CudaEvaluator> ev;
        bool packed_noted = false;
        // The paper's scheme runs networks one after another: time a prefix, scale to N.
        const size_t timed = kernel == "paper" ? std::min(N, o.paper_networks) : N;
        const PopulationLayout prefix = timed == N ? PopulationLayout() : tiled_layout(base, timed, pool);
        const PopulationLayout& run_layout = timed == N ? layout : prefix;
        const double scale = double(N) / double(timed);
        for (auto& c : cases) {
          const size_t rows = c.rows, no = layout.num_outputs;
          if (tuning.thread_per_row == 1 && rows < 32) continue;  // not applicable
          auto emit = [&](const std::string& line) {
            c.lines.push_back(line);
            std::fprintf(stderr, "%s\n", line.c_str());
          };
          const double values_bytes = double(layout.total_nodes()) * double(rows) * 4;
          if ((kernel == "level" || kernel == "global") &&
              double(layout.bytes()) + values_bytes > o.device_fraction * double(dev.global_memory)) {
            emit(fmt::format("| {} | {} | {} | skipped: needs {:.1f} GB of device memory | | | | | | | | | |", shape_cells,
                             rows, spec, (double(layout.bytes()) + values_bytes) / 1e9));
            continue;
          }
          try {
            if (!ev) {
              CudaConfig cuda;
              cuda.kernel = kernel;
              cuda.exact = exact;
              ev = make_cuda_evaluator(cuda);
              ev->set_tuning(tuning);
              ev->load(run_layout);
            }
            std::vector<float> out(size_t(timed) * rows * no);
            const double first_start = now_ms();
            ev->activate(c.in.data(), rows, InputMode::Shared, out.data());  // warm-up
            const double first_ms = now_ms() - first_start;
            ev->activate(c.in.data(), rows, InputMode::Shared, out.data());
            std::vector<double> kt, ct;
            for (int r = 0; r < o.repeats; ++r) {
              if (o.flush) cuda_flush_l2(0);
              const double s = now_ms();
              ev->activate(c.in.data(), rows, InputMode::Shared, out.data());
              ct.push_back(now_ms() - s);
              kt.push_back(ev->last_kernel_ms());
            }
            const double ms = median(kt) * scale, call = median(ct) * scale;
            // A staged plan writes the packed records on its first call after load(): once per
            // population, so not in the timed calls; say what that first call costs (an upper
            // bound: it also allocates the buffers).
            if (!packed_noted && ev->last_plan().find(", staged") != std::string::npos) {
              packed_noted = true;
              notes.push_back(fmt::format("{} nodes x {} networks x {} rows, {}: the first call after load() (which "
                                          "allocates the evaluator's buffers and writes the packed records) took "
                                          "{:.3f} ms wall, a later call {:.3f} ms",
                                          target, N, rows, spec, first_ms, median(ct)));
            }
            double err = 0;  // against the CPU on the prefix both computed
            for (size_t i = 0; i < std::min(c.cpu_out.size(), out.size()); ++i) {
              const double d =
                  std::fabs(double(out[i]) - double(c.cpu_out[i])) / std::max(1.0, std::fabs(double(c.cpu_out[i])));
              err = std::isnan(d) ? INFINITY : std::max(err, d);
            }
            if (spec == "level") c.level_ms = ms;
            if (spec == "paper") c.paper_ms = ms;
            const std::string plan =
                ev->last_plan() + (timed == N ? "" : fmt::format("; {} of {} networks timed, scaled", timed, N));
            auto ratio = [&](double base_ms) { return std::isfinite(base_ms) ? fmt::format("{:.1f}", base_ms / ms) : "-"; };
            emit(fmt::format("| {} | {} | {}: {} | {:.4f} | {:.3f} | {} | {} | {:.0f} | {:.1f} | {:.1f} | {} | {} | {:.1e} |",
                             shape_cells, rows, spec, plan, ms, call, si(c.acts / ms * 1e3),
                             si(c.edge_evals / ms * 1e3), c.bytes / ms / 1e6, ms / c.roof_ms, c.cpu_ms / ms,
                             ratio(c.paper_ms), ratio(c.level_ms), err));
            if (N == 10000 && rows == 64 && kernel != "paper") {
              const double rate = c.acts / ms * 1e3;
              auto it = std::find_if(best_10k_64.begin(), best_10k_64.end(),
                                     [&](const Best& b) { return b.nodes == target; });
              if (it == best_10k_64.end())
                best_10k_64.push_back({target, rate, spec});
              else if (rate > it->rate)
                *it = {target, rate, spec};
            }
          } catch (const Error& e) {
            emit(fmt::format("| {} | {} | {} | n/a: {} | | | | | | | | | |", shape_cells, rows, spec, e.what()));
          }
        }
      }
#endif
      for (const auto& c : cases)
        for (const auto& l : c.lines) table.emit(l);
    }
  }
  table.emit("");
  for (const auto& n : notes) table.emit("- " + n);
#if GANGLION_HAVE_CUDA
  if (have_gpu)
    table.emit(fmt::format("- roofline: the fewest bytes an activation moves (layout read once, inputs, outputs) "
                           "over the card's peak bandwidth, {:.0f} GB/s (2 x memory clock x bus width)",
                           dev.memory_bandwidth / 1e9));
#endif
  // The peer figures: TensorNEAT's dense padded forward, 10,000 networks x 64 rows.
  const std::vector<std::pair<uint32_t, double>> tensorneat = {{16, 2.9e8}, {64, 2.5e7}, {256, 1.6e6}};
  for (const auto& b : best_10k_64)
    for (const auto& t : tensorneat)
      if (t.first == b.nodes)
        table.emit(fmt::format("- vs TensorNEAT (issue's figure, 10,000 networks x 64 rows, {} nodes: {:.1e} "
                               "net-act/s): best here {} at {:.2e} = {:.0f}x",
                               b.nodes, t.second, b.kernel, b.rate, b.rate / t.second));
  table.save();
  return kExitOk;
}

GANGLION_COMMAND("bench activate", "Batched activation speed: CUDA kernel strategies vs CPU and the per-level scheme",
                 [](CLI::App& app) {
  auto o = std::make_shared<Options>();
  app.add_option("--populations", o->populations, "population sizes")->delimiter(',')->capture_default_str();
  app.add_option("--nodes", o->nodes, "target node counts of the grown networks")->delimiter(',')->capture_default_str();
  app.add_option("--rows", o->rows, "input rows per activation")->delimiter(',')->capture_default_str();
  app.add_option("--kernels", o->kernels, "CUDA strategies to time (auto|level|block|warp|global|subwarp|paper), optionally with overrides: block/tpr1/t64")
      ->delimiter(',')->capture_default_str();
  app.add_option("--paper-networks", o->paper_networks,
                 "networks the paper's one-network-at-a-time scheme is timed on (a prefix, scaled to the population)")
      ->capture_default_str();
  app.add_option("--distinct", o->distinct, "distinct genomes grown per size (the population repeats them)")
      ->capture_default_str();
  app.add_option("--repeats", o->repeats, "timed runs per measurement (median)")->capture_default_str();
  app.add_option("--cpu-work", o->cpu_work, "edge evaluations per timed CPU run at most (a prefix, scaled)")
      ->capture_default_str();
  app.add_option("--max-edges", o->max_edges, "skip populations with more edges in total")->capture_default_str();
  app.add_option("--threads", o->threads, "CPU threads (0 = all cores)")->capture_default_str();
  app.add_option("--inputs", o->inputs, "network inputs")->capture_default_str();
  app.add_option("--outputs", o->outputs, "network outputs")->capture_default_str();
  app.add_option("--seed", o->seed, "seed of the grown genomes and inputs")->capture_default_str();
  app.add_flag("!--no-flush", o->flush, "keep the L2 cache between timed runs");
  app.add_option("--markdown", o->markdown, "also write the table to this file (default: none)");
  return [o]() {
    if (o->repeats < 1 || o->distinct < 1 || o->paper_networks < 1)
      throw Error("bench activate: --repeats, --distinct and --paper-networks must be at least 1");
    return run_bench(*o);
  };
});

}  // namespace
}  // namespace ganglion::cli
