#include "core/allocator.hpp"

#include <climits>
#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace ganglion {

void tune_allocator_for_evolution() {
#if defined(__GLIBC__)
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables && std::strstr(tunables, "glibc.malloc")) return;
  // mallopt takes an int: the trim threshold is at most 2 GiB; glibc refuses mmap thresholds
  // above 32 MiB on 64-bit systems. A refused setting leaves glibc's default, which is only slower.
  mallopt(M_TRIM_THRESHOLD, INT_MAX);
  mallopt(M_TOP_PAD, 256 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
}

}  // namespace ganglion
