// CpuEvaluator: hand-checked networks, property tests against the recursive reference
// (tests/reference_network.hpp) in double and float, recurrent state across steps and resets,
// thread-count independence, empty batches and layouts.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <type_traits>

#include "core/network/compiler.hpp"
#include "core/network/cpu_evaluator.hpp"
#include "core/error.hpp"
#include "core/network/layout.hpp"
#include "core/network/node_update.hpp"
#include "core/genome/random_population.hpp"
#include "tests/random_genome.hpp"
#include "tests/reference_network.hpp"

using namespace ganglion;
using namespace ganglion::testing;

namespace {

Genome xor_like() {
  // inputs -1, -2; bias -3; hidden 5; output 0.
  Genome g;
  g.id = 7;
  g.nodes = {{-3, NodeKind::Bias}, {-2, NodeKind::Input}, {-1, NodeKind::Input},
             {0, NodeKind::Output, Activation::Identity}, {5, NodeKind::Hidden, Activation::Relu}};
  g.connections = {{1, -1, 5, 1.0f}, {2, -2, 5, 1.0f}, {3, -3, 5, -1.0f}, {4, 5, 0, -2.0f},
                   {5, -1, 0, 1.0f},  {6, -2, 0, 1.0f}};
  g.sort();
  return g;
}

// Evaluates `genomes` with the CpuEvaluator (double and float) on random per-network rows for
// `steps` steps and compares every output with the reference (one reference per network and row,
// since each row has its own recurrent state), which sums in the compiled order as the evaluator
// does (ReferenceNetwork::sum_in_compiled_order; compiler_test checks that order and structure).
// Returns the number of mismatches.
size_t check_against_reference(const std::vector<Genome>& genomes, bool feed_forward, size_t rows, int steps,
                               uint64_t seed, unsigned threads, bool check_float) {
  const double rel_double = 1e-6, rel_float = 1e-5;
  CompileOptions opt;
  opt.feed_forward = feed_forward;
  PopulationLayout layout = compile_population(genomes, opt, threads);
  const uint32_t ni = layout.num_inputs, no = layout.num_outputs;
  const size_t N = genomes.size();
  std::vector<ReferenceNetwork> refs;
  refs.reserve(N * rows);
  for (const auto& g : genomes) {
    ReferenceNetwork proto(g, feed_forward);
    const CompiledNetwork net = compile(g, opt);
    std::map<int32_t, uint32_t> rank;
    for (uint32_t j = 0; j < net.num_nodes; ++j) rank[net.gene_id[j]] = j;
    proto.sum_in_compiled_order(rank);
    for (size_t r = 0; r < rows; ++r) refs.push_back(proto);
  }
  CpuEvaluator ev(threads);
  ev.load(layout);
  Rng rng(seed);
  size_t mismatches = 0;
  for (int step = 0; step < steps; ++step) {
    std::vector<float> in_f(N * rows * ni);
    for (auto& x : in_f) x = float(rng.uniform(-2.0, 2.0));
    std::vector<double> in_d(in_f.begin(), in_f.end());
    std::vector<double> out_d(N * rows * no, -99.0);
    std::vector<float> out_f(N * rows * no, -99.0f);
    ev.activate_double(in_d.data(), rows, InputMode::PerNetwork, out_d.data());
    ev.activate(in_f.data(), rows, InputMode::PerNetwork, out_f.data());
    for (size_t n = 0; n < N; ++n) {
      for (size_t r = 0; r < rows; ++r) {
        const double* row_in = in_d.data() + (n * rows + r) * ni;
        std::vector<double> expect = refs[n * rows + r].step(std::vector<double>(row_in, row_in + ni));
        for (uint32_t k = 0; k < no; ++k) {
          const size_t at = (n * rows + r) * no + k;
          bool ok_d = close(out_d[at], expect[k], rel_double);
          bool ok_f = !check_float || close(double(out_f[at]), expect[k], rel_float);
          if (!ok_d || !ok_f) {
            if (++mismatches <= 5) {
              MESSAGE("genome " << genomes[n].id << " step " << step << " row " << r << " output " << k
                                << ": reference " << expect[k] << ", double " << out_d[at] << ", float "
                                << out_f[at]);
            }
          }
        }
      }
    }
  }
  return mismatches;
}

}  // namespace

TEST_CASE("cpu evaluator: hand-checked network") {
  Genome g = xor_like();
  PopulationLayout layout = compile_population({g}, {}, 1);
  CpuEvaluator ev(1);
  ev.load(layout);
  const float in[8] = {0, 0, 0, 1, 1, 0, 1, 1};
  float out[4];
  ev.activate(in, 4, InputMode::Shared, out);
  // relu(a + b - 1) * -2 + a + b: 0, 1, 1, 0
  CHECK(out[0] == 0.0f);
  CHECK(out[1] == 1.0f);
  CHECK(out[2] == 1.0f);
  CHECK(out[3] == 0.0f);
}

