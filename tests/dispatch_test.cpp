// The CUDA dispatcher's rules (gpu/dispatch.hpp) on the host: which strategy and launch shape
// `auto` picks for the population shapes measured in docs/benchmarks.md, and the checks on
// forced strategies. No device needed: plan_launch is plain C++.
#include <doctest/doctest.h>

#include "core/error.hpp"
#include "gpu/dispatch.hpp"
#include "gpu/shared_layout.hpp"

using namespace ganglion;

namespace {

// An H100 as cudaGetDeviceProperties reports it.
DeviceLimits h100() {
  DeviceLimits l;
  l.shared_per_block = 227 * 1024;
  l.shared_per_sm = 228 * 1024;
  l.threads_per_sm = 2048;
  l.blocks_per_sm = 32;
  l.multiprocessors = 132;
  return l;
}

PopulationShape shape(uint32_t nodes, uint32_t edges, uint32_t levels) {
  PopulationShape s;
  s.networks = 10000;
  s.max_nodes = nodes;
  s.max_edges = edges;
  s.max_levels = levels;
  s.num_outputs = 2;
  s.max_blob_bytes = network_blob_bytes(nodes, edges, levels + 1, 2);
  s.total_nodes = uint64_t(nodes) * s.networks;
  return s;
}

}  // namespace

TEST_CASE("dispatch: auto puts several small networks in a warp on a few rows") {
  const LaunchPlan p16 = plan_launch(KernelStrategy::Auto, shape(16, 40, 5), 1, h100());
  CHECK(p16.strategy == KernelStrategy::Subwarp);
  CHECK(p16.group == 4);
  CHECK(p16.groups_per_block == 32);
  CHECK(p16.row_tile == 1);
  const LaunchPlan p256 = plan_launch(KernelStrategy::Auto, shape(256, 1200, 54), 4, h100());
  CHECK(p256.strategy == KernelStrategy::Subwarp);
  CHECK(p256.group == 16);  // 10,000 networks: at most 160 per SM
  CHECK(p256.row_tile == 4);
  CHECK(p256.shared_bytes == p256.groups_per_block * subwarp_unit_bytes(shape(256, 1200, 54), 4));
  // Staging (the whole network in shared memory) while it leaves 16 warps per multiprocessor, or
  // while the population fits in one wave: small networks always, 256 nodes only for few networks.
  CHECK(p16.staged);
  CHECK(p16.shared_bytes == p16.groups_per_block * subwarp_staged_unit_bytes(shape(16, 40, 5), 1));
  CHECK_FALSE(p256.staged);
  PopulationShape few = shape(256, 1200, 54);
  few.networks = 1000;
  const LaunchPlan p256few = plan_launch(KernelStrategy::Auto, few, 1, h100());
  CHECK(p256few.strategy == KernelStrategy::Subwarp);
  CHECK(p256few.staged);
  CHECK(p256few.group == 32);  // at most 16 networks per SM: a warp each
}

TEST_CASE("dispatch: lanes per network on a few rows follow population and size") {
  auto lanes = [](uint32_t nodes, uint32_t networks) {
    PopulationShape s = shape(nodes, nodes * 4, nodes / 4 + 2);
    s.networks = networks;
    s.total_nodes = uint64_t(nodes) * networks;
    const LaunchPlan p = plan_launch(KernelStrategy::Auto, s, 1, h100());
    CHECK(p.strategy == KernelStrategy::Subwarp);
    return p.group;
  };
  CHECK(lanes(16, 1000) == 32);
  CHECK(lanes(16, 10000) == 4);
  CHECK(lanes(16, 100000) == 4);
  CHECK(lanes(32, 10000) == 8);
  CHECK(lanes(64, 1000) == 32);
  CHECK(lanes(64, 10000) == 16);
  CHECK(lanes(64, 100000) == 8);
  CHECK(lanes(256, 100000) == 8);
  // Outside what was measured the earlier rules hold.
  CHECK(plan_launch(KernelStrategy::Auto, shape(64, 250, 21), 16, h100()).strategy == KernelStrategy::Warp);
  CHECK(plan_launch(KernelStrategy::Auto, shape(16, 40, 5), 64, h100()).strategy == KernelStrategy::Block);
}

TEST_CASE("dispatch: large networks on few rows get a warp each once the population fills the card") {
  PopulationShape big = shape(1024, 4200, 90);  // 10,000 networks
  const LaunchPlan w = plan_launch(KernelStrategy::Auto, big, 1, h100());
  CHECK(w.strategy == KernelStrategy::Subwarp);
  CHECK(w.group == 32);
  CHECK(w.shared_bytes <= h100().shared_per_block);
  big.networks = 1000;  // fewer than 16 per SM: a block per network walks the levels
  CHECK(plan_launch(KernelStrategy::Auto, big, 1, h100()).strategy == KernelStrategy::Block);
  big.networks = 10000;
  CHECK(plan_launch(KernelStrategy::Auto, big, 8, h100()).strategy == KernelStrategy::Block);  // 8 rows: not measured
  // Values of 100,000 nodes do not fit 4 units in shared memory: the earlier rules decide.
  CHECK(plan_launch(KernelStrategy::Auto, shape(100000, 400000, 500), 1, h100()).strategy != KernelStrategy::Subwarp);
}

