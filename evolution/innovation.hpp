// Innovation numbers and node ids for structural mutations, shared within one generation, assigned
// deterministically although children are made in parallel.
//
// How: while children are made (in parallel), each child's structural mutations use *pending* ids
// from its own counter (PendingIds) and are recorded as proposals. Afterwards a sequential pass
// walks the children in child order and turns pending ids into real ones through the generation's
// InnovationHistory (resolve_pending), so the same split in two children of one generation gets the
// same node id, whatever thread made which child.
#pragma once

#include <cstdint>
#include <vector>

#include "core/genome/genome.hpp"
#include "evolution/state.hpp"

namespace ganglion {

// Pending ids lie above every real id, so a genome with pending genes appended stays sorted.
constexpr int32_t kPendingNodeBase = int32_t(1) << 30;
constexpr int64_t kPendingInnovationBase = int64_t(1) << 62;
inline bool is_pending_node(int32_t id) { return id >= kPendingNodeBase; }
inline bool is_pending_innovation(int64_t innovation) { return innovation >= kPendingInnovationBase; }

// One structural mutation of one child, in the order it was made.
struct StructuralProposal {
  enum class Kind : uint8_t { AddConnection, AddNode };
  Kind kind = Kind::AddConnection;
  int32_t source = 0;  // AddConnection: the new connection; AddNode: the split connection's ends
  int32_t target = 0;
  int64_t innovation = 0;  // AddConnection: its pending innovation; AddNode: the split connection's
  int32_t node = 0;              // AddNode: pending id of the new node
  int64_t in_innovation = 0;     // AddNode: pending innovation of source -> node
  int64_t out_innovation = 0;    // AddNode: pending innovation of node -> target
};

// A child's pending-id counters and proposals.
struct PendingIds {
  int32_t next_node = kPendingNodeBase;
  int64_t next_innovation = kPendingInnovationBase;
  std::vector<StructuralProposal> proposals;

  int32_t node() { return next_node++; }
  int64_t innovation() { return next_innovation++; }
  bool empty() const { return proposals.empty(); }
};

// Starts a generation: the maps of the previous one are forgotten, the counters go on.
void begin_generation(InnovationHistory& history);
// The innovation number of a new connection source -> target in this generation.
int64_t connection_innovation(InnovationHistory& history, int32_t source, int32_t target);
// The ids for splitting the connection `innovation` (source -> target) in this generation.
SplitRecord split_innovation(InnovationHistory& history, int64_t innovation, int32_t source, int32_t target);

// The real ids of one child's pending ids (index = pending id - its base).
struct PendingMap {
  std::vector<int32_t> nodes;
  std::vector<int64_t> innovations;
};

// The sequential part: gives the child's proposals real ids through the generation's history, in
// proposal order. A node id that the genome already holds (a second split of one connection in
// one child) gets a fresh id instead of the shared one. Reads the genome, does not change it.
PendingMap assign_pending(const Genome& genome, const PendingIds& pending, InnovationHistory& history);
// The parallel part: rewrites the genome's pending ids with the map, then sorts the genome.
void apply_pending(Genome& genome, const PendingMap& map);
// Both, for one genome.
void resolve_pending(Genome& genome, const PendingIds& pending, InnovationHistory& history);

}  // namespace ganglion
