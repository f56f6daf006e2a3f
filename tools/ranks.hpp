// The `ganglion` program as one rank of an MPI job (docs/distributed.md). Without MPI in the build,
// or when not started by mpirun / srun, the program is one process and every function here is
// the identity: one rank, rank 0, nothing to agree on.
//
// Under MPI every rank runs the same command: rank 0 writes the run folder and logs; the others
// run the same evolution, write nothing and log only warnings and errors, tagged with their rank.
#pragma once

#include <string>
#include <vector>

#include "evolution/session.hpp"

namespace ganglion {
class MpiWorld;
}

namespace ganglion::cli {

struct RankInfo {
  int rank = 0;
  int size = 1;
  bool distributed() const { return size > 1; }
  bool writes() const { return rank == 0; }  // the one rank that writes the run folder
};

// Called once by main(), before any command runs: initialises MPI when the process was started by
// an MPI launcher. Throws Error when it was but the program is built without MPI (each rank would
// run a run of its own).
void start_ranks(int& argc, char**& argv);
// Ends MPI (main(), at the end).
void stop_ranks();
const RankInfo& ranks();
// After an error on this rank (main() has logged it with the rank): ends every rank of the job
// with `code`. Returns only when the program is one process.
void abort_ranks(int code);

// `base` made distributed: the distributed.mode evaluation over the ranks, and host threads
// divided among the ranks of one host unless the config sets `threads` (or
// distributed.divide_threads: false). `base` as it is for one rank.
SessionBackends distributed_backends(SessionBackends base);
// The reporter of shard mode's costs per generation (distributed/shard_costs.hpp), null for one
// process: every rank adds it to its session's reporters, then names the run folder once the
// session exists (rank 0 writes <run folder>/distributed.jsonl).
Reporter* shard_costs_reporter();
void shard_costs_into(const std::string& run_dir);
// Throws Error on every rank whose `text` differs from rank 0's, naming the first line that differs
// on each side ("rank 2's config differs from rank 0's: ...").
void check_same_on_ranks(const std::string& text, const std::string& what);
// Rank 0's `text` on every rank.
std::string from_rank_0(std::string text);
// Whether `mine` is true on any rank (every rank calls it at the same point).
bool on_any_rank(bool mine);
// Every rank's `mine`, in rank order (every rank calls it at the same point).
std::vector<std::string> from_all_ranks(const std::string& mine);
// The job's MPI world; null for one process (or a build without MPI).
const MpiWorld* mpi_world();

}  // namespace ganglion::cli