// Random genomes for the property tests: `precise` draws every activation and wide weights (checked
// in double), otherwise the well-conditioned set that float can follow (checked in both).
std::vector<Genome> random_population(uint64_t seed, size_t count, bool recurrent, bool precise) {
  Rng pick(seed ^ (recurrent ? 0xABCDEFull : 0x123456ull) ^ (precise ? 0x55ull : 0));
  std::vector<Genome> genomes;
  for (size_t i = 0; i < count; ++i) {
    RandomGenomeOptions o;
    o.seed = seed + (recurrent ? 1 : 0) + (precise ? 2 : 0);
    o.num_inputs = 3;
    o.num_outputs = 2;
    o.num_bias = uint32_t(pick.below(3));
    o.hidden = uint32_t(pick.below(pick.chance(0.1) ? 300 : 40));
    o.edge_density = pick.uniform(0.5, 4.0);
    o.recurrent = recurrent;
    o.recurrent_share = pick.uniform(0.05, 0.4);
    o.disabled_share = pick.uniform(0.0, 0.3);
    o.duplicates = pick.chance(0.2);
    o.arbitrary_ids = pick.chance(0.7);
    o.activations = precise ? all_activations() : smooth_activations();
    o.aggregations = all_aggregations();
    o.weight_range = precise ? 3.0 : 1.0;
    genomes.push_back(random_genome(o, uint64_t(i)));
  }
  return genomes;
}

TEST_CASE("cpu evaluator: random genomes match the reference (double: every activation)") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed << " (replay with GANGLION_TEST_SEED=" << seed << ")");
  CHECK(check_against_reference(random_population(seed, 1000, false, true), true, 2, 1, seed, 2, false) == 0);
  CHECK(check_against_reference(random_population(seed, 1000, true, true), false, 2, 4, seed, 2, false) == 0);
}

TEST_CASE("cpu evaluator: random genomes match the reference (float and double)") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed << " (replay with GANGLION_TEST_SEED=" << seed << ")");
  CHECK(check_against_reference(random_population(seed, 1000, false, false), true, 2, 1, seed, 2, true) == 0);
  CHECK(check_against_reference(random_population(seed, 1000, true, false), false, 2, 4, seed, 2, true) == 0);
}

TEST_CASE("cpu evaluator: outputs are bit-identical for 1 and 4 threads; shared = per-network inputs") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed << " (replay with GANGLION_TEST_SEED=" << seed << ")");
  std::vector<Genome> genomes = random_population(seed, 400, true, true);
  CompileOptions opt;
  opt.feed_forward = false;
  PopulationLayout layout = compile_population(genomes, opt, 2);
  const size_t rows = 5, N = layout.num_networks;
  CpuEvaluator one(1), four(4);
  one.load(layout);
  four.load(layout);
  Rng rng(seed);
  std::vector<float> shared(rows * layout.num_inputs);
  for (int step = 0; step < 3; ++step) {
    for (auto& x : shared) x = float(rng.uniform(-1, 1));
    std::vector<float> per(N * shared.size());
    for (size_t n = 0; n < N; ++n) std::copy(shared.begin(), shared.end(), per.begin() + n * shared.size());
    std::vector<float> a(N * rows * layout.num_outputs), b(a.size()), c(a.size());
    one.activate(shared.data(), rows, InputMode::Shared, a.data());
    four.activate(shared.data(), rows, InputMode::Shared, b.data());
    CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
    // A third evaluator fed per-network copies of the same rows, at the same step.
    if (step == 0) {
      CpuEvaluator per_net(3);
      per_net.load(layout);
      per_net.activate(per.data(), rows, InputMode::PerNetwork, c.data());
      CHECK(std::memcmp(a.data(), c.data(), a.size() * sizeof(float)) == 0);
    }
  }
}

