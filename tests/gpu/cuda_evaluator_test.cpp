// CudaEvaluator against the CPU reference: every kernel strategy on random populations (fresh,
// printed seeds), single-node and no-hidden networks, networks deeper than 100 levels and larger
// than shared memory, recurrent networks over several steps with a reset, empty batches and
// populations, shared and per-network inputs. Both compute a node through the one node update
// (core/network/node_update.hpp), so populations of the logistic activations and the libm-free
// ones (identity, clamped, hat, relu, abs, lelu) must give the CPU's outputs bit for bit; the
// activations that go through libm (tanh, exp, log, sin, ...) may differ in the last places, and are
// compared with a relative error under 1e-5. Outputs are poisoned with NaN before every run, so an
// output a kernel never writes fails; NaN never passes either comparison.
#include <doctest/doctest.h>

#include "tests/gpu/require_device.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/network/compiler.hpp"
#include "core/network/cpu_evaluator.hpp"
#include "core/error.hpp"
#include "core/network/layout.hpp"
#include "core/genome/random_population.hpp"
#include "gpu/cuda_evaluator.hpp"
#include "tests/random_genome.hpp"

using namespace ganglion;
using namespace ganglion::testing;

namespace {

// Every strategy ("subwarp/s1", "subwarp/s0": subwarp with and without the network staged in
// shared memory; plain "subwarp" lets the dispatcher choose), or those named
// in GANGLION_TEST_KERNELS (comma-separated): the sanitizer runs of
// tools/gpu_checks.sh leave out `paper`, which launches level_kernel (checked under `level`) once
// per network and level, thousands of launches that make racecheck take minutes.
const std::vector<std::string> kStrategies = [] {
  std::vector<std::string> all = {"level",      "block",      "warp",  "global", "subwarp",
                                  "subwarp/s0", "subwarp/s1", "paper", "auto"};
  const char* only = std::getenv("GANGLION_TEST_KERNELS");
  if (!only || !*only) return all;
  std::vector<std::string> picked;
  std::string list = only;
  for (size_t b = 0; b <= list.size();) {
    const size_t e = std::min(list.find(',', b), list.size());
    const std::string name = list.substr(b, e - b);
    if (std::find(all.begin(), all.end(), name) == all.end()) {
      std::printf("GANGLION_TEST_KERNELS: unknown kernel '%s'\n", name.c_str());
      std::exit(2);
    }
    picked.push_back(name);
    b = e + 1;
  }
  return picked;
}();

// A CUDA evaluator for a kStrategies entry, with `tuning` on top.
auto make_gpu(const std::string& spec, PlanTuning tuning = {}, bool exact = true) {
  std::string kernel = spec;
  if (kernel == "subwarp/s1" || kernel == "subwarp/s0") {
    tuning.staged = kernel == "subwarp/s1";
    kernel = "subwarp";
  }
  CudaConfig cuda;
  cuda.kernel = kernel;
  cuda.exact = exact;
  auto gpu = make_cuda_evaluator(cuda);
  gpu->set_tuning(tuning);
  return gpu;
}

// How a GPU output must agree with the CPU's.
enum class Match {
  Bits,   // bit for bit
  Close,  // relative error under 1e-5
};

bool agrees(float gpu, float cpu, Match match) {
  if (std::isnan(gpu) || std::isnan(cpu)) return false;
  if (match == Match::Bits) return std::memcmp(&gpu, &cpu, sizeof(float)) == 0;
  return std::fabs(double(gpu) - double(cpu)) <= 1e-5 * std::max(1.0, std::fabs(double(cpu)));
}

uint32_t bits_of(float x) {
  uint32_t b;
  std::memcpy(&b, &x, sizeof(b));
  return b;
}

// The activations whose every operation is one IEEE rounding on both compilers: the logistic
// family (through fast_logistic) and the piecewise-linear ones. Networks of these must match bit
// for bit.
std::vector<Activation> exact_activations() {
  return {Activation::Sigmoid, Activation::NeatSigmoid, Activation::PlainSigmoid, Activation::Identity,
          Activation::Clamped, Activation::Hat,         Activation::Relu,         Activation::Abs,
          Activation::Lelu};
}

struct RunSpec {
  std::string kernel;
  size_t rows = 1;
  InputMode mode = InputMode::Shared;
  int steps = 1;
  int reset_at = -1;  // step before which both evaluators reset their state
  PlanTuning tuning = {};
  Match match = Match::Bits;
  bool exact = true;  // cuda.exact
  bool report = true;  // print the first mismatches
};

// Runs the CPU evaluator and a CUDA evaluator side by side; returns the number of mismatches
// (the first few are printed with the place and the strategy that ran).
size_t compare(const PopulationLayout& layout, const RunSpec& spec, uint64_t seed) {
  CpuEvaluator cpu(2);
  cpu.load(layout);
  auto gpu = make_gpu(spec.kernel, spec.tuning, spec.exact);
  gpu->load(layout);
  Rng rng(seed ^ 0x5bd1e995ull);
  const size_t N = layout.num_networks, ni = layout.num_inputs, no = layout.num_outputs;
  const size_t in_rows = spec.mode == InputMode::PerNetwork ? N * spec.rows : spec.rows;
  size_t mismatches = 0;
  for (int step = 0; step < spec.steps; ++step) {
    if (step == spec.reset_at) {
      cpu.reset_state();
      gpu->reset_state();
    }
    std::vector<float> in(in_rows * ni);
    for (auto& x : in) x = float(rng.uniform(-2.0, 2.0));
    std::vector<float> out_c(N * spec.rows * no, std::numeric_limits<float>::quiet_NaN());
    std::vector<float> out_g(out_c);
    cpu.activate(in.data(), spec.rows, spec.mode, out_c.data());
    gpu->activate(in.data(), spec.rows, spec.mode, out_g.data());
    for (size_t i = 0; i < out_c.size(); ++i) {
      if (agrees(out_g[i], out_c[i], spec.match)) continue;
      if (++mismatches <= 5 && spec.report) {
        const size_t n = i / (spec.rows * no), r = (i / no) % spec.rows, k = i % no;
        char bits[40];
        std::snprintf(bits, sizeof(bits), " (bits %08x, %08x)", unsigned(bits_of(out_c[i])),
                      unsigned(bits_of(out_g[i])));
        MESSAGE(spec.kernel << " ran " << gpu->last_plan() << ": network " << n << " (genome "
                            << layout.genome_id[n] << ", " << layout.nodes_of(uint32_t(n)) << " nodes) step " << step
                            << " row " << r << " output " << k << ": cpu " << out_c[i] << ", gpu " << out_g[i]
                            << bits << (spec.match == Match::Bits ? ", bit for bit expected" : ""));
      }
    }
  }
  return mismatches;
}

// Random populations in the style of the CPU evaluator's tests: well-conditioned activations
// (float can follow them through deep and recurrent networks; by default those that must match bit
// for bit), every aggregation.
std::vector<Genome> random_population(uint64_t seed, size_t count, bool recurrent, uint32_t max_hidden,
                                      const std::vector<Activation>& activations = exact_activations()) {
  Rng pick(seed ^ (recurrent ? 0xABCDEFull : 0x123456ull));
  std::vector<Genome> genomes;
  for (size_t i = 0; i < count; ++i) {
    RandomGenomeOptions o;
    o.seed = seed + (recurrent ? 1 : 0);
    o.num_inputs = 3;
    o.num_outputs = 2;
    o.num_bias = uint32_t(pick.below(3));
    o.hidden = uint32_t(pick.below(pick.chance(0.1) ? max_hidden : 40));
    o.edge_density = pick.uniform(0.5, 4.0);
    o.recurrent = recurrent;
    o.recurrent_share = pick.uniform(0.05, 0.4);
    o.disabled_share = pick.uniform(0.0, 0.3);
    o.duplicates = pick.chance(0.2);
    o.arbitrary_ids = pick.chance(0.7);
    o.activations = activations;
    o.aggregations = all_aggregations();
    o.weight_range = 1.0;
    genomes.push_back(random_genome(o, uint64_t(i)));
  }
  return genomes;
}

// inputs -1..-ni, bias -(ni+1), outputs 0 and 1, then a chain of `depth` hidden nodes (each also
// fed by an input) ending in output 0; output 1 reads the middle of the chain.
Genome deep_chain(uint32_t ni, uint32_t depth, uint64_t id) {
  Genome g;
  g.id = id;
  for (uint32_t i = 0; i < ni; ++i) g.nodes.push_back({-int32_t(i) - 1, NodeKind::Input});
  g.nodes.push_back({-int32_t(ni) - 1, NodeKind::Bias});
  g.nodes.push_back({0, NodeKind::Output, Activation::Sigmoid});
  g.nodes.push_back({1, NodeKind::Output, Activation::Identity});
  int64_t innov = 0;
  g.connections.push_back({innov++, int32_t(2 + depth / 2), 1, 0.7f, true});
  int32_t prev = -1;
  for (uint32_t d = 0; d < depth; ++d) {
    const int32_t h = int32_t(d) + 2;
    g.nodes.push_back({h, NodeKind::Hidden, d % 2 ? Activation::Sigmoid : Activation::Clamped, Aggregation::Sum,
                       0.1f * float(d % 5) - 0.2f, 1.0f});
    g.connections.push_back({innov++, prev, h, 0.9f, true});
    g.connections.push_back({innov++, -int32_t(d % ni) - 1, h, 0.3f, true});
    prev = h;
  }
  g.connections.push_back({innov++, prev, 0, 1.1f, true});
  g.connections.push_back({innov++, -int32_t(ni) - 1, 0, -0.5f, true});
  g.sort();
  return g;
}

// A single-level network too wide for shared memory: `width` hidden nodes fed by the inputs, all
// feeding output 0 (mean aggregation keeps it in range); output 1 reads the inputs.
Genome wide_network(uint32_t ni, uint32_t width, uint64_t id) {
  Genome g;
  g.id = id;
  for (uint32_t i = 0; i < ni; ++i) g.nodes.push_back({-int32_t(i) - 1, NodeKind::Input});
  g.nodes.push_back({0, NodeKind::Output, Activation::Identity, Aggregation::Mean});
  g.nodes.push_back({1, NodeKind::Output, Activation::Sigmoid});
  int64_t innov = 0;
  for (uint32_t i = 0; i < ni; ++i) g.connections.push_back({innov++, -int32_t(i) - 1, 1, 0.5f, true});
  for (uint32_t w = 0; w < width; ++w) {
    const int32_t h = int32_t(w) + 2;
    g.nodes.push_back({h, NodeKind::Hidden, Activation::Sigmoid, Aggregation::Sum, 0.001f * float(w % 100), 1.0f});
    for (uint32_t i = 0; i < ni; ++i)
      g.connections.push_back({innov++, -int32_t(i) - 1, h, float((w * 7 + i * 3) % 11) / 11.0f - 0.5f, true});
    g.connections.push_back({innov++, h, 0, 1.0f, true});
  }
  g.sort();
  return g;
}

uint64_t announce_seed() {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed << " (replay with GANGLION_TEST_SEED=" << seed << ")");
  return seed;
}

}  // namespace

