// The process's memory allocator, set for evolution's pattern: every generation frees one
// population's genes and allocates the next one's (millions of small arrays, across all threads).
// glibc's defaults return freed memory to the kernel at once and serve arrays above a moving size
// from fresh mappings, so each generation page-faults its memory back in; keeping it in the
// process made reproduction plus speciation 1.6-1.9x faster at 100,000 genomes on 16 threads
// (docs/benchmarks.md). Results do not change: only where memory comes from.
#pragma once

namespace ganglion {

// Called once by a program at its start (the `ganglion` program does; a library never does it by
// itself, since the settings are the whole process's): freed memory stays in the process up to
// 2 GiB, heaps grow 256 MiB at a time, arrays below 32 MiB come from the heap. Does nothing where
// the C library is not glibc, or when GLIBC_TUNABLES names a glibc.malloc setting (the user's
// settings win).
void tune_allocator_for_evolution();

}  // namespace ganglion
