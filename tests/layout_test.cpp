// PopulationLayout: pack() and compile_population() agree with the per-network compiled form,
// offsets are consistent, the result is bit-identical for any thread count, and bad populations
// are errors. Also covers the ThreadPool the packing runs on.
#include <doctest/doctest.h>

#include <atomic>
#include <numeric>
#include <stdexcept>

#include "core/network/compiler.hpp"
#include "core/error.hpp"
#include "core/network/decoder.hpp"
#include "core/network/layout.hpp"
#include "core/network/layout_fields.hpp"
#include "core/task/control_task.hpp"
#include "core/parallel.hpp"
#include "core/genome/random_population.hpp"
#include "tests/random_genome.hpp"

using namespace ganglion;
using namespace ganglion::testing;

namespace {

std::vector<Genome> population(uint64_t seed, size_t count, bool recurrent) {
  Rng pick(seed);
  std::vector<Genome> out;
  for (size_t i = 0; i < count; ++i) {
    RandomGenomeOptions o;
    o.seed = seed;
    o.num_inputs = 4;
    o.num_outputs = 3;
    o.num_bias = uint32_t(pick.below(3));
    o.hidden = uint32_t(pick.below(pick.chance(0.05) ? 200 : 25));
    o.edge_density = pick.uniform(0.0, 4.0);
    o.recurrent = recurrent;
    o.disabled_share = pick.uniform(0.0, 0.3);
    o.activations = all_activations();
    o.aggregations = all_aggregations();
    out.push_back(random_genome(o, 1000 + i));
  }
  return out;
}

// Every field of the table equal, then the scalars (written out, so that the check does not rest on
// the table alone).
bool same_fields(const PopulationLayout& a, const PopulationLayout& b) {
  bool equal = true;
  for_each_layout_field(a, b, [&](const auto& x, const auto& y, const LayoutField& f) {
    if (x != y) {
      MESSAGE("field " << f.name << " differs");
      equal = false;
    }
  });
  return equal && a.num_networks == b.num_networks && a.num_inputs == b.num_inputs &&
         a.num_outputs == b.num_outputs && a.max_nodes == b.max_nodes && a.max_edges == b.max_edges &&
         a.max_levels == b.max_levels && a.any_recurrent == b.any_recurrent;
}

bool same(const PopulationLayout& a, const PopulationLayout& b) {
  return same_fields(a, b) && a.num_networks == b.num_networks && a.num_inputs == b.num_inputs && a.num_outputs == b.num_outputs &&
         a.genome_id == b.genome_id && a.node_offset == b.node_offset && a.edge_offset == b.edge_offset &&
         a.rec_edge_offset == b.rec_edge_offset && a.level_offset == b.level_offset && a.num_bias == b.num_bias &&
         a.level_start == b.level_start && a.activation == b.activation && a.aggregation == b.aggregation &&
         a.bias == b.bias && a.response == b.response && a.row_offset == b.row_offset &&
         a.rec_row_offset == b.rec_row_offset && a.src == b.src && a.weight == b.weight && a.rec_src == b.rec_src &&
         a.rec_weight == b.rec_weight && a.output_node == b.output_node && a.max_nodes == b.max_nodes &&
         a.max_edges == b.max_edges && a.max_levels == b.max_levels && a.any_recurrent == b.any_recurrent;
}

// Every network's slice of the layout equals its compiled network.
void check_slices(const PopulationLayout& L, const std::vector<CompiledNetwork>& nets) {
  REQUIRE(L.num_networks == nets.size());
  REQUIRE(L.row_offset.size() == L.total_nodes() + 1);
  REQUIRE(L.rec_row_offset.size() == L.total_nodes() + 1);
  CHECK(L.row_offset.back() == L.total_edges());
  CHECK(L.rec_row_offset.back() == L.total_rec_edges());
  uint32_t max_nodes = 0, max_levels = 0;
  for (uint32_t n = 0; n < L.num_networks; ++n) {
    const CompiledNetwork& c = nets[n];
    INFO("network " << n);
    CHECK(L.genome_id[n] == c.genome_id);
    CHECK(L.nodes_of(n) == c.num_nodes);
    CHECK(L.edge_offset[n + 1] - L.edge_offset[n] == c.num_edges());
    CHECK(L.rec_edge_offset[n + 1] - L.rec_edge_offset[n] == c.num_rec_edges());
    CHECK(L.levels_of(n) == c.num_levels());
    CHECK(L.num_bias[n] == c.num_bias);
    const uint32_t n0 = L.node_offset[n];
    for (uint32_t k = 0; k < c.level_start.size(); ++k) CHECK(L.level_start[L.level_offset[n] + k] == c.level_start[k]);
    for (uint32_t j = 0; j < c.num_nodes; ++j) {
      CHECK(L.activation[n0 + j] == uint8_t(c.activation[j]));
      CHECK(L.aggregation[n0 + j] == uint8_t(c.aggregation[j]));
      CHECK(L.bias[n0 + j] == c.bias[j]);
      CHECK(L.response[n0 + j] == c.response[j]);
      CHECK(L.row_offset[n0 + j] == L.edge_offset[n] + c.row_offset[j]);
      CHECK(L.rec_row_offset[n0 + j] == L.rec_edge_offset[n] + c.rec_row_offset[j]);
    }
    for (uint32_t e = 0; e < c.num_edges(); ++e) {
      CHECK(L.src[L.edge_offset[n] + e] == c.src[e]);
      CHECK(L.weight[L.edge_offset[n] + e] == c.weight[e]);
    }
    for (uint32_t e = 0; e < c.num_rec_edges(); ++e) {
      CHECK(L.rec_src[L.rec_edge_offset[n] + e] == c.rec_src[e]);
      CHECK(L.rec_weight[L.rec_edge_offset[n] + e] == c.rec_weight[e]);
    }
    for (uint32_t k = 0; k < c.num_outputs; ++k) CHECK(L.output_node[n * L.num_outputs + k] == c.output_node[k]);
    max_nodes = std::max(max_nodes, c.num_nodes);
    max_levels = std::max(max_levels, c.num_levels() - 1);
  }
  CHECK(L.max_nodes == max_nodes);
  CHECK(L.max_levels == max_levels);
}

}  // namespace