TEST_CASE("cuda evaluator: the device is described") {
  const std::string d = cuda_describe_device();
  MESSAGE(d);
  CHECK(!d.empty());
  const CudaDeviceFacts f = cuda_device_facts(0);
  CHECK(f.multiprocessors > 0);
  CHECK(f.memory_bandwidth > 0.0);
}

TEST_CASE("cuda evaluator: every strategy matches the CPU on random feed-forward populations") {
  const uint64_t seed = announce_seed();
  // Bit for bit: the logistic family alone, then with the piecewise-linear activations.
  const PopulationLayout logistic = compile_population(
      random_population(seed, 300, false, 200,
                        {Activation::Sigmoid, Activation::NeatSigmoid, Activation::PlainSigmoid}),
      {}, 2);
  const PopulationLayout exact = compile_population(random_population(seed + 1, 300, false, 200), {}, 2);
  // Within 1e-5: every well-conditioned activation, libm's included.
  const PopulationLayout smooth =
      compile_population(random_population(seed + 2, 300, false, 200, smooth_activations()), {}, 2);
  for (const auto& kernel : kStrategies) {
    for (size_t rows : {size_t(1), size_t(3), size_t(37), size_t(64), size_t(130)}) {
      for (InputMode mode : {InputMode::Shared, InputMode::PerNetwork}) {
        CAPTURE(kernel);
        CAPTURE(rows);
        CAPTURE(int(mode));
        CHECK(compare(logistic, {kernel, rows, mode, 1, -1}, seed + rows) == 0);
        CHECK(compare(exact, {kernel, rows, mode, 1, -1}, seed + rows) == 0);
        CHECK(compare(smooth, {kernel, rows, mode, 1, -1, {}, Match::Close}, seed + rows) == 0);
      }
    }
  }
}