TEST_CASE("cpu evaluator: recurrent state resets on reset_state(), load() and a change of rows") {
  // Output 0 = identity(input + 0.5 * previous output): 1, 1.5, 1.75 for a constant input 1.
  Genome g;
  g.id = 3;
  g.nodes = {{-1, NodeKind::Input}, {0, NodeKind::Output, Activation::Identity}};
  g.connections = {{1, -1, 0, 1.0f}, {2, 0, 0, 0.5f}};
  CompileOptions opt;
  opt.feed_forward = false;
  PopulationLayout layout = compile_population({g}, opt, 1);
  CHECK(layout.any_recurrent);
  CpuEvaluator ev(2);
  ev.load(layout);
  float in[2] = {1, 1}, out[2];
  ev.activate(in, 1, InputMode::Shared, out);
  CHECK(out[0] == 1.0f);
  ev.activate(in, 1, InputMode::Shared, out);
  CHECK(out[0] == 1.5f);
  ev.activate(in, 1, InputMode::Shared, out);
  CHECK(out[0] == 1.75f);
  ev.reset_state();
  ev.activate(in, 1, InputMode::Shared, out);
  CHECK(out[0] == 1.0f);
  ev.activate(in, 2, InputMode::Shared, out);  // rows changed: fresh state for both rows
  CHECK(out[0] == 1.0f);
  CHECK(out[1] == 1.0f);
  ev.activate(in, 2, InputMode::Shared, out);
  CHECK(out[1] == 1.5f);
  ev.load(layout);
  ev.activate(in, 2, InputMode::Shared, out);
  CHECK(out[0] == 1.0f);
  // Double precision keeps its own state.
  double ind[1] = {1}, outd[1];
  ev.activate_double(ind, 1, InputMode::Shared, outd);
  ev.activate_double(ind, 1, InputMode::Shared, outd);
  CHECK(outd[0] == 1.5);
}

TEST_CASE("cpu evaluator: unreachable outputs come from their bias; empty batches and layouts") {
  Genome g;
  g.id = 9;
  NodeGene out0;
  out0.id = 0;
  out0.kind = NodeKind::Output;
  out0.activation = Activation::Sigmoid;
  out0.bias = 0.3f;
  NodeGene out1 = out0;
  out1.id = 1;
  out1.aggregation = Aggregation::Product;  // product of nothing is 1
  out1.activation = Activation::Identity;
  out1.response = 2.0f;
  g.nodes = {{-1, NodeKind::Input}, out0, out1};
  PopulationLayout layout = compile_population({g}, {}, 1);
  CpuEvaluator ev(1);
  CHECK_THROWS_AS(ev.activate(nullptr, 1, InputMode::Shared, nullptr), Error);
  ev.load(layout);
  float in[1] = {5}, out[2];
  ev.activate(in, 1, InputMode::Shared, out);
  CHECK(out[0] == doctest::Approx(activate<double>(Activation::Sigmoid, 0.3)));
  CHECK(out[1] == doctest::Approx(0.3 + 2.0));
  ev.activate(nullptr, 0, InputMode::Shared, nullptr);  // no rows: nothing to do

  PopulationLayout empty = compile_population({}, {}, 1);
  ev.load(empty);
  ev.activate(nullptr, 4, InputMode::PerNetwork, nullptr);
  double* none = nullptr;
  ev.activate_double(none, 4, InputMode::Shared, none);
}

TEST_CASE("cpu evaluator: NEAT-like grown populations match the reference") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed << " (replay with GANGLION_TEST_SEED=" << seed << ")");
  GrowOptions grow;
  grow.target_nodes = 80;
  grow.activations = smooth_activations();
  std::vector<Genome> ff = grow_population(grow, 60, seed, 2);
  CHECK(check_against_reference(ff, true, 3, 1, seed, 2, true) == 0);
  grow.recurrent = true;
  std::vector<Genome> rec = grow_population(grow, 60, seed, 2);
  CHECK(check_against_reference(rec, false, 2, 3, seed, 2, false) == 0);
}

TEST_CASE("cpu evaluator: the fast float logistic agrees with activate<float>, NaN and extremes included") {
  for (Activation a : {Activation::Sigmoid, Activation::NeatSigmoid, Activation::PlainSigmoid}) {
    Genome g;
    NodeGene out;
    out.id = 0;
    out.kind = NodeKind::Output;
    out.activation = a;
    g.nodes = {{-1, NodeKind::Input}, out};
    g.connections = {{1, -1, 0, 1.0f}};
    PopulationLayout layout = compile_population({g}, {}, 1);
    CpuEvaluator ev(1);
    ev.load(layout);
    std::vector<float> in = {std::nanf(""), 1e30f, -1e30f, 0.0f, 0.3f, -0.7f, 12.0f, -12.0f, 80.0f, -80.0f};
    for (int i = 0; i < 200; ++i) in.push_back(-20.0f + 0.2f * float(i));
    std::vector<float> got(in.size());
    ev.activate(in.data(), in.size(), InputMode::Shared, got.data());
    CHECK(std::isnan(got[0]));
    for (size_t i = 1; i < in.size(); ++i) {
      INFO(activation_name(a) << "(" << in[i] << ")");
      // Same float argument, exp evaluated by libm: only the fast exp's own error (a few ulp) remains.
      const double want = double(activate<float>(a, in[i]));
      CHECK(std::fabs(double(got[i]) - want) <= 5e-7 * std::fabs(want) + 1e-38);
    }
  }
}