TEST_CASE("layout: compile_population equals pack() of compile() and matches every network") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed << " (replay with GANGLION_TEST_SEED=" << seed << ")");
  for (bool recurrent : {false, true}) {
    std::vector<Genome> genomes = population(seed, 500, recurrent);
    CompileOptions opt;
    opt.feed_forward = !recurrent;
    std::vector<CompiledNetwork> nets;
    for (const auto& g : genomes) nets.push_back(compile(g, opt));
    PopulationLayout packed = pack(nets);
    PopulationLayout compiled = compile_population(genomes, opt, 2);
    CHECK(same(packed, compiled));
    check_slices(compiled, nets);
    CHECK(compiled.any_recurrent == recurrent);
    size_t expect_bytes = 0;
    expect_bytes += compiled.src.size() * 4 + compiled.weight.size() * 4 + compiled.rec_src.size() * 4 +
                    compiled.rec_weight.size() * 4;
    CHECK(compiled.bytes() > expect_bytes);
  }
}

TEST_CASE("layout: the result does not depend on the thread count") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed << " (replay with GANGLION_TEST_SEED=" << seed << ")");
  std::vector<Genome> genomes = population(seed, 700, true);
  CompileOptions opt;
  opt.feed_forward = false;
  PopulationLayout one = compile_population(genomes, opt, 1);
  PopulationLayout four = compile_population(genomes, opt, 4);
  PopulationLayout all = compile_population(genomes, opt, 0);
  CHECK(same(one, four));
  CHECK(same(one, all));

  GrowOptions grow;
  grow.target_nodes = 60;
  std::vector<Genome> grown1 = grow_population(grow, 200, seed, 1);
  std::vector<Genome> grown4 = grow_population(grow, 200, seed, 4);
  CHECK(grown1 == grown4);
  CHECK(same(compile_population(grown1, {}, 1), compile_population(grown1, {}, 3)));
}