TEST_CASE("cuda evaluator: every launch shape the dispatcher can be told to use") {
  const uint64_t seed = announce_seed();
  CompileOptions opt;
  opt.feed_forward = false;
  const PopulationLayout ff = compile_population(random_population(seed, 150, false, 120), {}, 2);
  const PopulationLayout rec = compile_population(random_population(seed, 100, true, 60), opt, 2);
  struct Shape {
    const char* kernel;
    PlanTuning tuning;
  };
  std::vector<Shape> shapes = {
      {"block", {1, 32, 0}}, {"block", {1, 96, 0}}, {"block", {0, 16, 256}}, {"block", {0, 3, 64}},
      {"block", {0, 32, 32}}, {"warp", {0, 7, 0}},   {"global", {1, 64, 0}}, {"global", {0, 5, 256}}};
  // Every subwarp group, with the network staged in shared memory and without.
  for (int staged : {0, 1})
    for (const PlanTuning& t : {PlanTuning{0, 0, 1}, PlanTuning{0, 3, 2}, PlanTuning{0, 0, 4}, PlanTuning{0, 0, 8},
                                PlanTuning{0, 5, 16}, PlanTuning{0, 0, 32}}) {
      shapes.push_back({"subwarp", t});
      shapes.back().tuning.staged = staged;
    }
  for (const auto& sh : shapes)
    for (size_t rows : {size_t(1), size_t(37), size_t(100)}) {
      CAPTURE(sh.kernel);
      CAPTURE(sh.tuning.thread_per_row);
      CAPTURE(sh.tuning.row_tile);
      CAPTURE(sh.tuning.group);
      CAPTURE(sh.tuning.staged);
      CAPTURE(rows);
      CHECK(compare(ff, {sh.kernel, rows, InputMode::PerNetwork, 1, -1, sh.tuning}, seed + rows) == 0);
      CHECK(compare(rec, {sh.kernel, rows, InputMode::Shared, 3, -1, sh.tuning}, seed + rows) == 0);
    }
}

