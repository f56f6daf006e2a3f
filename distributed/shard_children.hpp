// Shard mode's division of the children (reproduce()'s ChildrenShare, evolution/reproduction.hpp):
// rank r makes the offspring r, r + K, r + 2K, ... of the generation's plan (every K-th, as with
// the networks: children of one species sit together and cost alike), every rank makes the elite
// copies, then one MPI_Allgatherv gives every rank everyone's offspring: their genomes as the
// checkpoints encode them (core/genome/genome_codec.hpp: float weights as raw bits, so a copy is
// the child bit for bit) and their pending ids. Every rank then numbers the innovations in child
// order itself, so every rank holds the one-process generation, for any K.
//
// Worth it because an offspring costs far more to make (a Gaussian draw through libm for most of
// its weights) than to decode (docs/distributed.md has the measurements).
#pragma once

#include <cstdint>
#include <memory>

#include "evolution/reproduction.hpp"

namespace ganglion {

class MpiWorld;

// What the last exchange of children cost this rank (for distributed.jsonl).
struct ShardChildrenCost {
  double seconds = 0.0;  // encoding, the allgather (waiting for slower ranks included), decoding
  uint64_t bytes = 0;    // received from the other ranks
  uint32_t made = 0;     // offspring this rank made
};

// The division over `world`'s ranks; `cost`, when given, receives each exchange's cost.
ChildrenShare shard_children(const MpiWorld& world, std::shared_ptr<ShardChildrenCost> cost = nullptr);

}  // namespace ganglion