TEST_CASE("dispatch: subwarp groups and their limits") {
  PlanTuning t;
  for (uint32_t g : {1u, 2u, 4u, 8u, 16u, 32u}) {
    t.group = g;
    const LaunchPlan p = plan_launch(KernelStrategy::Subwarp, shape(64, 250, 21), 3, h100(), t);
    CHECK(p.group == g);
    CHECK(p.group * p.groups_per_block <= 128);
    CHECK(32 % p.group == 0);
    CHECK(p.shared_bytes <= h100().shared_per_block);
    CHECK(subwarp_unit_bytes(shape(64, 250, 21), 3) % 8 == 4);  // an odd number of floats
  }
  // Staged: the whole network in shared memory, more bytes per unit, the same group.
  t.staged = 1;
  for (uint32_t g : {1u, 4u, 32u}) {
    t.group = g;
    const LaunchPlan p = plan_launch(KernelStrategy::Subwarp, shape(64, 250, 21), 1, h100(), t);
    CHECK(p.staged);
    CHECK(p.group == g);
    CHECK(p.shared_bytes == p.groups_per_block * subwarp_staged_unit_bytes(shape(64, 250, 21), 1));
    CHECK(p.shared_bytes <= h100().shared_per_block);
  }
  CHECK(subwarp_staged_unit_bytes(shape(64, 250, 21), 1) > subwarp_unit_bytes(shape(64, 250, 21), 1) + 250 * 8);
  CHECK(subwarp_staged_unit_bytes(shape(64, 250, 21), 1) % 16 == 0);  // cp.async copies 16-byte pieces
  CHECK(network_blob_bytes(16, 28, 6, 2) == 32 + 16 * 16 + 28 * 8 + 8 * 4);
  CHECK(network_blob_bytes(1, 0, 1, 1) == 64);
  // A network whose edges alone overflow shared memory cannot be staged: says so.
  t.group = 4;
  CHECK_THROWS_WITH_AS(plan_launch(KernelStrategy::Subwarp, shape(2000, 40000, 10), 1, h100(), t),
                       doctest::Contains("2000 nodes, 40000 edges"), Error);
  // The packed record keeps local indices in 16 bits.
  CHECK_THROWS_WITH_AS(plan_launch(KernelStrategy::Subwarp, shape(100, 70000, 10), 1, h100(), t),
                       doctest::Contains("too large to stage"), Error);
  t.staged = -1;
  t.group = 3;
  CHECK_THROWS_WITH_AS(plan_launch(KernelStrategy::Subwarp, shape(64, 250, 21), 1, h100(), t),
                       doctest::Contains("1, 2, 4, 8, 16 or 32"), Error);
  // Values of 100,000 nodes x 32 rows do not fit in shared memory: says so and what can run.
  CHECK_THROWS_WITH_AS(plan_launch(KernelStrategy::Subwarp, shape(100000, 400000, 10), 32, h100()),
                       doctest::Contains("global, level or auto"), Error);
  CHECK(parse_kernel_strategy("subwarp") == KernelStrategy::Subwarp);
  CHECK(parse_kernel_strategy("paper") == KernelStrategy::Paper);
  CHECK(plan_launch(KernelStrategy::Paper, PopulationShape{}, 1, DeviceLimits{}, PlanTuning{}).strategy == KernelStrategy::Paper);
}

TEST_CASE("dispatch: the shared-memory layouts the kernels place their arrays by") {
  for (uint32_t nodes : {1u, 7u, 64u, 1000u})
    for (uint32_t edges : {0u, 5u, 300u})
      for (uint32_t levels : {1u, 3u, 40u})
        for (uint32_t tile : {1u, 3u, 32u}) {
          CAPTURE(nodes);
          CAPTURE(edges);
          CAPTURE(levels);
          CAPTURE(tile);
          const shared_layout::StagedUnit u = shared_layout::staged_unit(nodes, edges, levels, tile);
          // In order, each array where the previous one ends, each aligned for its elements.
          CHECK(u.edge == 0);
          CHECK(u.val == u.edge + size_t(edges) * 8);
          CHECK(u.ro == u.val + size_t(nodes) * tile * 4);
          CHECK(u.bias == u.ro + (size_t(nodes) + 1) * 4);
          CHECK(u.resp == u.bias + size_t(nodes) * 4);
          CHECK(u.ls == u.resp + size_t(nodes) * 4);
          CHECK(u.act == u.ls + (size_t(levels) + 1) * 4);
          CHECK(u.agg == u.act + nodes);
          CHECK(u.bytes >= u.agg + nodes);
          CHECK(u.bytes % 16 == 0);
          CHECK(u.bytes - (u.agg + nodes) < 16);
          PopulationShape shape;
          shape.max_nodes = nodes;
          shape.max_edges = edges;
          shape.max_levels = levels;
          CHECK(staged_unit_bytes(shape, tile) == u.bytes);
          // A packed record: 8 header words, 4 per node, 2 per edge, 1 per level start and output.
          using R = shared_layout::PackedRecord;
          CHECK(R::edge_word(nodes) == 8 + 4 * size_t(nodes));
          CHECK(R::output_word(nodes, edges, levels + 1) == 8 + 4 * size_t(nodes) + 2 * size_t(edges) + levels + 1);
          const size_t blob = network_blob_bytes(nodes, edges, levels + 1, 3);
          CHECK(blob % 16 == 0);
          CHECK(blob >= 4 * (R::output_word(nodes, edges, levels + 1) + 3));
          CHECK(blob - 4 * (R::output_word(nodes, edges, levels + 1) + 3) < 16);
          // A staged subwarp unit: its values padded to 16 bytes, then the record.
          shape.max_blob_bytes = blob;
          CHECK(shared_layout::subwarp_staged_record_at(nodes, tile) % 16 == 0);
          CHECK(shared_layout::subwarp_staged_record_at(nodes, tile) >= size_t(nodes) * tile * 4);
          CHECK(subwarp_staged_unit_bytes(shape, tile) == shared_layout::subwarp_staged_record_at(nodes, tile) + blob);
          CHECK(subwarp_unit_bytes(shape, tile) % 8 == 4);  // an odd number of floats
        }
}
