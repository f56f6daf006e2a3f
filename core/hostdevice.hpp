// One macro marks code shared by the host compiler and nvcc (activation functions, task physics),
// so that there is exactly one definition of anything both sides compute.
#pragma once

#if defined(__CUDACC__)
#define GANGLION_HD __host__ __device__
#define GANGLION_INLINE __forceinline__
#else
#define GANGLION_HD
#define GANGLION_INLINE inline
#endif
