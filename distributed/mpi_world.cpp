#include "distributed/mpi_world.hpp"

#include <cstdlib>
#include <limits>

#include <mpi.h>

#include "core/error.hpp"

namespace ganglion {

namespace {

// Throws Error naming the call and MPI's text for `code` unless it is MPI_SUCCESS.
void check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING] = {0};
  int length = 0;
  if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) length = 0;
  throw Error(std::string("MPI: ") + call + " failed: " + (length > 0 ? std::string(text, size_t(length)) : "error " + std::to_string(code)));
}

// A length in bytes as MPI's int count; throws when one call cannot move that many.
int byte_count(size_t size, const char* what, int rank) {
  if (size > size_t(std::numeric_limits<int>::max()))
    throw Error("MPI: " + std::string(what) + " of " + std::to_string(size) + " bytes on rank " +
                std::to_string(rank) + ": more than one call moves");
  return int(size);
}

std::vector<int> displacements(const std::vector<int>& counts) {
  std::vector<int> d(counts.size(), 0);
  for (size_t r = 1; r < counts.size(); ++r) d[r] = d[r - 1] + counts[r - 1];
  return d;
}

template <class T>
void allgather_of(const std::vector<T>& mine, std::vector<T>& all, const std::vector<int>& counts, MPI_Datatype type,
                  int rank) {
  if (counts.empty() || int(mine.size()) != counts[size_t(rank)])
    throw Error("MPI: allgather of " + std::to_string(mine.size()) + " values on rank " + std::to_string(rank) +
                ", whose share is " + (counts.empty() ? std::string("unknown") : std::to_string(counts[size_t(rank)])));
  const std::vector<int> at = displacements(counts);
  all.resize(size_t(at.back()) + size_t(counts.back()));
  check(MPI_Allgatherv(mine.data(), int(mine.size()), type, all.data(), counts.data(), at.data(), type,
                       MPI_COMM_WORLD),
        "MPI_Allgatherv");
}

}  // namespace

bool MpiWorld::launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK", "MPI_LOCALNRANKS"})
    if (std::getenv(v)) return true;
  return false;
}

MpiWorld::MpiWorld(int& argc, char**& argv) {
  int provided = 0;
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
  check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
  MPI_Comm local = MPI_COMM_NULL;
  check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &local), "MPI_Comm_split_type");
  check(MPI_Comm_rank(local, &local_rank_), "MPI_Comm_rank (host)");
  check(MPI_Comm_size(local, &local_size_), "MPI_Comm_size (host)");
  check(MPI_Comm_free(&local), "MPI_Comm_free");
}

MpiWorld::~MpiWorld() { MPI_Finalize(); }

void MpiWorld::broadcast(std::string& text) const {
  unsigned long long length = text.size();
  check(MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD), "MPI_Bcast (length)");
  text.resize(size_t(length));
  if (length) check(MPI_Bcast(text.data(), int(length), MPI_CHAR, 0, MPI_COMM_WORLD), "MPI_Bcast");
}

void MpiWorld::allgather(const std::vector<double>& mine, std::vector<double>& all,
                         const std::vector<int>& counts) const {
  allgather_of(mine, all, counts, MPI_DOUBLE, rank_);
}

void MpiWorld::allgather(const std::vector<uint8_t>& mine, std::vector<uint8_t>& all,
                         const std::vector<int>& counts) const {
  allgather_of(mine, all, counts, MPI_UINT8_T, rank_);
}

std::vector<std::string> MpiWorld::allgather_bytes(const std::string& mine) const {
  int length = byte_count(mine.size(), "allgather", rank_);
  std::vector<int> counts(size_t(size_), 0);
  check(MPI_Allgather(&length, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD), "MPI_Allgather (lengths)");
  const std::vector<int> at = displacements(counts);
  std::string all(size_t(at.back()) + size_t(counts.back()), '\0');
  check(MPI_Allgatherv(mine.data(), length, MPI_CHAR, all.data(), counts.data(), at.data(), MPI_CHAR, MPI_COMM_WORLD),
        "MPI_Allgatherv");
  std::vector<std::string> out(static_cast<size_t>(size_));
  for (size_t r = 0; r < out.size(); ++r) out[r] = all.substr(size_t(at[r]), size_t(counts[r]));
  return out;
}

std::vector<std::string> MpiWorld::gather_bytes(const std::string& mine) const {
  int length = byte_count(mine.size(), "gather", rank_);
  std::vector<int> counts(rank_ == 0 ? size_t(size_) : 0, 0);
  check(MPI_Gather(&length, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Gather (lengths)");
  std::vector<int> at;
  std::string all;
  if (rank_ == 0) {
    at = displacements(counts);
    size_t total = 0;
    for (int c : counts) total += size_t(c);
    byte_count(total, "gather (all ranks together)", rank_);
    all.resize(total);
  }
  check(MPI_Gatherv(mine.data(), length, MPI_CHAR, all.data(), counts.data(), at.data(), MPI_CHAR, 0, MPI_COMM_WORLD),
        "MPI_Gatherv");
  std::vector<std::string> out;
  for (size_t r = 0; r < counts.size(); ++r) out.push_back(all.substr(size_t(at[r]), size_t(counts[r])));
  return out;
}

std::string MpiWorld::scatter_bytes(const std::vector<std::string>& parts) const {
  std::vector<int> counts, at;
  std::string all;
  if (rank_ == 0) {
    if (parts.size() != size_t(size_))
      throw Error("MPI: scatter of " + std::to_string(parts.size()) + " parts over " + std::to_string(size_) +
                  " ranks");
    for (const auto& p : parts) {
      counts.push_back(byte_count(p.size(), "scatter", rank_));
      all += p;
    }
    byte_count(all.size(), "scatter (all ranks together)", rank_);
    at = displacements(counts);
  }
  int length = 0;
  check(MPI_Scatter(counts.data(), 1, MPI_INT, &length, 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Scatter (lengths)");
  std::string mine(size_t(length), '\0');
  check(MPI_Scatterv(all.data(), counts.data(), at.data(), MPI_CHAR, mine.data(), length, MPI_CHAR, 0,
                     MPI_COMM_WORLD),
        "MPI_Scatterv");
  return mine;
}

std::vector<double> MpiWorld::gather(const std::vector<double>& mine) const {
  std::vector<double> all(rank_ == 0 ? mine.size() * size_t(size_) : 0);
  check(MPI_Gather(mine.data(), int(mine.size()), MPI_DOUBLE, all.data(), int(mine.size()), MPI_DOUBLE, 0,
                   MPI_COMM_WORLD),
        "MPI_Gather");
  return all;
}

bool MpiWorld::any(bool mine) const {
  int in = mine ? 1 : 0, out = 0;
  check(MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
  return out != 0;
}

double MpiWorld::max(double mine) const {
  double out = 0.0;
  check(MPI_Allreduce(&mine, &out, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
  return out;
}

void MpiWorld::abort(int code) const {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);  // MPI_Abort does not return; should it, this process still ends
}

}  // namespace ganglion