TEST_CASE("cuda evaluator: NEAT-like grown networks of several sizes") {
  const uint64_t seed = announce_seed();
  for (uint32_t nodes : {16u, 64u, 256u}) {
    GrowOptions o;
    o.target_nodes = nodes;
    o.activations = {Activation::Sigmoid, Activation::PlainSigmoid, Activation::Clamped, Activation::Hat};
    std::vector<Genome> genomes = grow_population(o, 64, seed, 2);
    // The grower draws N(0, 1) weights; through dozens of levels of 4 such edges fp32 rounding
    // grows past 1e-5 on any two implementations. Halved and clamped weights keep the networks
    // well-conditioned, so the check stays a check of the kernels.
    for (auto& g : genomes)
      for (auto& c : g.connections) c.weight = 0.5f * std::max(-1.0f, std::min(1.0f, c.weight));
    const PopulationLayout layout = compile_population(genomes, {}, 2);
    for (const auto& kernel : kStrategies)
      for (size_t rows : {size_t(1), size_t(64)}) {
        CAPTURE(kernel);
        CAPTURE(nodes);
        CAPTURE(rows);
        CHECK(compare(layout, {kernel, rows, InputMode::Shared, 1, -1}, seed) == 0);
      }
  }
}

TEST_CASE("cuda evaluator: cuda.exact false runs fused multiply-adds, within 1e-5 of the CPU") {
  const uint64_t seed = announce_seed();
  const PopulationLayout feed = compile_population(random_population(seed, 300, false, 200), {}, 2);
  CompileOptions opt;
  opt.feed_forward = false;
  const PopulationLayout rec = compile_population(random_population(seed + 1, 200, true, 100), opt, 2);
  for (const auto& kernel : kStrategies) {
    for (size_t rows : {size_t(1), size_t(37), size_t(64)}) {
      CAPTURE(kernel);
      CAPTURE(rows);
      RunSpec spec{kernel, rows, InputMode::PerNetwork, 1, -1, {}, Match::Close, false};
      CHECK(compare(feed, spec, seed + rows) == 0);
      spec.steps = 4;
      spec.reset_at = 2;
      CHECK(compare(rec, spec, seed + rows) == 0);
      // And it is the other arithmetic: some outputs differ from the CPU's in the last bits.
      spec = RunSpec{kernel, rows, InputMode::PerNetwork, 1, -1, {}, Match::Bits, false, false};
      CHECK(compare(feed, spec, seed + rows) > 0);
    }
  }
}

