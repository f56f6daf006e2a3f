// How much memory this machine has, for early refusals of inputs that cannot fit: a config whose
// population would need more than that, a checkpoint whose header claims a larger body. A refusal
// from here names the input and both sizes in seconds, where allocating would end minutes later
// in std::bad_alloc (or the kernel's OOM killer) naming nothing.
#pragma once

#include <cstdint>
#include <string>

namespace ganglion {

// Physical memory in bytes (sysconf: pages times page size), or 0 when the system does not say.
uint64_t physical_memory_bytes();

// "1.5 GiB", "512 MiB", "3 KiB", "17 bytes": sizes in messages.
std::string memory_text(uint64_t bytes);

}  // namespace ganglion