TEST_CASE("layout: empty populations and mismatched shapes") {
  PopulationLayout empty = compile_population({}, {}, 2);
  CHECK(empty.num_networks == 0);
  CHECK(empty.total_nodes() == 0);
  CHECK(empty.total_edges() == 0);
  CHECK(empty.node_offset == std::vector<uint32_t>{0});
  CHECK(empty.row_offset == std::vector<uint32_t>{0});
  PopulationLayout packed = pack({});
  CHECK(packed.num_networks == 0);

  Genome a;
  a.id = 1;
  a.nodes = {{-1, NodeKind::Input}, {0, NodeKind::Output}};
  Genome b = a;
  b.id = 2;
  b.nodes.push_back({-2, NodeKind::Input});
  b.sort();
  try {
    compile_population({a, a, b}, {}, 2);
    FAIL("mismatched inputs were accepted");
  } catch (const GenomeError& e) {
    std::string msg = e.what();
    CHECK(msg.find("genome 2 has 2 inputs") != std::string::npos);
    CHECK(msg.find("must have 1 inputs") != std::string::npos);
  }
}

TEST_CASE("layout: the first failing genome is reported, for any thread count") {
  GrowOptions grow;
  grow.target_nodes = 30;
  std::vector<Genome> genomes = grow_population(grow, 300, 7, 2);
  genomes[123].connections.push_back({1000000, 0, 555, 1.0f, true});
  genomes[250].connections.push_back({1000001, 0, 556, 1.0f, true});
  for (unsigned threads : {1u, 2u, 4u}) {
    CHECK_THROWS_WITH_AS(compile_population(genomes, {}, threads), doctest::Contains("genome 123"), GenomeError);
  }
}

TEST_CASE("thread pool: covers every index once, rethrows, nests and serves several callers") {
  for (unsigned threads : {1u, 2u, 5u}) {
    ThreadPool pool(threads);
    CHECK(pool.size() == threads);
    for (size_t n : {size_t(0), size_t(1), size_t(7), size_t(1000)}) {
      std::vector<std::atomic<int>> hits(n);
      pool.for_ranges(n, [&](size_t b, size_t e) {
        CHECK(b < e);
        for (size_t i = b; i < e; ++i) hits[i]++;
      });
      for (size_t i = 0; i < n; ++i) CHECK(hits[i].load() == 1);
    }
    CHECK_THROWS_WITH_AS(pool.for_each(100, [](size_t i) {
      if (i == 42) throw std::runtime_error("boom 42");
    }), "boom 42", std::runtime_error);
    // Nested calls run inline instead of deadlocking.
    std::atomic<int> total{0};
    pool.for_each(8, [&](size_t) { pool.for_each(8, [&](size_t) { total++; }); });
    CHECK(total.load() == 64);
    // Still usable after an exception.
    std::atomic<int> count{0};
    pool.for_each(50, [&](size_t) { count++; });
    CHECK(count.load() == 50);
  }
  CHECK(serial_pool().size() >= 1);
}

TEST_CASE("layout: compiling into a reused layout gives the same result as a fresh one") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed << " (replay with GANGLION_TEST_SEED=" << seed << ")");
  std::vector<Genome> big = population(seed, 300, true), small = population(seed + 1, 50, false);
  CompileOptions opt;
  opt.feed_forward = false;
  PopulationLayout reused;
  compile_population(big, opt, reused, 2);
  CHECK(same(reused, compile_population(big, opt, 1)));
  compile_population(small, opt, reused, 2);  // shrinks: stale entries must not survive
  CHECK(same(reused, compile_population(small, opt, 1)));
  CHECK_FALSE(reused.any_recurrent);
  compile_population(big, opt, reused, 3);
  CHECK(same(reused, compile_population(big, opt, 1)));
}