// One row goes node by node through node_update; several rows through the row loops. Both are the
// node update of core/network/node_update.hpp and must give the same bits, step after step.
template <typename T>
void check_one_row_equals_batch(const PopulationLayout& layout, uint64_t seed) {
  const size_t rows = 3, N = layout.num_networks, ni = layout.num_inputs, no = layout.num_outputs;
  CpuEvaluator batch(2);
  batch.load(layout);
  std::vector<std::unique_ptr<CpuEvaluator>> single;
  for (size_t r = 0; r < rows; ++r) {
    single.push_back(std::make_unique<CpuEvaluator>(1));
    single.back()->load(layout);
  }
  Rng rng(seed);
  for (int step = 0; step < 3; ++step) {
    std::vector<T> in(N * rows * ni);
    for (auto& x : in) x = T(rng.uniform(-1.5, 1.5));
    std::vector<T> out(N * rows * no);
    if constexpr (std::is_same<T, float>::value)
      batch.activate(in.data(), rows, InputMode::PerNetwork, out.data());
    else
      batch.activate_double(in.data(), rows, InputMode::PerNetwork, out.data());
    size_t bad = 0;
    for (size_t r = 0; r < rows; ++r) {
      std::vector<T> in1(N * ni), out1(N * no);
      for (size_t n = 0; n < N; ++n)
        for (size_t i = 0; i < ni; ++i) in1[n * ni + i] = in[(n * rows + r) * ni + i];
      if constexpr (std::is_same<T, float>::value)
        single[r]->activate(in1.data(), 1, InputMode::PerNetwork, out1.data());
      else
        single[r]->activate_double(in1.data(), 1, InputMode::PerNetwork, out1.data());
      for (size_t n = 0; n < N; ++n)
        for (size_t k = 0; k < no; ++k) {
          const T a = out[(n * rows + r) * no + k], b = out1[n * no + k];
          bad += std::memcmp(&a, &b, sizeof(T)) != 0 && !(std::isnan(a) && std::isnan(b));
        }
    }
    CHECK(bad == 0);
  }
}

TEST_CASE("node update: one row at a time equals the batched rows bit for bit (float and double)") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed << " (replay with GANGLION_TEST_SEED=" << seed << ")");
  CompileOptions opt;
  opt.feed_forward = false;
  const PopulationLayout layout = compile_population(random_population(seed, 400, true, true), opt, 2);
  REQUIRE(layout.any_recurrent);
  check_one_row_equals_batch<float>(layout, seed);
  check_one_row_equals_batch<double>(layout, seed + 1);
}

TEST_CASE("node update: the activation read at run time equals the compile-time one") {
  const float xs[] = {0.0f, -0.0f, 1e-30f, -1e-30f, 0.3f, -0.7f, 1.0f, 2.5f, -3.4f, 12.0f, -12.0f, 60.0f,
                      -100.0f, 1e30f, -1e30f, INFINITY, -INFINITY, NAN};
  auto same_bits = [](float a, float b) { return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, 4) == 0; };
  size_t bad = 0;
  for (float x : xs) {
#define GANGLION_CHECK_ACT(name) \
  bad += !same_bits(node_activation<Activation::name, float>(x), node_activation<float>(Activation::name, x));
    GANGLION_CHECK_ACT(Sigmoid)
    GANGLION_CHECK_ACT(NeatSigmoid)
    GANGLION_CHECK_ACT(PlainSigmoid)
    GANGLION_CHECK_ACT(Tanh)
    GANGLION_CHECK_ACT(Relu)
    GANGLION_CHECK_ACT(Identity)
    GANGLION_CHECK_ACT(Gauss)
    GANGLION_CHECK_ACT(Sin)
    GANGLION_CHECK_ACT(Abs)
    GANGLION_CHECK_ACT(Step)
    GANGLION_CHECK_ACT(Clamped)
    GANGLION_CHECK_ACT(Softplus)
    GANGLION_CHECK_ACT(Elu)
    GANGLION_CHECK_ACT(Lelu)
    GANGLION_CHECK_ACT(Selu)
    GANGLION_CHECK_ACT(Inv)
    GANGLION_CHECK_ACT(Log)
    GANGLION_CHECK_ACT(Exp)
    GANGLION_CHECK_ACT(Hat)
    GANGLION_CHECK_ACT(Square)
    GANGLION_CHECK_ACT(Cube)
#undef GANGLION_CHECK_ACT
    // The logistic family in float is fast_logistic; in double it is activate<double>.
    bad += !same_bits(node_activation<float>(Activation::NeatSigmoid, x), fast_logistic(4.9f, x));
    bad += node_activation<double>(Activation::Sigmoid, double(x)) != activate<double>(Activation::Sigmoid, double(x)) &&
           !std::isnan(x);
  }
  CHECK(bad == 0);
  CHECK(int(Activation::Count) == 21);  // every activation is listed above
}
