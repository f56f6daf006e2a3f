// The MPI job this process is one rank of: MPI_Init_thread on construction, MPI_Finalize on
// destruction, this rank's place in the world and on its host, and the few collectives a
// distributed run needs. Every MPI call is checked: a failure throws Error naming the call and
// MPI's own error string (MPI_ERRORS_RETURN is set on the world, so MPI never aborts silently).
// Only the thread that made the world calls MPI (MPI_THREAD_FUNNELED): the run's worker threads
// never do.
//
// One world per process, made by the program (tools/ranks.cpp), handed down by reference.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ganglion {

class MpiWorld {
 public:
  MpiWorld(int& argc, char**& argv);
  ~MpiWorld();
  MpiWorld(const MpiWorld&) = delete;
  MpiWorld& operator=(const MpiWorld&) = delete;

  // Whether this process was started by an MPI launcher (mpirun, mpiexec, srun with PMI/PMIx),
  // judged from the launchers' environment variables, before MPI is initialised.
  static bool launched_by_mpi();

  int rank() const { return rank_; }
  int size() const { return size_; }
  int local_rank() const { return local_rank_; }  // among the ranks of this host
  int local_size() const { return local_size_; }

  // Rank 0's `text` on every rank.
  void broadcast(std::string& text) const;
  // Every rank's `mine`, concatenated in rank order into `all`; counts[r] is rank r's length.
  void allgather(const std::vector<double>& mine, std::vector<double>& all, const std::vector<int>& counts) const;
  void allgather(const std::vector<uint8_t>& mine, std::vector<uint8_t>& all, const std::vector<int>& counts) const;
  // Every rank's bytes, in rank order, on every rank (any lengths).
  std::vector<std::string> allgather_bytes(const std::string& mine) const;
  // Every rank's bytes, in rank order, on rank 0 (any lengths); empty on the others.
  std::vector<std::string> gather_bytes(const std::string& mine) const;
  // Rank 0's parts[r] on rank r (rank 0 passes one part per rank; the others pass nothing).
  std::string scatter_bytes(const std::vector<std::string>& parts) const;
  // Every rank's `mine` (each of the same length), concatenated in rank order, on rank 0; empty
  // on the others.
  std::vector<double> gather(const std::vector<double>& mine) const;
  // Whether `mine` is true on any rank.
  bool any(bool mine) const;
  // The largest of every rank's `mine`.
  double max(double mine) const;
  // Ends every rank of the job with `code` (MPI_Abort); for a failure on one rank.
  [[noreturn]] void abort(int code) const;

 private:
  int rank_ = 0, size_ = 1, local_rank_ = 0, local_size_ = 1;
};

}  // namespace ganglion
