// distributed/shard_evaluation.hpp: how a population is divided between ranks (no MPI needed),
// and which tasks shard mode refuses.
#include "distributed/shard_evaluation.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "core/config/config.hpp"

using namespace ganglion;

TEST_CASE("shard_of: every K-th network, the shares cover every network once, sizes within one") {
  for (uint32_t n : {0u, 1u, 2u, 7u, 150u, 100003u}) {
    for (int k : {1, 2, 3, 4, 7, 16}) {
      std::vector<int> owner(n, -1);
      uint32_t smallest = n, largest = 0;
      for (int r = 0; r < k; ++r) {
        const Shard s = shard_of(n, r, k);
        CHECK(s.first == uint32_t(r));
        CHECK(s.stride == uint32_t(k));
        for (uint32_t i = 0; i < s.count; ++i) {
          REQUIRE(s.index(i) < n);
          CHECK(owner[size_t(s.index(i))] == -1);
          owner[size_t(s.index(i))] = r;
          uint32_t back = 0;
          CHECK(s.position(s.index(i), back));
          CHECK(back == i);
        }
        smallest = std::min(smallest, s.count);
        largest = std::max(largest, s.count);
      }
      CHECK(std::count(owner.begin(), owner.end(), -1) == 0);
      CHECK(largest - std::min(smallest, largest) <= 1);
    }
  }
  CHECK(shard_of(7, 0, 3).count == 3);  // the larger shares first
  CHECK(shard_of(7, 2, 3).count == 2);
  uint32_t at = 0;
  CHECK_FALSE(shard_of(7, 2, 3).position(4, at));
  CHECK(shard_of(7, 2, 3).position(5, at));
  CHECK(at == 1);
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