TEST_CASE("layout: the field table describes the struct (sizes, bytes, selection)") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed << " (replay with GANGLION_TEST_SEED=" << seed << ")");
  for (bool recurrent : {false, true}) {
    CAPTURE(recurrent);
    std::vector<Genome> genomes = population(seed, 200, recurrent);
    CompileOptions opt;
    opt.feed_forward = !recurrent;
    std::vector<CompiledNetwork> nets;
    for (const auto& g : genomes) nets.push_back(compile(g, opt));
    const PopulationLayout L = pack(nets);
    REQUIRE(L.num_networks == 200);

    // Every array has the length its extent says; bytes() is the sum over the table.
    const LayoutCounts c = L.counts();
    CHECK(c.level_starts == L.level_start.size());
    size_t fields = 0, bytes = 0, device_fields = 0;
    for_each_layout_field(L, [&](const auto& v, const LayoutField& f) {
      INFO("field " << f.name);
      CHECK(v.size() == extent_size(f.extent, c));
      CHECK(f.element_bytes == sizeof(v[0]));
      bytes += v.size() * sizeof(v[0]);
      ++fields;
      device_fields += f.on_device;
    });
    CHECK(fields == 18);
    CHECK(device_fields == 16);  // genome_id and rec_edge_offset stay on the host
    CHECK(L.bytes() == bytes);

    // Selecting every network gives the layout back; a subset, in any order, equals packing those
    // networks alone.
    std::vector<uint32_t> all(L.num_networks);
    std::iota(all.begin(), all.end(), 0u);
    CHECK(same(select_networks(L, all), L));
    Rng pick(seed + 17);
    std::vector<uint32_t> some;
    std::vector<CompiledNetwork> some_nets;
    for (uint32_t n = L.num_networks; n-- > 0;)
      if (pick.chance(0.3)) {
        some.push_back(n);
        some_nets.push_back(nets[n]);
      }
    some.push_back(7);  // a repeat
    some_nets.push_back(nets[7]);
    CHECK(same(select_networks(L, some), pack(some_nets)));
    const PopulationLayout none = select_networks(L, {});
    PopulationLayout empty = pack({});
    empty.num_inputs = L.num_inputs;  // a selection keeps the population's shape
    empty.num_outputs = L.num_outputs;
    CHECK(same(none, empty));
    CHECK(none.bytes() == 6 * sizeof(uint32_t));  // four offsets {0}, two row sentinels {0}
  }
}

TEST_CASE("layout: a range of the population compiles to the selection of those networks") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed << " (replay with GANGLION_TEST_SEED=" << seed << ")");
  const std::vector<Genome> pop = population(seed, 120, true);
  CompileOptions opt;
  opt.feed_forward = false;
  const PopulationLayout all = compile_population(pop, opt, 2);
  ThreadPool pool(3);
  std::vector<CompiledNetwork> kept;
  PopulationLayout part;
  for (const NetworkRange range : {NetworkRange{0, 120, 1}, NetworkRange{0, 40, 1}, NetworkRange{40, 41, 1},
                                   NetworkRange{119, 1, 1}, NetworkRange{1, 40, 3}, NetworkRange{6, 15, 7}}) {
    CAPTURE(range.first);
    CAPTURE(range.count);
    CAPTURE(range.stride);
    compile_population_range(pop, range, opt, part, pool, &kept);
    std::vector<uint32_t> which(range.count);
    for (uint32_t i = 0; i < range.count; ++i) which[i] = uint32_t(range.index(i));
    CHECK(same(part, select_networks(all, which)));
  }
  compile_population_range(pop, NetworkRange{60, 0, 4}, opt, part, pool, &kept);  // a rank with no share
  CHECK(part.num_networks == 0);
  CHECK_THROWS_AS(compile_population_range(pop, NetworkRange{100, 21, 1}, opt, part, pool), Error);
  CHECK_THROWS_AS(compile_population_range(pop, NetworkRange{2, 41, 3}, opt, part, pool), Error);
  // The decoder seam gives the same, through DirectDecoder and the base class's copy.
  DirectDecoder direct(opt, pool);
  direct.decode_range(pop, NetworkRange{3, 29, 4}, part);
  std::vector<uint32_t> which(29);
  for (uint32_t i = 0; i < 29; ++i) which[i] = 3 + 4 * i;
  CHECK(same(part, select_networks(all, which)));
}