TEST_CASE("cuda evaluator: recurrent networks over several steps, with a reset") {
  const uint64_t seed = announce_seed();
  CompileOptions opt;
  opt.feed_forward = false;
  const PopulationLayout layout = compile_population(random_population(seed, 200, true, 100), opt, 2);
  const PopulationLayout smooth =
      compile_population(random_population(seed + 1, 200, true, 100, smooth_activations()), opt, 2);
  REQUIRE(layout.total_rec_edges() > 0);
  for (const auto& kernel : kStrategies) {
    for (size_t rows : {size_t(1), size_t(5), size_t(40)}) {
      CAPTURE(kernel);
      CAPTURE(rows);
      CHECK(compare(layout, {kernel, rows, InputMode::PerNetwork, 5, 3}, seed + rows) == 0);
      CHECK(compare(smooth, {kernel, rows, InputMode::PerNetwork, 5, 3, {}, Match::Close}, seed + rows) == 0);
    }
  }
  // A change of batch size resets the state on both sides.
  CpuEvaluator cpu(2);
  auto gpu = make_cuda_evaluator(CudaConfig{"auto", 0});
  cpu.load(layout);
  gpu->load(layout);
  const size_t N = layout.num_networks, ni = layout.num_inputs, no = layout.num_outputs;
  Rng rng(seed);
  for (size_t rows : {size_t(2), size_t(2), size_t(7), size_t(7), size_t(2)}) {
    std::vector<float> in(rows * ni);
    for (auto& x : in) x = float(rng.uniform(-1.0, 1.0));
    std::vector<float> out_c(N * rows * no, NAN), out_g(out_c);
    cpu.activate(in.data(), rows, InputMode::Shared, out_c.data());
    gpu->activate(in.data(), rows, InputMode::Shared, out_g.data());
    size_t bad = 0;
    for (size_t i = 0; i < out_c.size(); ++i) bad += !agrees(out_g[i], out_c[i], Match::Bits);
    CHECK(bad == 0);
  }
}

TEST_CASE("cuda evaluator: single-node and no-hidden networks") {
  const uint64_t seed = announce_seed();
  // A lone output: no inputs, no bias, no edges (value = activation(bias)).
  std::vector<Genome> lone;
  for (uint32_t i = 0; i < 40; ++i) {
    Genome g;
    g.id = i;
    g.nodes.push_back({0, NodeKind::Output, Activation(i % uint32_t(Activation::Count)),
                       Aggregation(i % uint32_t(Aggregation::Count)), 0.05f * float(i) - 1.0f, 1.0f});
    lone.push_back(g);
  }
  const PopulationLayout lone_layout = compile_population(lone, {}, 2);
  REQUIRE(lone_layout.max_nodes == 1);
  // Inputs wired straight to the outputs, every activation and aggregation.
  std::vector<Genome> flat;
  for (uint32_t i = 0; i < 200; ++i) {
    RandomGenomeOptions o;
    o.seed = seed;
    o.hidden = 0;
    o.num_bias = i % 2;
    o.activations = smooth_activations();
    o.aggregations = all_aggregations();
    o.weight_range = 1.0;
    flat.push_back(random_genome(o, i));
  }
  const PopulationLayout flat_layout = compile_population(flat, {}, 2);
  for (const auto& kernel : kStrategies)
    for (size_t rows : {size_t(1), size_t(33)}) {
      CAPTURE(kernel);
      CAPTURE(rows);
      CHECK(compare(lone_layout, {kernel, rows, InputMode::Shared, 1, -1, {}, Match::Close}, seed) == 0);
      CHECK(compare(flat_layout, {kernel, rows, InputMode::PerNetwork, 1, -1, {}, Match::Close}, seed) == 0);
    }
}

