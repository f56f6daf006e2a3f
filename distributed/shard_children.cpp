#include "distributed/shard_children.hpp"

#include <chrono>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/genome/genome_codec.hpp"
#include "core/io/checkpoint_io.hpp"
#include "distributed/mpi_world.hpp"

namespace ganglion {

namespace {

void encode_pending(BinaryWriter& w, const PendingIds& p) {
  w.svarint(p.next_node);
  w.svarint(p.next_innovation);
  w.varint(p.proposals.size());
  for (const StructuralProposal& s : p.proposals) {
    w.u8(uint8_t(s.kind));
    w.svarint(s.source);
    w.svarint(s.target);
    w.svarint(s.innovation);
    w.svarint(s.node);
    w.svarint(s.in_innovation);
    w.svarint(s.out_innovation);
  }
}

int32_t int32_of(BinaryReader& r, const char* what) {
  const int64_t v = r.svarint(what);
  if (v < INT32_MIN || v > INT32_MAX) r.fail(fmt::format("{} {} is outside 32 bits", what, v));
  return int32_t(v);
}

PendingIds decode_pending(BinaryReader& r) {
  PendingIds p;
  p.next_node = int32_of(r, "next pending node");
  p.next_innovation = r.svarint("next pending innovation");
  const size_t n = r.count("proposals", 7);
  p.proposals.resize(n);
  for (StructuralProposal& s : p.proposals) {
    const uint8_t kind = r.u8("proposal kind");
    if (kind > uint8_t(StructuralProposal::Kind::AddNode)) r.fail(fmt::format("proposal kind {}", kind));
    s.kind = StructuralProposal::Kind(kind);
    s.source = int32_of(r, "proposal source");
    s.target = int32_of(r, "proposal target");
    s.innovation = r.svarint("proposal innovation");
    s.node = int32_of(r, "proposal node");
    s.in_innovation = r.svarint("proposal in-innovation");
    s.out_innovation = r.svarint("proposal out-innovation");
  }
  return p;
}

}  // namespace

ChildrenShare shard_children(const MpiWorld& world, std::shared_ptr<ShardChildrenCost> cost) {
  ChildrenShare share;
  const size_t ranks = size_t(world.size()), rank = size_t(world.rank());
  share.mine = [ranks, rank](size_t child) { return child % ranks == rank; };
  share.exchange = [&world, cost](std::vector<Genome>& children, std::vector<PendingIds>& pending,
                                  const std::vector<uint8_t>& made, ThreadPool& pool) {
    const auto t0 = std::chrono::steady_clock::now();
    // This rank's offspring, in child order: their indices and pending ids, then the genomes.
    std::vector<uint32_t> own;
    for (size_t i = 0; i < made.size(); ++i)
      if (made[i] == 1) own.push_back(uint32_t(i));
    BinaryWriter w;
    w.varint(own.size());
    for (uint32_t i : own) {
      w.varint(i);
      encode_pending(w, pending[i]);
    }
    std::vector<Genome> genomes;
    genomes.reserve(own.size());
    for (uint32_t i : own) genomes.push_back(std::move(children[i]));
    encode_genomes(w, genomes, &pool);
    for (size_t k = 0; k < own.size(); ++k) children[own[k]] = std::move(genomes[k]);
    genomes.clear();
    const Bytes& bytes = w.data();
    const std::vector<std::string> all =
        world.allgather_bytes(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    // Everyone else's, each into its place; every offspring must arrive exactly once.
    std::vector<uint8_t> have(made.size(), 0);
    uint64_t received = 0;
    for (size_t r = 0; r < all.size(); ++r) {
      if (int(r) == world.rank()) continue;
      received += all[r].size();
      BinaryReader in(reinterpret_cast<const uint8_t*>(all[r].data()), all[r].size(),
                      "rank " + std::to_string(r) + "'s children", "message");
      const size_t n = in.count("children", 2);
      std::vector<uint32_t> at(n);
      std::vector<PendingIds> theirs(n);
      for (size_t k = 0; k < n; ++k) {
        const uint64_t i = in.varint("child index");
        if (i >= children.size() || made[size_t(i)] != 2 || have[size_t(i)])
          in.fail(fmt::format("child {} sent by rank {} is not one of its share of the {} children", i, r,
                              children.size()));
        have[size_t(i)] = 1;
        at[k] = uint32_t(i);
        theirs[k] = decode_pending(in);
      }
      std::vector<Genome> got = decode_genomes(in, "children", &pool);
      in.expect_end("children");
      if (got.size() != n)
        throw Error(fmt::format("rank {} sent {} children's pending ids but {} genomes", r, n, got.size()));
      for (size_t k = 0; k < n; ++k) {
        children[at[k]] = std::move(got[k]);
        pending[at[k]] = std::move(theirs[k]);
      }
    }
    for (size_t i = 0; i < made.size(); ++i)
      if (made[i] == 2 && !have[i])
        throw Error(fmt::format("shard mode: child {} of {} came from no rank (the ranks' plans differ)", i,
                                made.size()));
    if (cost) {
      cost->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      cost->bytes = received;
      cost->made = uint32_t(own.size());
    }
  };
  return share;
}

}  // namespace ganglion
