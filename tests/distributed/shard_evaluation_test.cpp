// distributed/shard_evaluation.hpp: how a population is divided between ranks (no MPI needed),
// and which tasks shard mode refuses.
#include "distributed/shard_evaluation.hpp"

#include <doctest/doctest.h>

#include "core/config/config.hpp"

using namespace ganglion;

TEST_CASE("shard_of: contiguous shares that cover every network once, sizes within one") {
  for (uint32_t n : {0u, 1u, 2u, 7u, 150u, 1000001u}) {
    for (int k : {1, 2, 3, 4, 7, 16}) {
      uint32_t next = 0, smallest = n, largest = 0;
      for (int r = 0; r < k; ++r) {
        const Shard s = shard_of(n, r, k);
        CHECK(s.first == next);
        next = s.first + s.count;
        smallest = std::min(smallest, s.count);
        largest = std::max(largest, s.count);
      }
      CHECK(next == n);
      CHECK(largest - std::min(smallest, largest) <= 1);
    }
  }
  CHECK(shard_of(7, 0, 3).count == 3);  // the larger shares first
  CHECK(shard_of(7, 2, 3).first == 5);
}

TEST_CASE("shard_inexact_reason: double_pole_nv is refused, per-network tasks are not") {
  Config config;
  config.task.name = "double_pole_nv";
  config.genome.num_inputs = 3;
  config.genome.num_outputs = 1;
  auto nv = TaskRegistry::instance().create(config);
  CHECK(shard_inexact_reason(*nv).find("champion test") != std::string::npos);
  config.task.name = "cartpole";
  config.genome.num_inputs = 4;
  auto cp = TaskRegistry::instance().create(config);
  CHECK(shard_inexact_reason(*cp).empty());
}