TEST_CASE("cuda evaluator: networks deeper than 100 levels") {
  const uint64_t seed = announce_seed();
  std::vector<Genome> genomes;
  for (uint32_t i = 0; i < 24; ++i) genomes.push_back(deep_chain(3, 100 + 7 * i, i));
  for (const auto& g : random_population(seed, 40, false, 40)) genomes.push_back(g);  // mixed depths
  for (auto& g : genomes) g.id = &g - genomes.data();
  // Every network needs the same input count: the random ones have 3 inputs, like the chains.
  const PopulationLayout layout = compile_population(genomes, {}, 2);
  REQUIRE(layout.max_levels > 100);
  for (const auto& kernel : kStrategies)
    for (size_t rows : {size_t(1), size_t(8), size_t(64)}) {
      CAPTURE(kernel);
      CAPTURE(rows);
      CHECK(compare(layout, {kernel, rows, InputMode::Shared, 1, -1}, seed) == 0);
    }
}

TEST_CASE("cuda evaluator: networks larger than shared memory") {
  const uint64_t seed = announce_seed();
  const CudaDeviceFacts f = cuda_device_facts(0);
  // Each hidden node needs at least 18 bytes of staged data plus 8 per edge: this is well over.
  const uint32_t width = uint32_t(f.shared_per_block / 8);
  std::vector<Genome> genomes = {wide_network(3, width, 0)};
  for (const auto& g : random_population(seed, 20, false, 40)) genomes.push_back(g);
  for (size_t i = 0; i < genomes.size(); ++i) genomes[i].id = i;
  const PopulationLayout layout = compile_population(genomes, {}, 2);
  for (const char* kernel : {"level", "global", "auto"})
    for (size_t rows : {size_t(1), size_t(40)}) {
      CAPTURE(kernel);
      CAPTURE(rows);
      CHECK(compare(layout, {kernel, rows, InputMode::Shared, 1, -1}, seed) == 0);
    }
  // Forcing a shared-memory strategy says why it cannot run and what can.
  for (const char* kernel : {"block", "warp", "subwarp/s1"}) {
    auto gpu = make_gpu(kernel);
    gpu->load(layout);
    std::vector<float> in(3, 0.5f), out(layout.num_networks * layout.num_outputs);
    CHECK_THROWS_WITH_AS(gpu->activate(in.data(), 1, InputMode::Shared, out.data()),
                         doctest::Contains("shared memory"), Error);
  }
}

TEST_CASE("cuda evaluator: empty batches and empty populations") {
  const uint64_t seed = announce_seed();
  const PopulationLayout layout = compile_population(random_population(seed, 10, false, 10), {}, 2);
  const PopulationLayout empty = compile_population({}, {}, 2);
  for (const auto& kernel : kStrategies) {
    auto gpu = make_gpu(kernel);
    gpu->load(layout);
    float sentinel = 42.0f;
    gpu->activate(nullptr, 0, InputMode::Shared, &sentinel);
    CHECK(sentinel == 42.0f);
    gpu->load(empty);
    std::vector<float> in(3, 1.0f);
    gpu->activate(in.data(), 4, InputMode::Shared, &sentinel);
    CHECK(sentinel == 42.0f);
    // Reloading a real population after the empty one works (buffers are reused or grown).
    gpu->load(layout);
    CHECK(compare(layout, {kernel, 3, InputMode::Shared, 1, -1}, seed) == 0);
  }
}

TEST_CASE("cuda evaluator: configuration errors name the valid choices") {
  CHECK_THROWS_WITH_AS(make_cuda_evaluator(CudaConfig{"fastest", 0}),
                       doctest::Contains("auto, level, block, warp, global"), Error);
  CHECK_THROWS_WITH_AS(make_cuda_evaluator(CudaConfig{"auto", 99}), doctest::Contains("cuda.device"), Error);
  auto gpu = make_cuda_evaluator(CudaConfig{"auto", 0});
  float x = 0;
  CHECK_THROWS_AS(gpu->activate(&x, 1, InputMode::Shared, &x), Error);  // before load()
}
